from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from community import discussions
        from community.global_search import Provider, register_provider
        from community.navigation import CommunityTab, Panel, register_overview_panel, register_tab
        from community.selectors.members import DATA_EXPORTERS
        from community.uploads import PUBLIC_MEDIA_DIRS
        from forums import (
            activity,  # noqa: F401  (verbs and notification kinds)
            cache,
        )
        from forums.selectors import panels, topics
        from forums.services.posting import open_discussion

        register_tab(CommunityTab("forums", _("Forums"), "forums:home", 10, "chat"))
        register_overview_panel(
            Panel("forums", "forums/_overview_panel.html", panels.overview_panel, 10)
        )
        register_provider(Provider("discussions", _("Discussions"), topics.search_section, 20))
        discussions.register_provider(open_discussion)
        DATA_EXPORTERS["forums"] = panels.export_member_data
        PUBLIC_MEDIA_DIRS.add("forums")

        # Posts can be flagged and moderated (community/moderation.py).
        from forums import moderation

        moderation.register()

        # Anonymous page cache: version stamps bumped by writes (forums/cache.py).
        cache.connect_signals()

        # Sections of the monthly digest (community/newsletters.py).
        from forums import newsletter

        newsletter.register()

        # Kudos about a post link to it, for viewers who may read it (recognition/subjects.py).
        from django.apps import apps

        if apps.is_installed("recognition"):
            from recognition.subjects import register_subject

            register_subject("post", topics.kudos_post_urls)
