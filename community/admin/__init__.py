from community.admin import accounts, communities  # noqa: F401  (registers the admins)
from community.admin.scoping import CommunityScopedAdminMixin

__all__ = ["CommunityScopedAdminMixin"]
