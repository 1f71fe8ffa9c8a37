from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from analytics import metrics  # noqa: F401  (registers the figures)
        from community.navigation import CommunityTab, register_tab
        from community.permissions import can_view_dashboard

        register_tab(
            CommunityTab(
                "dashboard",
                _("Dashboard"),
                "analytics:dashboard",
                85,
                "chart",
                visible=can_view_dashboard,
            )
        )

        # A section of the monthly digest (community/newsletters.py).
        from analytics import newsletter

        newsletter.register()
