from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from community import permissions, selectors, services
from community.forms import BanForm, JoinRequestForm
from community.http import MemberRequest, Request
from community.models import Community
from community.views._helpers import error_messages, render_community


def _after_join(request: Request, community: Community) -> HttpResponse:
    if community.charter_version:
        messages.success(request, _("Welcome! One last step: read and accept the charter."))
        return redirect("community:charter", slug=community.slug)
    messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
    return redirect("community:welcome", slug=community.slug)


@login_required
@require_POST
def join(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="see")
    if not permissions.can_join(ctx):
        raise PermissionDenied(_("You cannot join this community directly."))
    try:
        services.join_community(member=request.member, community=ctx.community)
    except ValidationError as error:
        for text in error_messages(error):
            messages.error(request, text)
        return redirect(ctx.community.get_absolute_url())
    return _after_join(request, ctx.community)


@login_required
@require_http_methods(["GET", "POST"])
def request_to_join(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="see")
    if not permissions.can_request_to_join(ctx):
        raise PermissionDenied(_("You cannot ask to join this community."))
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_membership(
            member=request.member,
            community=ctx.community,
            message=form.cleaned_data["message"],
        )
        messages.success(
            request, _("Your request is sent. The animators will answer soon; we'll let you know.")
        )
        return redirect(ctx.community.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render_community(
        request, "community/join_request.html", ctx, tab="overview", form=form, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="see")
    if not permissions.can_leave(ctx):
        raise PermissionDenied(_("You are not a member of this community."))
    if request.method == "POST":
        services.leave_community(member=request.member, community=ctx.community)
        messages.success(request, _("You have left %(name)s.") % {"name": ctx.community.name})
        return redirect("community:home")
    return render_community(request, "community/leave_confirm.html", ctx, tab="overview")


@require_http_methods(["GET", "POST"])
def charter(request: Request, slug: str) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="see")
    current = selectors.get_community_overview(ctx.community)["charter"]
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if not ctx.is_active_member or ctx.member is None:
            raise PermissionDenied(_("Join the community before accepting its charter."))
        if current is None:
            raise Http404(_("This community has no charter yet."))
        first_time = ctx.membership is not None and not ctx.membership.accepted_charter_version
        services.accept_charter(member=ctx.member, community=ctx.community)
        messages.success(
            request,
            _("Thank you! You can now take part in %(name)s.") % {"name": ctx.community.name},
        )
        if first_time:  # a newcomer: their first week starts on the welcome page
            return redirect("community:welcome", slug=ctx.community.slug)
        return redirect(ctx.community.get_absolute_url())
    return render_community(request, "community/charter.html", ctx, tab="overview", charter=current)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="animate")
    link = None
    if request.method == "POST":
        token = services.make_invitation_token(community=ctx.community, by=request.member)
        link = request.build_absolute_uri(reverse("community:invitation", kwargs={"token": token}))
    return render_community(
        request,
        "community/invitation_create.html",
        ctx,
        tab="overview",
        link=link,
        invitation_days=settings.INVITATION_MAX_AGE_DAYS,
    )


@require_http_methods(["GET", "POST"])
def invitation(request: Request, token: str) -> HttpResponse:
    try:
        community_id = services.read_invitation_token(token)
    except ValidationError as error:
        return render(
            request,
            "community/invitation_invalid.html",
            {"errors": error_messages(error)},
            status=400,
        )
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise Http404(_("No such community."))
    if not request.user.is_authenticated:
        messages.info(request, _("Log in or create an account to accept the invitation."))
        return redirect(f"{reverse('account_login')}?next={request.path}")
    ctx = selectors.get_community_context(request.user, community)
    if ctx.is_active_member:
        return redirect(community.get_absolute_url())
    if request.method == "POST":
        if not permissions.can_accept_invitation(ctx) or ctx.member is None:
            raise PermissionDenied(_("You cannot join this community."))
        services.accept_invitation(member=ctx.member, token=token)
        return _after_join(request, community)
    return render(request, "community/invitation.html", {"community": community, "ctx": ctx})


@login_required
def requests(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="animate")
    return render_community(
        request,
        "community/requests.html",
        ctx,
        tab="requests",
        pending=selectors.list_pending_requests(ctx.community),
        ban_form=BanForm(),
    )


@login_required
@require_POST
def request_decide(
    request: MemberRequest, slug: str, membership_id: int, decision: str
) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="animate")
    if decision not in {"approve", "decline"}:
        raise Http404(_("No such request."))
    membership = selectors.get_pending_request(ctx.community, membership_id)
    service = services.approve_membership if decision == "approve" else services.decline_membership
    membership = service(membership=membership, by=request.member)
    if request.htmx:
        return render(
            request,
            "community/_request_row.html",
            {"request_item": membership, "community": ctx.community},
        )
    messages.success(
        request,
        _("%(name)s is now a member.") % {"name": membership.member.display_name}
        if decision == "approve"
        else _("Request declined."),
    )
    return HttpResponseRedirect(reverse("community:requests", kwargs={"slug": slug}))
