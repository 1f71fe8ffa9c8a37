"""The resource library: share, vote "useful", discuss."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from community import discussions, life
from community.life_permissions import can_manage_event, can_read_resource
from community.markdown import render_markdown
from community.models import Community, Event, Member, Resource, ResourceVote
from community.models.resources import ResourceKind, ResourceVisibility
from community.permissions import check_can_contribute
from community.services.activity import record_activity
from community.services.ratelimits import check_contribution_rate
from community.uploads import document_display_name, safe_name, validate_document


def _context(member: Member, community: Community) -> Any:
    from community.selectors.communities import get_community_context

    return get_community_context(member.user, community)


def _clean_tags(tags: Iterable[str]) -> list[str]:
    return sorted({t.strip()[:100] for t in tags if t and t.strip()})[:10]


@transaction.atomic
def share_resource(
    *,
    community: Community,
    by: Member,
    kind: str,
    title: str,
    summary: str = "",
    url: str = "",
    body: str = "",
    upload: UploadedFile | None = None,
    tags: Iterable[str] = (),
    visibility: str = ResourceVisibility.COMMUNITY,
    event: Event | None = None,
    check_rate: bool = True,
) -> Resource:
    """Share a document, a link, a video or podcast link, or a written article. With
    ``event``, the event's organisers attach slides or a recording after it. Members
    posting too fast are refused (`ratelimits.check_contribution_rate`; ``check_rate=False``
    for imports and demo data)."""
    ctx = _context(by, community)
    if event is not None:
        if event.community_id != community.pk:
            raise ValidationError(_("This event belongs to another community."))
        organisers = set(event.organisers.values_list("pk", flat=True))
        if not can_manage_event(ctx, organisers):
            raise PermissionDenied(_("Only the event's organisers and the animators can do this."))
    else:
        check_can_contribute(ctx)
        if check_rate:
            check_contribution_rate(by, community)
    if kind not in ResourceKind.values:
        raise ValidationError({"kind": _("Choose a kind from the list.")}, code="invalid")
    resource = Resource(
        community=community,
        author=by,
        kind=kind,
        title=title.strip(),
        summary=summary.strip(),
        visibility=visibility,
        event=event,
        language=community.language,
    )
    if kind == ResourceKind.DOCUMENT:
        if upload is None:
            raise ValidationError({"upload": _("Choose the file to share.")}, code="required")
        extension = validate_document(upload)
        resource.file_name = document_display_name(upload.name or "", extension)
        resource.file_size = upload.size or 0
        resource.file_type = extension
        resource.file.save(safe_name(extension), upload, save=False)
    elif kind == ResourceKind.ARTICLE:
        if not body.strip():
            raise ValidationError({"body": _("Write the article.")}, code="required")
        resource.body = body
        resource.body_html = render_markdown(body).html
    else:
        if not url:
            raise ValidationError({"url": _("Give the address (https://…).")}, code="required")
        resource.url = url
    clean_tags = _clean_tags(tags)
    resource.tag_text = " ".join(clean_tags)
    resource.full_clean(exclude=["file"])
    resource.save()
    resource.tags.set(clean_tags)
    record_activity(
        actor=by,
        verb=life.RESOURCE_SHARED.key,
        community=community,
        target=resource,
        payload={
            "resource_id": resource.pk,
            "kind": kind,
            "tags": sorted(t.slug for t in resource.tags.all()),
        },
    )
    return resource


@transaction.atomic
def set_useful(*, resource: Resource, member: Member, on: bool) -> bool:
    """Vote (or take back a vote) that a resource is useful; idempotent. Members cannot
    vote for what they shared themselves."""
    resource = Resource.objects.select_for_update().select_related("community").get(pk=resource.pk)
    ctx = _context(member, resource.community)
    check_can_contribute(ctx)
    if not can_read_resource(ctx, resource):
        raise PermissionDenied(_("You cannot see this resource."))
    if resource.author_id == member.pk:
        raise ValidationError(_("You cannot vote for what you shared."), code="own")
    if on:
        _vote, created = ResourceVote.objects.get_or_create(resource=resource, member=member)
        if created:
            Resource.objects.filter(pk=resource.pk).update(useful_count=F("useful_count") + 1)
            resource.useful_count += 1
            record_activity(
                actor=member,
                verb=life.RESOURCE_FOUND_USEFUL.key,
                community=resource.community,
                target=resource,
                payload={"resource_id": resource.pk, "for_member_id": resource.author_id},
            )
    else:
        deleted, _rows = ResourceVote.objects.filter(resource=resource, member=member).delete()
        if deleted:
            Resource.objects.filter(pk=resource.pk).update(useful_count=F("useful_count") - 1)
            resource.useful_count -= 1
    return on


def open_discussion_for(*, target: Resource | Event, by: Member) -> str | None:
    """The URL of the discussion about a resource or an event (forums provides it),
    opened the first time and stored beside the target."""
    if target.discussion_url:
        return target.discussion_url
    if discussions.get_provider() is None:
        return None
    check_can_contribute(_context(by, target.community))
    url = discussions.open_discussion(
        target=target,
        community=target.community,
        title=target.title,
        url=target.get_absolute_url(),
        by=by,
    )
    if url:
        type(target).objects.filter(pk=target.pk).update(discussion_url=url)
        target.discussion_url = url
    return url


def set_resource_hidden(
    *, resource: Resource, by: Member, hidden: bool, reason: str = ""
) -> Resource:
    """Hide or show a resource (a moderation action: logged, the author told)."""
    from community.services import moderation

    if hidden:
        moderation.hide_content(
            target=resource,
            by=by,
            reason=reason or _("It does not follow the community's charter."),
        )
    else:
        moderation.restore_content(target=resource, by=by, reason=reason)
    return resource
