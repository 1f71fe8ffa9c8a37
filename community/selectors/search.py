from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from community.global_search import Hit, Section
from community.selectors.communities import search_communities


def search_communities_section(user: Any, text: str, limit: int) -> Section:
    communities = search_communities(user, text, limit=limit)
    return Section(
        hits=[
            Hit(
                title=c.name,
                url=c.get_absolute_url(),
                snippet=c.tagline,
                meta=c.get_visibility_display(),
            )
            for c in communities
        ],
        more_url=f"{reverse('community:community-list')}?{urlencode({'q': text})}",
    )
