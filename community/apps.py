from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    default = True
    name = "community"
    verbose_name = _("Community")

    def ready(self) -> None:
        # Registering the verbs and notification kinds of community/ itself.
        from community import activity, notifications  # noqa: F401
        from community.global_search import Provider, register_provider
        from community.selectors.search import search_communities_section

        register_provider(Provider("communities", _("Communities"), search_communities_section, 10))

        # Community life: events, library, surveys, newcomers.
        from community import life

        life.register()

        # Moderation: flags, review queue, log (resources are flaggable; forums adds posts).
        from community import moderation

        moderation.register()

        # Newsletter sections of community/ (events, library).
        from community import newsletter_sections

        newsletter_sections.register()

        # The member's menu in the header is a cached fragment (community/fragments.py).
        from community import fragments

        fragments.connect_signals()
