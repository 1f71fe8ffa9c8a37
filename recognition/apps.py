from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "recognition"
    verbose_name = _("Recognition")

    def ready(self) -> None:
        from community.activity import register_listener
        from community.navigation import CommunityTab, Panel, register_profile_panel, register_tab
        from community.selectors.members import DATA_EXPORTERS
        from mentoring.panels import register_mentorship_panel
        from recognition import (
            activity,  # noqa: F401  (verbs and notification kinds)
            selectors,
        )
        from recognition.rules import all_rules
        from recognition.tasks import on_activity

        verbs: set[str] = set()
        for rule in all_rules():
            verbs |= rule.listens_to()
        register_listener(sorted(verbs), on_activity)
        register_tab(CommunityTab("recognition", _("Recognition"), "recognition:wall", 50, "star"))
        register_profile_panel(
            Panel("recognition", "recognition/_profile_panel.html", selectors.profile_panel, 10)
        )
        register_mentorship_panel(
            Panel("recognition", "recognition/_mentorship_panel.html", selectors.mentorship_panel)
        )
        DATA_EXPORTERS["recognition"] = selectors.export_member_data

        # A section of the monthly digest (community/newsletters.py).
        from recognition import newsletter

        newsletter.register()
