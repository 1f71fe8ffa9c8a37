from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Cross-mentoring")

    def ready(self) -> None:
        from community.global_search import Provider, register_provider
        from community.navigation import (
            CommunityTab,
            Panel,
            register_overview_panel,
            register_profile_panel,
            register_tab,
        )
        from community.selectors.members import DATA_EXPORTERS
        from mentoring import activity  # noqa: F401  (verbs and notification kinds)
        from mentoring.selectors import panels

        register_tab(CommunityTab("mentoring", _("Mentoring"), "mentoring:home", 30, "users"))
        register_overview_panel(
            Panel("mentoring", "mentoring/_overview_panel.html", panels.overview_panel, 40)
        )
        register_profile_panel(
            Panel("mentoring-skills", "mentoring/_profile_panel.html", panels.profile_panel, 20)
        )
        register_provider(Provider("skills", _("People by skill"), panels.search_people, 40))
        DATA_EXPORTERS["mentoring"] = panels.export_member_data

        from mentoring import newsletter

        newsletter.register()
