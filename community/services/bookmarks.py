from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from community.models import Bookmark, Member


@transaction.atomic
def set_bookmark(*, member: Member, target: models.Model, on: bool) -> bool:
    """Bookmark (``on``) or un-bookmark ``target``; idempotent. Returns the new state."""
    target_type = ContentType.objects.get_for_model(target)
    if on:
        Bookmark.objects.get_or_create(member=member, target_type=target_type, target_id=target.pk)
    else:
        Bookmark.objects.filter(
            member=member, target_type=target_type, target_id=target.pk
        ).delete()
    return on
