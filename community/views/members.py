from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors, services
from community.forms import DeleteAccountForm, DirectoryFilterForm, LanguageForm, ProfileForm
from community.http import MemberRequest, Request
from community.navigation import render_panels
from community.permissions import can_edit_profile
from community.views._helpers import render_community, safe_next


@require_GET
def directory(request: Request, slug: str) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="read")
    form = DirectoryFilterForm(request.GET)
    filters = form.filters()
    page = selectors.list_directory(
        ctx.community,
        cursor=request.GET.get("after"),
        text=filters.get("text", ""),
        team=filters.get("team", ""),
        site=filters.get("site", ""),
        role=filters.get("role", ""),
    )
    template = "community/_directory_rows.html" if request.htmx else "community/directory.html"
    return render_community(
        request,
        template,
        ctx,
        tab="members",
        form=form,
        page=page,
        facets=selectors.directory_facets(ctx.community),
        query_string=_filters_query(filters),
    )


def _filters_query(filters: dict[str, str]) -> str:
    from urllib.parse import urlencode

    keys = {"text": "q", "team": "team", "site": "site", "role": "role"}
    return urlencode({keys[k]: v for k, v in filters.items() if v})


@require_GET
def member_detail(request: Request, handle: str) -> HttpResponse:
    member, memberships = selectors.get_member_profile(handle, request.user)
    activity = selectors.list_member_activity(member, [m.community_id for m in memberships])
    return render(
        request,
        "community/member_detail.html",
        {
            "profile": member,
            "memberships": memberships,
            "activity": activity,
            "is_me": can_edit_profile(request.user, member),
            "panels": render_panels(
                "profile", member, request.user, [m.community_id for m in memberships]
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: MemberRequest) -> HttpResponse:
    member = request.member
    if not can_edit_profile(request.user, member):
        raise PermissionDenied
    form = ProfileForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            member=member,
            avatar=form.cleaned_data.get("avatar_upload"),
            remove_avatar=form.cleaned_data.get("remove_avatar", False),
            **form.profile_fields(),
        )
        if member.preferred_language:
            translation.activate(member.preferred_language)
        messages.success(request, _("Your profile is saved."))
        return redirect(member.get_absolute_url())
    if request.method == "POST":
        member.refresh_from_db()  # the form put the invalid values on the instance
    return render(
        request,
        "community/profile_edit.html",
        {"form": form, "profile": member},
        status=400 if form.is_bound else 200,
    )


@require_POST
def language_set(request: Request) -> HttpResponse:
    form = LanguageForm(request.POST)
    target = safe_next(request, request.POST.get("next"), "/")
    response = HttpResponseRedirect(target)
    if not form.is_valid():
        messages.error(request, _("Choose French or English."))
        return response
    language = form.cleaned_data["language"]
    member = getattr(request, "member", None)
    if member is not None:
        services.set_preferred_language(member=member, language=language)
    from django.conf import settings

    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite="Lax",
        httponly=True,
    )
    return response


@login_required
@require_GET
def data_export(request: MemberRequest) -> HttpResponse:
    data = selectors.export_member_data(request.member)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: MemberRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_account(member=request.member)
        logout(request)
        messages.success(
            request, _("Your account is deleted. What you wrote stays, without your name.")
        )
        return redirect("community:home")
    return render(
        request,
        "community/account_delete.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
