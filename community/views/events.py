from __future__ import annotations

import zoneinfo
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import discussions, ical
from community.http import MemberRequest, Request
from community.life_forms import (
    CheckinForm,
    EventForm,
    FeedbackForm,
    MessageForm,
    ResourceForm,
    month_param,
)
from community.life_permissions import can_create_event, check_can_manage_event
from community.models import Community
from community.models.resources import ResourceKind
from community.permissions import can_read_community
from community.selectors import events as selectors
from community.selectors.communities import access_community, get_community_context
from community.services import events as services
from community.services.resources import open_discussion_for, share_resource
from community.views._helpers import error_messages, render_community

FEED_SALT = "community.events.feed"
WAITLIST_MESSAGE = _lazy(
    "The event is full: you are on the waiting list. We'll tell you if a seat frees up."
)


@require_GET
def event_list(request: Request, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    past = request.GET.get("when") == "past"
    cursor = request.GET.get("after")
    page = (
        selectors.list_past_events(ctx.community, cursor=cursor)
        if past
        else selectors.list_upcoming_events(ctx.community, cursor=cursor)
    )
    return render_community(
        request,
        "community/events/_rows.html" if request.htmx else "community/events/list.html",
        ctx,
        tab="events",
        page=page,
        past=past,
        registrations=selectors.registration_map(ctx.member, [e.pk for e in page.items]),
        can_create=can_create_event(ctx),
        feed_url=_feed_url(request, ctx.community, ctx.member),
    )


@require_GET
def event_calendar(request: Request, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    year, month = month_param(request.GET.get("month"))
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return render_community(
        request,
        "community/events/calendar.html",
        ctx,
        tab="events",
        weeks=selectors.calendar_month(ctx.community, year, month),
        month=date(year, month, 1),
        previous=previous,
        following=following,
        can_create=can_create_event(ctx),
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="contribute")
    if not can_create_event(ctx):
        raise PermissionDenied(_("Only animators and ambassadors can plan events."))
    form = EventForm(
        request.POST or None,
        community=ctx.community,
        initial={"timezone": request.member.timezone, "members_only": True, "occurrences": 6},
    )
    if request.method == "POST" and form.is_valid():
        try:
            events = services.create_event(
                community=ctx.community,
                by=request.member,
                tz=form.cleaned_data["timezone"],
                tags=form.cleaned_data["tags"],
                recurrence=form.cleaned_data.get("recurrence") or "",
                occurrences=form.cleaned_data.get("occurrences") or 6,
                organisers=[request.member, *form.cleaned_data["co_organisers"]],
                speakers=form.cleaned_data["speakers"],
                **form.event_fields(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if len(events) > 1:
                messages.success(
                    request,
                    _("%(count)d sessions are planned.") % {"count": len(events)},
                )
            else:
                messages.success(request, _("The event is planned."))
            return redirect(events[0].get_absolute_url())
    return render_community(
        request,
        "community/events/form.html",
        ctx,
        tab="events",
        form=form,
        status=400 if form.is_bound else 200,
    )


def _form_errors(form: object, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None  # type: ignore[attr-defined]
            for item in errors:
                form.add_error(target, item)  # type: ignore[attr-defined]
    else:
        for text in error_messages(error):
            form.add_error(None, text)  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, event = selectors.access_event(request.user, slug, pk)
    check_can_manage_event(ctx, {m.pk for m in event.organisers.all()})
    zone = zoneinfo.ZoneInfo(event.timezone)
    initial = {
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "starts_at": timezone.localtime(event.starts_at, zone).replace(tzinfo=None),
        "ends_at": timezone.localtime(event.ends_at, zone).replace(tzinfo=None),
        "timezone": event.timezone,
        "place": event.place,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "members_only": event.members_only,
        "tags": ", ".join(t.name for t in event.tags.all()),
        "co_organisers": ", ".join(m.handle for m in event.organisers.all()),
        "speakers": ", ".join(m.handle for m in event.speakers.all()),
    }
    form = EventForm(request.POST or None, initial=initial, editing=True, community=ctx.community)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(
                event=event,
                by=request.member,
                timezone=form.cleaned_data["timezone"],
                tags=form.cleaned_data["tags"],
                organisers=form.cleaned_data["co_organisers"] or [request.member],
                speakers=form.cleaned_data["speakers"],
                **form.event_fields(),
            )
            services.set_capacity(event=event, by=request.member, capacity=event.capacity)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The event is updated; registered members are told."))
            return redirect(event.get_absolute_url())
    return render_community(
        request,
        "community/events/form.html",
        ctx,
        tab="events",
        form=form,
        event=event,
        status=400 if form.is_bound else 200,
    )


@require_GET
def event_detail(request: Request, slug: str, pk: int) -> HttpResponse:
    ctx, event = selectors.access_event(request.user, slug, pk)
    data = selectors.get_event_page(ctx, event)
    return render_community(
        request,
        "community/events/detail.html",
        ctx,
        tab="events",
        feedback_form=FeedbackForm(
            initial={"rating": data["feedback"].rating, "comment": data["feedback"].comment}
            if data["feedback"]
            else None
        ),
        checkin_form=CheckinForm(),
        message_form=MessageForm(),
        attach_form=ResourceForm(
            kinds=[ResourceKind.DOCUMENT, ResourceKind.LINK, ResourceKind.VIDEO]
        ),
        discuss=bool(event.discussion_url or discussions.get_provider()),
        **data,
    )


def _back(request: Request, event: object, fragment: str = "") -> HttpResponse:
    return redirect(event.get_absolute_url() + fragment)  # type: ignore[attr-defined]


@login_required
@require_POST
def event_rsvp(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    _ctx, event = selectors.access_event(request.user, slug, pk)
    action = request.POST.get("action", "going")
    try:
        if action == "cancel":
            services.cancel_rsvp(event=event, member=request.member)
            messages.success(request, _("Your registration is cancelled."))
        else:
            registration = services.rsvp(event=event, member=request.member)
            if registration.status == "waitlist":
                messages.info(
                    request,
                    WAITLIST_MESSAGE,
                )
            else:
                messages.success(request, _("You are registered. See you there!"))
    except ValidationError as error:
        for text in error_messages(error):
            messages.error(request, text)
    return _back(request, event, "#rsvp")


@require_GET
def event_ics(request: Request, slug: str, pk: int) -> HttpResponse:
    _ctx, event = selectors.access_event(request.user, slug, pk)
    response = HttpResponse(
        ical.event_ics(event, site_url=request.build_absolute_uri("/").rstrip("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


def _feed_url(request: Request, community: Community, member: object) -> str:
    url = reverse("community:event-feed", kwargs={"slug": community.slug})
    if community.visibility != "public" and member is not None:
        token = signing.dumps({"m": member.pk, "c": community.pk}, salt=FEED_SALT)  # type: ignore[attr-defined]
        url += f"?token={token}"
    return request.build_absolute_uri(url)


@require_GET
def event_feed(request: Request, slug: str) -> HttpResponse:
    """The community's calendar to subscribe to. Calendar apps send no cookie, so
    members-only communities give each member a personal signed address."""
    token = request.GET.get("token")
    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise Http404
    if token:
        try:
            data = signing.loads(token, salt=FEED_SALT)
        except signing.BadSignature:
            raise Http404 from None
        from community.models import Member

        member = Member.objects.select_related("user").filter(pk=data.get("m")).first()
        if member is None or data.get("c") != community.pk:
            raise Http404
        ctx = get_community_context(member.user, community)
        if not can_read_community(ctx):
            raise PermissionDenied
    else:
        ctx = access_community(request.user, slug, need="read")
    body = ical.community_feed(
        community,
        selectors.list_feed_events(community),
        site_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{community.slug}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def event_attendance(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, event = selectors.access_event(request.user, slug, pk)
    check_can_manage_event(ctx, {m.pk for m in event.organisers.all()})
    registrations = selectors.list_attendance(event)
    if request.method == "POST":
        marks = {}
        for registration in registrations:
            value = request.POST.get(f"m{registration.member_id}", "")
            if value in ("attended", "no_show"):
                marks[registration.member_id] = value
        try:
            changed = services.mark_attendance(event=event, by=request.member, marks=marks)
        except ValidationError as error:
            for text in error_messages(error):
                messages.error(request, text)
        else:
            messages.success(
                request,
                _("Attendance saved (%(count)d change).") % {"count": changed}
                if changed == 1
                else _("Attendance saved (%(count)d changes).") % {"count": changed},
            )
            return redirect(reverse("community:event-attendance", args=[slug, pk]))
    return render_community(
        request,
        "community/events/attendance.html",
        ctx,
        tab="events",
        event=event,
        registrations=registrations,
        started=event.starts_at <= timezone.now(),
    )


@login_required
@require_POST
def event_checkin(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    _ctx, event = selectors.access_event(request.user, slug, pk)
    form = CheckinForm(request.POST)
    if form.is_valid():
        try:
            services.check_in(event=event, member=request.member, code=form.cleaned_data["code"])
            messages.success(request, _("You are checked in. Enjoy the event!"))
        except ValidationError as error:
            for text in error_messages(error):
                messages.error(request, text)
    else:
        messages.error(request, _("Type the code the organisers show."))
    return _back(request, event, "#checkin")


@login_required
@require_POST
def event_message(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, event = selectors.access_event(request.user, slug, pk)
    check_can_manage_event(ctx, {m.pk for m in event.organisers.all()})
    form = MessageForm(request.POST)
    if form.is_valid():
        services.message_participants(
            event=event, by=request.member, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Your message is on its way to the participants."))
        return _back(request, event)
    data = selectors.get_event_page(ctx, event)
    return render_community(
        request,
        "community/events/detail.html",
        ctx,
        tab="events",
        message_form=form,
        feedback_form=FeedbackForm(),
        checkin_form=CheckinForm(),
        attach_form=ResourceForm(
            kinds=[ResourceKind.DOCUMENT, ResourceKind.LINK, ResourceKind.VIDEO]
        ),
        status=400,
        **data,
    )


@login_required
@require_POST
def event_attach(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    """Slides or a recording after the event: they go to the library too."""
    ctx, event = selectors.access_event(request.user, slug, pk)
    check_can_manage_event(ctx, {m.pk for m in event.organisers.all()})
    form = ResourceForm(
        request.POST,
        request.FILES,
        kinds=[ResourceKind.DOCUMENT, ResourceKind.LINK, ResourceKind.VIDEO],
    )
    if form.is_valid():
        try:
            share_resource(
                community=ctx.community,
                by=request.member,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                url=form.cleaned_data["url"],
                upload=form.cleaned_data["upload"],
                tags=form.cleaned_data["tags"] or [t.name for t in event.tags.all()],
                visibility=form.cleaned_data["visibility"],
                event=event,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Added to the event and to the library."))
            return _back(request, event, "#resources")
    data = selectors.get_event_page(ctx, event)
    return render_community(
        request,
        "community/events/detail.html",
        ctx,
        tab="events",
        attach_form=form,
        message_form=MessageForm(),
        feedback_form=FeedbackForm(),
        checkin_form=CheckinForm(),
        status=400,
        **data,
    )


@login_required
@require_POST
def event_feedback(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, event = selectors.access_event(request.user, slug, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        services.leave_feedback(
            event=event,
            member=request.member,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Thank you for your feedback!"))
        return _back(request, event, "#feedback")
    data = selectors.get_event_page(ctx, event)
    if not data["attended"]:
        raise PermissionDenied(_("Only the people who attended can give feedback."))
    return render_community(
        request,
        "community/events/detail.html",
        ctx,
        tab="events",
        feedback_form=form,
        message_form=MessageForm(),
        checkin_form=CheckinForm(),
        attach_form=ResourceForm(
            kinds=[ResourceKind.DOCUMENT, ResourceKind.LINK, ResourceKind.VIDEO]
        ),
        status=400,
        **data,
    )


@login_required
@require_POST
def event_cancel(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    _ctx, event = selectors.access_event(request.user, slug, pk)
    services.cancel_event(event=event, by=request.member)
    messages.success(request, _("The event is cancelled; registered members are told."))
    return _back(request, event)


@login_required
@require_POST
def event_discuss(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    _ctx, event = selectors.access_event(request.user, slug, pk)
    url = open_discussion_for(target=event, by=request.member)
    if not url:
        raise Http404(_("Discussions are not available here."))
    return redirect(url)
