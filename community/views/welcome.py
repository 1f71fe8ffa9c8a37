from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from community.http import MemberRequest, Request
from community.life_forms import RitualsForm
from community.selectors.communities import access_community
from community.selectors.welcome import get_welcome, list_newcomers
from community.services.welcome import set_rituals
from community.views._helpers import render_community


@require_GET
def welcome(request: Request, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    return render_community(
        request, "community/welcome/welcome.html", ctx, tab="welcome", **get_welcome(ctx)
    )


@login_required
@require_http_methods(["GET", "POST"])
def rituals_edit(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="animate")
    form = RitualsForm(request.POST or None, initial={"rituals": ctx.community.rituals})
    if request.method == "POST" and form.is_valid():
        set_rituals(community=ctx.community, by=request.member, text=form.cleaned_data["rituals"])
        messages.success(request, _("The welcome page is updated."))
        return redirect("community:welcome", slug=slug)
    return render_community(
        request,
        "community/welcome/rituals_form.html",
        ctx,
        tab="welcome",
        form=form,
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def newcomers(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="animate")
    only_silent = request.GET.get("silent") == "1"
    page = list_newcomers(ctx.community, only_silent=only_silent, cursor=request.GET.get("after"))
    return render_community(
        request,
        "community/welcome/newcomers.html",
        ctx,
        tab="newcomers",
        page=page,
        only_silent=only_silent,
    )
