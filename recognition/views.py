"""Pages of recognition/: parse → access → one service or selector → render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors as community_selectors
from community.http import MemberRequest, Request
from community.models import Member
from community.permissions import can_animate, can_contribute
from community.views._helpers import error_messages, render_community
from mentoring.models import Domain, DomainAmbassador, Mentorship, Skill
from recognition import openbadges, selectors
from recognition.forms import EndorsementForm, KudosForm
from recognition.models import BadgeGrant
from recognition.services import awarding, endorsements, kudos

TAB = "recognition"


def _wall_url(slug: str) -> str:
    return reverse("recognition:wall", kwargs={"slug": slug})


@require_GET
def wall(request: Request, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    return _wall_page(request, ctx, form=KudosForm(initial={"to": request.GET.get("to", "")}))


def _wall_page(request: Request, ctx: Any, *, form: KudosForm, status: int = 200) -> HttpResponse:
    member = request.member
    return render_community(
        request,
        "recognition/wall.html",
        ctx,
        tab=TAB,
        status=status,
        wall=selectors.wall(ctx.community, viewer=request.user),
        form=form,
        can_give=can_contribute(ctx),
        kudos_left=kudos.kudos_left_today(member) if member else 0,
        can_animate=can_animate(ctx),
    )


@login_required
@require_POST
def kudos_give(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    if not can_contribute(ctx):
        raise PermissionDenied
    form = KudosForm(request.POST)
    if form.is_valid():
        receiver = Member.objects.filter(
            handle=form.cleaned_data["to"].lstrip("@"), is_anonymized=False
        ).first()
        if receiver is None:
            form.add_error("to", _("No member with this handle."))
        else:
            try:
                kudos.give_kudos(
                    ctx=ctx,
                    giver=request.member,
                    receiver=receiver,
                    message=form.cleaned_data["message"],
                    about=form.cleaned_data["about"],
                    about_id=form.cleaned_data.get("about_id"),
                )
            except PermissionDenied:
                form.add_error("to", _("You can only thank an active member of this community."))
            except ValidationError as exc:
                form.add_error(None, error_messages(exc))
            else:
                messages.success(
                    request,
                    _("Thank you sent to %(name)s.") % {"name": receiver.display_name},
                )
                return redirect(_wall_url(slug))
    return _wall_page(request, ctx, form=form, status=400)


@require_GET
def top_contributors(request: Request, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    data = selectors.wall(ctx.community, limit=0)
    if not data["top_enabled"]:
        raise Http404
    start, _end = selectors.month_bounds()
    return render_community(
        request,
        "recognition/top.html",
        ctx,
        tab=TAB,
        rows=selectors.top_contributors(ctx.community),
        month=start,
    )


@login_required
@require_POST
def top_toggle(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    endorsements.set_top_contributors(ctx=ctx, enabled=request.POST.get("on") == "1")
    messages.success(request, _("Saved."))
    return redirect(_wall_url(slug))


@login_required
@require_http_methods(["GET", "POST"])
def endorse(request: MemberRequest, slug: str, handle: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    member = Member.objects.filter(handle=handle, is_anonymized=False).first()
    if member is None:
        raise Http404
    mentorship_id = request.GET.get("mentorship") or request.POST.get("mentorship")
    mentorship = None
    if mentorship_id and str(mentorship_id).isdigit():
        mentorship = Mentorship.objects.filter(pk=mentorship_id, community=ctx.community).first()
    if not can_animate(ctx) and not (
        mentorship is not None
        and mentorship.directions.filter(mentor=request.member, learner=member).exists()
    ):
        raise PermissionDenied
    initial = {}
    if mentorship is not None and request.method == "GET":
        initial["skill"] = request.GET.get("skill", "")[:100]
    form = EndorsementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        skill = Skill.objects.filter(slug=form.cleaned_data["skill"]).first()
        if skill is None:
            form.add_error("skill", _("Choose a skill from the list."))
        else:
            try:
                endorsements.endorse_skill(
                    ctx=ctx,
                    endorser=request.member,
                    member=member,
                    skill=skill,
                    level=form.cleaned_data["level"],
                    evidence=form.cleaned_data["evidence"],
                    mentorship=mentorship,
                )
            except ValidationError as exc:
                form.add_error(None, error_messages(exc))
            else:
                messages.success(request, _("Skill endorsed."))
                if mentorship is not None:
                    return redirect("mentoring:mentorship-detail", slug=slug, pk=mentorship.pk)
                return redirect(_wall_url(slug))
    skills = Skill.objects.filter(merged_into__isnull=True)
    return render_community(
        request,
        "recognition/endorse.html",
        ctx,
        tab=TAB,
        status=400 if request.method == "POST" else 200,
        form=form,
        subject=member,
        mentorship=mentorship,
        skills=skills.order_by("slug")[:500],
    )


@login_required
@require_GET
def endorse_start(request: MemberRequest, slug: str) -> HttpResponse:
    """The animators' "endorse a member" box on the wall: to that member's form."""
    ctx = community_selectors.access_community(request.user, slug, need="read")
    if not can_animate(ctx):
        raise PermissionDenied
    handle = request.GET.get("handle", "").strip().lstrip("@")[:60]
    if not Member.objects.filter(handle=handle, is_anonymized=False).exists():
        messages.error(request, _("No member with this handle."))
        return redirect(_wall_url(slug))
    return redirect(reverse("recognition:endorse", kwargs={"slug": slug, "handle": handle}))


@login_required
@require_http_methods(["GET", "POST"])
def ambassadors(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    if not can_animate(ctx):
        raise PermissionDenied
    domains = list(Domain.objects.order_by("position", "slug"))
    if request.method == "POST":
        domain = Domain.objects.filter(pk=request.POST.get("domain") or 0).first()
        member = Member.objects.filter(handle=request.POST.get("handle", "")).first()
        if domain is None or member is None:
            messages.error(request, _("Choose a domain and a member."))
        else:
            DomainAmbassador.objects.get_or_create(
                community=ctx.community, domain=domain, member=member
            )
            messages.success(
                request,
                _("%(name)s is now an ambassador of %(domain)s.")
                % {"name": member.display_name, "domain": domain.name},
            )
        return redirect(reverse("recognition:ambassadors", kwargs={"slug": slug}))
    rows = []
    current = DomainAmbassador.objects.filter(community=ctx.community).select_related("member")
    for domain in domains:
        rows.append(
            {
                "domain": domain,
                "ambassadors": [a.member for a in current if a.domain_id == domain.pk],
                "suggestions": selectors.suggest_ambassadors(ctx.community, domain.pk),
            }
        )
    return render_community(request, "recognition/ambassadors.html", ctx, tab=TAB, rows=rows)


@login_required
@require_GET
def mine(request: MemberRequest) -> HttpResponse:
    pref = getattr(request.member, "recognition_preference", None)
    return render(
        request,
        "recognition/mine.html",
        {
            "grants": selectors.my_grants(request.member),
            "hidden": bool(pref and pref.hide_from_wall),
        },
    )


@login_required
@require_POST
def grant_public(request: MemberRequest, pk: int) -> HttpResponse:
    grant = awarding.set_grant_public(
        member=request.member, grant_id=pk, public=request.POST.get("public") == "1"
    )
    if grant is None:
        raise Http404
    if request.htmx:
        return render(request, "recognition/_grant_row.html", {"g": grant})
    return redirect(reverse("recognition:mine"))


@login_required
@require_POST
def wall_opt_out(request: MemberRequest) -> HttpResponse:
    endorsements.set_wall_opt_out(member=request.member, hidden=request.POST.get("hide") == "1")
    messages.success(request, _("Saved."))
    return redirect(reverse("recognition:mine"))


@require_GET
def badge_detail(request: Request, slug: str) -> HttpResponse:
    badge = selectors.get_badge(slug)
    return render(
        request,
        "recognition/badge_detail.html",
        {"badge": badge, **selectors.list_holders(badge, request.user)},
    )


@require_GET
def badge_image(request: Request, slug: str) -> HttpResponse:
    data, content_type = openbadges.badge_image(selectors.get_badge(slug))
    return HttpResponse(data, content_type=content_type)


# --- Open Badges 2.0 ----------------------------------------------------------------------

JSONLD = "application/ld+json"


def _json(data: dict[str, Any], status: int = 200) -> HttpResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = JSONLD
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def ob_issuer(request: Request) -> HttpResponse:
    return _json(openbadges.issuer_json())


@require_GET
def ob_badge(request: Request, slug: str) -> HttpResponse:
    return _json(openbadges.badgeclass_json(selectors.get_badge(slug)))


@require_GET
def ob_assertion(request: Request, uid: str) -> HttpResponse:
    grant = selectors.get_public_grant(uid)
    data = openbadges.assertion_json(grant)
    return _json(data, status=410 if grant.revoked_at else 200)


def _live_public(uid: str) -> BadgeGrant:
    grant = selectors.get_public_grant(uid)
    if grant.revoked_at is not None:
        raise Http404
    return grant


@require_GET
def ob_baked_png(request: Request, uid: str) -> HttpResponse:
    grant = _live_public(uid)
    response = HttpResponse(openbadges.bake_png(grant), content_type="image/png")
    if "download" in request.GET:
        response["Content-Disposition"] = f'attachment; filename="{grant.badge.slug}.png"'
    return response


@require_GET
def ob_baked_svg(request: Request, uid: str) -> HttpResponse:
    grant = _live_public(uid)
    response = HttpResponse(openbadges.bake_svg(grant), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{grant.badge.slug}.svg"'
    return response


@require_GET
def share(request: Request, uid: str) -> HttpResponse:
    grant = _live_public(uid)
    url = request.build_absolute_uri()
    return render(
        request,
        "recognition/share.html",
        {
            "g": grant,
            "share_url": url,
            "image_url": openbadges.absolute(
                reverse("recognition:badge-image", kwargs={"slug": grant.badge.slug})
            ),
            "linkedin_url": openbadges.linkedin_url(grant, url),
            "assertion_url": openbadges.assertion_url(grant),
            "assertion_json": json.dumps(openbadges.assertion_json(grant), indent=2),
        },
    )
