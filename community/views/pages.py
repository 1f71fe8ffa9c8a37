from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community import selectors
from community.forms import CommunitySearchForm
from community.global_search import search_everything
from community.http import Request
from community.navigation import render_panels
from community.permissions import can_read_community
from community.views._helpers import render_community


@require_GET
def home(request: Request) -> HttpResponse:
    member = request.member
    return render(
        request,
        "community/home.html",
        {
            "memberships": selectors.list_my_memberships(member) if member else [],
            "discover": selectors.list_discoverable_communities(member, limit=12),
            "search_form": CommunitySearchForm(),
        },
    )


@require_GET
def community_list(request: Request) -> HttpResponse:
    form = CommunitySearchForm(request.GET)
    member = request.member
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if text:
        communities = selectors.search_communities(request.user, text)
    else:
        communities = selectors.list_discoverable_communities(member, limit=60)
    return render(
        request,
        "community/community_list.html",
        {"form": form, "communities": communities, "query": text},
    )


@require_GET
def community_detail(request: Request, slug: str) -> HttpResponse:
    ctx = selectors.access_community(request.user, slug, need="see")
    return render_community(
        request,
        "community/community_detail.html",
        ctx,
        tab="overview",
        panels=render_panels("overview", ctx) if can_read_community(ctx) else [],
        **selectors.get_community_overview(ctx.community),
    )


@require_GET
def search(request: Request) -> HttpResponse:
    form = CommunitySearchForm(request.GET)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    sections = search_everything(request.user, text) if text else []
    return render(
        request, "community/search.html", {"form": form, "query": text, "sections": sections}
    )
