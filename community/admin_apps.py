from django.contrib.admin.apps import AdminConfig


class LearnersAdminConfig(AdminConfig):
    """The Django admin with the platform's own site (MFA required, scoped to the
    communities an animator animates)."""

    default_site = "community.admin_site.LearnersAdminSite"
