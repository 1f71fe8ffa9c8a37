from community.admin import (  # noqa: F401  (registers the admins)
    accounts,
    communities,
    events,
    moderation,
    newsletters,
    resources,
    surveys,
)
from community.admin.scoping import CommunityScopedAdminMixin

__all__ = ["CommunityScopedAdminMixin"]
