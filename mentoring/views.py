"""Pages of mentoring/: parse → access → one service or selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors as community_selectors
from community.http import MemberRequest, Request
from community.models import Member
from community.views._helpers import error_messages, render_community
from mentoring import forms
from mentoring.models import (
    DAYS,
    MOMENTS,
    PRIORITIES,
    DeclarationKind,
    Goal,
    MatchingRound,
    RoundParticipant,
    RoundStatus,
    Skill,
    SkillDeclaration,
)
from mentoring.panels import render_mentorship_panels
from mentoring.permissions import can_run_rounds, can_take_part
from mentoring.selectors import find
from mentoring.selectors import map as map_selectors
from mentoring.selectors import mentorships as m_selectors
from mentoring.selectors import rounds as r_selectors
from mentoring.selectors import skills as s_selectors
from mentoring.services import mentorships, rounds, skills

TAB = "mentoring"


def _home_url(slug: str) -> str:
    return reverse("mentoring:home", kwargs={"slug": slug})


@require_GET
def home(request: Request, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    member = request.member
    mine = m_selectors.list_my_mentorships(member, ctx.community) if member else None
    return render_community(
        request,
        "mentoring/home.html",
        ctx,
        tab=TAB,
        mine=mine,
        rounds=r_selectors.list_open_rounds(ctx.community, member),
        can_take_part=can_take_part(ctx),
        can_run=can_run_rounds(ctx),
        declared=bool(member and SkillDeclaration.objects.filter(member=member).exists()),
    )


def _declaration_rows(member: Member, posted: Any) -> dict[str, Any]:
    """The rows of the skills form: what the member declared, or what they just typed
    (so that nothing is lost when the form comes back with a message)."""
    out: dict[str, Any] = {"teach": [], "learn": []}
    if posted is None:
        decl = s_selectors.member_declarations(member)
        for i, d in enumerate(decl[DeclarationKind.TEACH]):
            out["teach"].append(
                {"prefix": f"teach-{i}", "skill": d.skill.name, "level": str(d.level)}
            )
        for i, d in enumerate(decl[DeclarationKind.LEARN]):
            out["learn"].append(
                {
                    "prefix": f"learn-{i}",
                    "skill": d.skill.name,
                    "level": str(d.level),
                    "target": str(d.target_level or ""),
                    "priority": str(d.priority),
                }
            )
        out["new_teach"] = {"prefix": "teach-new", "skill": "", "level": ""}
        out["new_learn"] = {
            "prefix": "learn-new",
            "skill": "",
            "level": "",
            "target": "",
            "priority": "2",
        }
        return out
    for kind in ("teach", "learn"):
        prefixes = sorted({k.split("-")[1] for k in posted if k.startswith(f"{kind}-")} - {"new"})
        for prefix in prefixes:
            row = {
                "prefix": f"{kind}-{prefix}",
                "skill": posted.get(f"{kind}-{prefix}-skill", "")[:100],
                "level": posted.get(f"{kind}-{prefix}-level", ""),
                "target": posted.get(f"{kind}-{prefix}-target", ""),
                "priority": posted.get(f"{kind}-{prefix}-priority", "2"),
                "remove": bool(posted.get(f"{kind}-{prefix}-remove")),
            }
            out[kind].append(row)
        out[f"new_{kind}"] = {
            "prefix": f"{kind}-new",
            "skill": posted.get(f"{kind}-new-skill", "")[:100],
            "level": posted.get(f"{kind}-new-level", ""),
            "target": posted.get(f"{kind}-new-target", ""),
            "priority": posted.get(f"{kind}-new-priority", "2"),
        }
    return out


def _skills_page(
    request: Request, ctx: Any, *, form: Any, prefs_form: Any, status: int = 200
) -> HttpResponse:
    member = request.member
    if member is None:
        raise PermissionDenied
    return render_community(
        request,
        "mentoring/skills.html",
        ctx,
        tab=TAB,
        status=status,
        form=form,
        prefs_form=prefs_form,
        rows=_declaration_rows(member, request.POST if request.method == "POST" else None),
        vocabulary=s_selectors.list_skills(),
        levels=forms.LEVEL_CHOICES,
        priorities=[(str(v), label) for v, label in PRIORITIES],
        days=[
            (d, day, [(d * len(MOMENTS) + m, moment) for m, moment in enumerate(MOMENTS)])
            for d, day in enumerate(DAYS)
        ],
        moments=MOMENTS,
        posted=request.POST if request.method == "POST" else {},
    )


@login_required
@require_http_methods(["GET", "POST"])
def skills_edit(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="contribute")
    prefs = skills.get_preferences(request.member)
    prefs_form = forms.PreferencesForm(
        initial={
            "slots": forms.PreferencesForm.slots_of(prefs.availability),
            "mentor_capacity": prefs.mentor_capacity,
            "learner_capacity": prefs.learner_capacity,
            "avoid_own_team": prefs.avoid_own_team,
        }
    )
    form = forms.DeclarationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                skills.declare_skills(
                    member=request.member,
                    community=ctx.community,
                    teach=form.teach,
                    learn=form.learn,
                )
            except ValidationError as error:
                for message in error_messages(error):
                    form.add_error(None, message)
            else:
                messages.success(request, _("Your skills are saved."))
                return redirect("mentoring:skills", slug=slug)
        return _skills_page(request, ctx, form=form, prefs_form=prefs_form, status=400)
    return _skills_page(request, ctx, form=form, prefs_form=prefs_form)


@login_required
@require_POST
def preferences_edit(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="contribute")
    prefs_form = forms.PreferencesForm(request.POST)
    if prefs_form.is_valid():
        skills.set_preferences(
            member=request.member,
            availability=prefs_form.availability(),
            mentor_capacity=prefs_form.cleaned_data["mentor_capacity"],
            learner_capacity=prefs_form.cleaned_data["learner_capacity"],
            avoid_own_team=prefs_form.cleaned_data["avoid_own_team"],
        )
        messages.success(request, _("Your mentoring preferences are saved."))
        return redirect("mentoring:skills", slug=slug)
    return _skills_page(
        request, ctx, form=forms.DeclarationForm(), prefs_form=prefs_form, status=400
    )


def _mentorship(
    request: Request, slug: str, pk: int, need: str = "read"
) -> tuple[Any, m_selectors.MentorshipView]:
    ctx = community_selectors.access_community(request.user, slug, need=need)  # type: ignore[arg-type]
    return ctx, m_selectors.access_mentorship(request.member, ctx.community, pk)


def _detail(
    request: Request, ctx: Any, view: m_selectors.MentorshipView, *, status: int = 200, **extra: Any
) -> HttpResponse:
    m = view.mentorship
    skill_choices = [(d.skill_id, d.skill.name) for d in view.directions]
    direction_choices = [
        (
            d.pk,
            _("%(learner)s learns %(skill)s")
            % {
                "learner": d.learner.display_name if hasattr(d, "learner") else "",
                "skill": d.skill.name,
            },
        )
        for d in view.directions
    ]
    context = {
        "view": view,
        "m": m,
        "session_form": forms.SessionForm(skill_choices=skill_choices),
        "goal_form": forms.GoalForm(direction_choices=direction_choices),
        "feedback_form": forms.FeedbackForm(),
        "end_form": forms.EndForm(),
        "my_feedback": None,
        **m_selectors.get_mentorship_page(view),
        "panels": render_mentorship_panels(ctx, view, request.member),
    }
    viewer_id = request.member.pk if request.member else None
    context["my_feedback"] = next(
        (f for f in context["feedback"] if f.member_id == viewer_id), None
    )
    context.update(extra)
    return render_community(
        request, "mentoring/mentorship_detail.html", ctx, tab=TAB, status=status, **context
    )


@login_required
@require_GET
def mentorship_detail(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, view = _mentorship(request, slug, pk)
    return _detail(request, ctx, view)


def _card_or_redirect(request: MemberRequest, slug: str, pk: int, done: str) -> HttpResponse:
    ctx, view = _mentorship(request, slug, pk)
    if request.htmx:
        return render_community(
            request, "mentoring/_mentorship_card.html", ctx, tab=TAB, v=view, flash=done
        )
    messages.success(request, done)
    return redirect("mentoring:home", slug=slug)


@login_required
@require_POST
def mentorship_accept(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    _ctx, view = _mentorship(request, slug, pk, need="contribute")
    try:
        m = mentorships.accept_mentorship(mentorship=view.mentorship, member=request.member)
    except ValidationError as error:
        messages.error(request, " ".join(error_messages(error)))
        return redirect("mentoring:home", slug=slug)
    done = (
        _("Your mentorship starts: plan a first session!")
        if m.status == "active"
        else _("Accepted. We will tell you when your partner accepts too.")
    )
    return _card_or_redirect(request, slug, pk, done)


@login_required
@require_POST
def mentorship_decline(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    _ctx, view = _mentorship(request, slug, pk, need="read")
    try:
        mentorships.decline_mentorship(
            mentorship=view.mentorship,
            member=request.member,
            never_again=bool(request.POST.get("never_again")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error_messages(error)))
        return redirect("mentoring:home", slug=slug)
    return _card_or_redirect(request, slug, pk, _("Declined. No one else is told why."))


@login_required
@require_POST
def session_create(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, view = _mentorship(request, slug, pk, need="contribute")
    form = forms.SessionForm(
        request.POST, skill_choices=[(d.skill_id, d.skill.name) for d in view.directions]
    )
    if form.is_valid():
        try:
            mentorships.log_session(
                mentorship=view.mentorship,
                by=request.member,
                held_on=form.cleaned_data["held_on"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                topic=form.cleaned_data["topic"],
                notes=form.cleaned_data["notes"],
                skill_ids=form.cleaned_data["skills"] or None,
            )
        except ValidationError as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Session logged."))
            return redirect("mentoring:mentorship-detail", slug=slug, pk=pk)
    return _detail(request, ctx, view, status=400, session_form=form)


@login_required
@require_POST
def goal_create(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, view = _mentorship(request, slug, pk, need="contribute")
    choices = [(d.pk, d.skill.name) for d in view.directions]
    form = forms.GoalForm(request.POST, direction_choices=choices)
    if form.is_valid():
        direction = next(d for d in view.directions if d.pk == form.cleaned_data["direction"])
        direction.mentorship = view.mentorship
        try:
            mentorships.add_goal(
                direction=direction, by=request.member, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            return redirect("mentoring:mentorship-detail", slug=slug, pk=pk)
    return _detail(request, ctx, view, status=400, goal_form=form)


@login_required
@require_POST
def goal_toggle(request: MemberRequest, slug: str, pk: int, goal_id: int) -> HttpResponse:
    ctx, view = _mentorship(request, slug, pk, need="read")
    goal = get_object_or_404(
        Goal.objects.select_related("direction__mentorship"),
        pk=goal_id,
        direction__mentorship=view.mentorship,
    )
    goal = mentorships.set_goal_done(
        goal=goal, by=request.member, done=request.POST.get("done") == "1"
    )
    if request.htmx:
        return render_community(
            request, "mentoring/_goal.html", ctx, tab=TAB, goal=goal, m=view.mentorship
        )
    return redirect("mentoring:mentorship-detail", slug=slug, pk=pk)


@login_required
@require_POST
def mentorship_complete(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, view = _mentorship(request, slug, pk, need="read")
    form = forms.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            if view.mentorship.status == "active":
                mentorships.complete_mentorship(
                    mentorship=view.mentorship, by=request.member, **form.cleaned_data
                )
            else:
                mentorships.give_feedback(
                    mentorship=view.mentorship, member=request.member, **form.cleaned_data
                )
        except ValidationError as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you: your feedback is saved."))
            return redirect("mentoring:mentorship-detail", slug=slug, pk=pk)
    return _detail(request, ctx, view, status=400, feedback_form=form)


@login_required
@require_POST
def mentorship_end(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, view = _mentorship(request, slug, pk, need="read")
    form = forms.EndForm(request.POST)
    if form.is_valid():
        try:
            mentorships.end_mentorship(
                mentorship=view.mentorship, by=request.member, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(request, _("The mentorship has ended."))
            return redirect("mentoring:mentorship-detail", slug=slug, pk=pk)
    return _detail(request, ctx, view, status=400, end_form=form)


@login_required
@require_GET
def find_mentor(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    skill = forms.find_skill(request.GET.get("skill", ""))
    mine = s_selectors.member_declarations(request.member)
    suggestions = find.suggest_partners(
        request.member, ctx.community, skill_id=skill.pk if skill else None
    )
    return render_community(
        request,
        "mentoring/find.html",
        ctx,
        tab=TAB,
        skill=skill,
        query=request.GET.get("skill", "")[:100],
        learning=mine[DeclarationKind.LEARN],
        vocabulary=s_selectors.list_skills(),
        suggestions=suggestions,
        can_take_part=can_take_part(ctx),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: MemberRequest, slug: str, handle: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="contribute")
    mentor = get_object_or_404(Member, handle=handle, is_anonymized=False)
    offered = Skill.objects.filter(
        declarations__member=mentor, declarations__kind=DeclarationKind.TEACH
    ).order_by("slug")
    form = forms.RequestForm(
        request.POST or None, skills=offered, initial={"skill": request.GET.get("skill")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            m = mentorships.request_mentorship(
                requester=request.member,
                mentor=mentor,
                community=ctx.community,
                skill=form.cleaned_data["skill"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Your request is sent to %(name)s.") % {"name": mentor.display_name}
            )
            return redirect("mentoring:mentorship-detail", slug=slug, pk=m.pk)
    return render_community(
        request,
        "mentoring/request.html",
        ctx,
        tab=TAB,
        form=form,
        mentor=mentor,
        status=400 if form.is_bound else 200,
    )


@require_GET
def expertise_map(request: Request, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    form = forms.MapFilterForm(request.GET)
    site = team = ""
    if form.is_valid():
        site, team = form.cleaned_data["site"], form.cleaned_data["team"]
    data = map_selectors.expertise_map(ctx.community, site=site, team=team)
    return render_community(
        request,
        "mentoring/map.html",
        ctx,
        tab=TAB,
        facets=community_selectors.directory_facets(ctx.community),
        site=site,
        team=team,
        filters=urlencode({k: v for k, v in (("site", site), ("team", team)) if v}),
        level_numbers=[1, 2, 3, 4, 5],
        **data,
    )


@require_GET
def expertise_skill(request: Request, slug: str, skill_slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="read")
    skill = get_object_or_404(Skill.objects.select_related("domain"), slug=skill_slug)
    if skill.merged_into_id:
        return redirect("mentoring:map-skill", slug=slug, skill_slug=skill.merged_into.slug)  # type: ignore[union-attr]
    form = forms.MapFilterForm(request.GET)
    site = team = ""
    if form.is_valid():
        site, team = form.cleaned_data["site"], form.cleaned_data["team"]
    people = map_selectors.skill_people(ctx.community, skill, site=site, team=team)
    return render_community(
        request,
        "mentoring/map_skill.html",
        ctx,
        tab=TAB,
        skill=skill,
        site=site,
        team=team,
        teach=people["teach"],
        learn=people["learn"],
    )


# --- Rounds ------------------------------------------------------------------------------


@login_required
@require_POST
def round_volunteer(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="contribute")
    round_ = r_selectors.get_round(ctx.community, pk)
    on = request.POST.get("on") == "1"
    try:
        rounds.set_volunteer(round_=round_, member=request.member, on=on)
    except ValidationError as error:
        messages.error(request, " ".join(error_messages(error)))
    else:
        messages.success(
            request,
            _("You are in: you will get a proposal when the round is published.")
            if on
            else _("You have left the round."),
        )
    return redirect("mentoring:home", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="animate")
    form = forms.RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = rounds.create_round(
            community=ctx.community, by=request.member, **form.cleaned_data
        )
        messages.success(
            request, _("The round is open: members can volunteer from the Mentoring page.")
        )
        return redirect("mentoring:round-detail", slug=slug, pk=round_.pk)
    return render_community(
        request,
        "mentoring/round_form.html",
        ctx,
        tab=TAB,
        form=form,
        status=400 if form.is_bound else 200,
    )


def _round_page(
    request: MemberRequest,
    ctx: Any,
    round_: MatchingRound,
    *,
    status: int = 200,
    pin_form: Any = None,
) -> HttpResponse:
    preview = r_selectors.round_preview(round_, cursor=request.GET.get("after"))
    pins = list(round_.pins.select_related("member_a", "member_b").order_by("id"))
    volunteers = list(
        Member.objects.filter(
            pk__in=RoundParticipant.objects.filter(round=round_).values("member_id")
        )
        .only("display_name", "handle")
        .order_by("display_name")[:300]
    )
    template = (
        "mentoring/_round_pairs.html"
        if request.htmx and request.GET.get("after")
        else "mentoring/round_detail.html"
    )
    return render_community(
        request,
        template,
        ctx,
        tab=TAB,
        status=status,
        round=round_,
        pins=pins,
        volunteers=volunteers,
        pin_form=pin_form or forms.PinByHandleForm(),
        **preview,
    )


@login_required
@require_GET
def round_detail(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="animate")
    return _round_page(request, ctx, r_selectors.get_round(ctx.community, pk))


@login_required
@require_GET
def round_progress(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="animate")
    round_ = r_selectors.get_round(ctx.community, pk)
    response = render_community(
        request, "mentoring/_round_progress.html", ctx, tab=TAB, round=round_
    )
    if round_.status != RoundStatus.COMPUTING and request.htmx:
        response["HX-Refresh"] = "true"  # the preview is ready: show it
    return response


@login_required
@require_POST
def round_compute(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="animate")
    round_ = r_selectors.get_round(ctx.community, pk)
    try:
        rounds.start_computation(round_=round_, by=request.member)
    except ValidationError as error:
        messages.error(request, " ".join(error_messages(error)))
    return redirect("mentoring:round-detail", slug=slug, pk=pk)


@login_required
@require_POST
def round_publish(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="animate")
    round_ = r_selectors.get_round(ctx.community, pk)
    try:
        rounds.publish_round(round_=round_, by=request.member)
    except ValidationError as error:
        messages.error(request, " ".join(error_messages(error)))
    else:
        messages.success(
            request, _("Published: each member gets their proposal and accepts or declines it.")
        )
    return redirect("mentoring:round-detail", slug=slug, pk=pk)


@login_required
@require_POST
def round_pin(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx = community_selectors.access_community(request.user, slug, need="animate")
    round_ = r_selectors.get_round(ctx.community, pk)
    if "first" in request.POST:
        by_handle = forms.PinByHandleForm(request.POST)
        if not by_handle.is_valid():
            return _round_page(request, ctx, round_, status=400, pin_form=by_handle)
        people = {
            m.handle: m
            for m in Member.objects.filter(
                handle__in=[by_handle.cleaned_data["first"], by_handle.cleaned_data["second"]]
            )
        }
        a, b = (
            people.get(by_handle.cleaned_data["first"]),
            people.get(by_handle.cleaned_data["second"]),
        )
        kind: str | None = by_handle.cleaned_data["kind"]
        if a is None or b is None:
            by_handle.add_error(None, _("No volunteer has this handle."))
            return _round_page(request, ctx, round_, status=400, pin_form=by_handle)
    else:
        form = forms.PinForm(request.POST)
        if not form.is_valid():
            raise Http404
        a = get_object_or_404(Member, pk=form.cleaned_data["member_a"])
        b = get_object_or_404(Member, pk=form.cleaned_data["member_b"])
        kind = None if form.cleaned_data["kind"] == "remove" else form.cleaned_data["kind"]
        by_handle = forms.PinByHandleForm()
    try:
        rounds.set_pin(round_=round_, member_a=a, member_b=b, kind=kind)
    except ValidationError as error:
        by_handle.add_error(None, " ".join(error_messages(error)))
        return _round_page(request, ctx, round_, status=400, pin_form=by_handle)
    messages.success(
        request, _("Pin saved: compute the round again to apply it.") if kind else _("Pin removed.")
    )
    return redirect("mentoring:round-detail", slug=slug, pk=pk)
