"""The newcomer's welcome: the rituals animators write for them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community.markdown import render_markdown
from community.models import Community, Member
from community.permissions import check_can_animate


@transaction.atomic
def set_rituals(*, community: Community, by: Member, text: str) -> Community:
    """The community's rituals (Markdown), shown on the welcome page."""
    from community.selectors.communities import get_community_context

    check_can_animate(get_community_context(by.user, community))
    if len(text) > 5000:
        raise ValidationError({"rituals": _("Keep the rituals under 5,000 characters.")})
    community.rituals = text.strip()
    community.rituals_html = render_markdown(community.rituals).html
    Community.objects.filter(pk=community.pk).update(
        rituals=community.rituals, rituals_html=community.rituals_html
    )
    return community
