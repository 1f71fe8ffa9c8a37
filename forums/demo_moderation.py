"""Demo data of forum moderation: a reply of the forum demo flagged by two members, waiting
in the national network's review queue. Runs after forums/demo.py; idempotent, and does
nothing while the forums demo has no replies."""

from __future__ import annotations

from typing import TextIO

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from community.models import Membership, ReviewItem
from community.models.communities import MembershipStatus, Role
from community.services import moderation
from forums.models import Post


@transaction.atomic
def seed(out: TextIO) -> None:
    post_type = ContentType.objects.get_for_model(Post)
    if ReviewItem.objects.filter(target_type=post_type).exists():
        out.write("forum moderation: already there\n")
        return
    post = (
        Post.objects.filter(
            community__slug="reseau-formateurs",
            number__gt=1,
            hidden_at__isnull=True,
            deleted_at__isnull=True,
            author__isnull=False,
        )
        .select_related("community", "topic__category")
        .order_by("created_at", "pk")
        .first()
    )
    if post is None:
        out.write("forum moderation: no forum replies to flag\n")
        return
    flaggers = [
        m.member
        for m in Membership.objects.filter(
            community=post.community, status=MembershipStatus.ACTIVE, role=Role.MEMBER
        )
        .exclude(member_id=post.author_id or 0)
        .select_related("member__user")
        .order_by("member__display_name")[:2]
    ]
    reasons = [
        ("off_topic", "Ce message parle d’autre chose que la question posée."),
        ("inappropriate", "Le ton est un peu sec envers l’auteur du sujet."),
    ]
    for member, (reason, message) in zip(flaggers, reasons, strict=False):
        moderation.flag_content(target=post, by=member, reason=reason, message=message)
    out.write("forum moderation: 1 flagged reply in the review queue\n")
