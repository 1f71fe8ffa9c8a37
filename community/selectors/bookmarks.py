from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from community.models import Bookmark, Member


def bookmarked_ids(
    member: Member | None, model: type[models.Model], ids: Iterable[int]
) -> set[int]:
    """Which of these rows the member has bookmarked (one query, for list pages)."""
    wanted = list(ids)
    if member is None or not wanted:
        return set()
    return set(
        Bookmark.objects.filter(
            member=member,
            target_type=ContentType.objects.get_for_model(model),
            target_id__in=wanted,
        ).values_list("target_id", flat=True)
    )


def bookmarks_query(member: Member, model: type[models.Model]) -> models.QuerySet[Bookmark]:
    """The member's bookmarks of one kind, newest first (paginate with keyset)."""
    return Bookmark.objects.filter(
        member=member, target_type=ContentType.objects.get_for_model(model)
    ).order_by("-created_at", "-id")
