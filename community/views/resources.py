from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import discussions
from community.http import MemberRequest, Request
from community.life_forms import LibraryFilterForm, ResourceForm
from community.models import Resource
from community.permissions import can_contribute
from community.selectors import resources as selectors
from community.selectors.bookmarks import bookmarked_ids
from community.selectors.communities import access_community
from community.services import resources as services
from community.services.bookmarks import set_bookmark
from community.uploads import DOCUMENT_TYPES
from community.views._helpers import error_messages, render_community
from community.views.events import _form_errors


@require_GET
def library(request: Request, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    form = LibraryFilterForm(request.GET)
    filters = form.filters()
    page = selectors.list_library(ctx, cursor=request.GET.get("after"), **filters)  # type: ignore[arg-type]
    ids = [r.pk for r in page.items]
    keys = {"text": "q", "kind": "kind", "tag": "tag", "author": "author", "sort": "sort"}
    query_string = urlencode({keys[k]: v for k, v in filters.items() if v and v != "recent"})
    return render_community(
        request,
        "community/resources/_rows.html" if request.htmx else "community/resources/library.html",
        ctx,
        tab="library",
        form=form,
        filters=filters,
        page=page,
        useful=selectors.useful_ids(ctx.member, ids),
        bookmarked=bookmarked_ids(ctx.member, Resource, ids),
        tags=selectors.library_tags(ctx),
        collections=selectors.list_collections(ctx.community),
        query_string=query_string,
        can_share=can_contribute(ctx),
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="contribute")
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            resource = services.share_resource(
                community=ctx.community,
                by=request.member,
                kind=data["kind"],
                title=data["title"],
                summary=data["summary"],
                url=data["url"],
                body=data["body"],
                upload=data["upload"],
                tags=data["tags"],
                visibility=data["visibility"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Thank you for sharing!"))
            return redirect(resource.get_absolute_url())
    return render_community(
        request,
        "community/resources/form.html",
        ctx,
        tab="library",
        form=form,
        status=400 if form.is_bound else 200,
    )


@require_GET
def resource_detail(request: Request, slug: str, pk: int) -> HttpResponse:
    ctx, resource = selectors.access_resource(request.user, slug, pk)
    return render_community(
        request,
        "community/resources/detail.html",
        ctx,
        tab="library",
        resource=resource,
        voted=bool(selectors.useful_ids(ctx.member, [resource.pk])),
        bookmarked=bool(bookmarked_ids(ctx.member, Resource, [resource.pk])),
        can_vote=can_contribute(ctx) and resource.author_id != getattr(ctx.member, "pk", None),
        can_flag=can_contribute(ctx)
        and not resource.is_hidden
        and resource.author_id != getattr(ctx.member, "pk", None),
        discuss=bool(resource.discussion_url or discussions.get_provider()),
    )


@login_required
@require_POST
def resource_useful(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, resource = selectors.access_resource(request.user, slug, pk)
    on = request.POST.get("on") != "0"
    try:
        services.set_useful(resource=resource, member=request.member, on=on)
    except ValidationError as error:
        for text in error_messages(error):
            messages.error(request, text)
        return redirect(resource.get_absolute_url())
    resource.refresh_from_db(fields=["useful_count"])
    if request.htmx:
        return render(
            request,
            "community/resources/_useful.html",
            {"resource": resource, "voted": on, "can_vote": True, "community": ctx.community},
        )
    return redirect(resource.get_absolute_url())


@login_required
@require_POST
def resource_bookmark(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, resource = selectors.access_resource(request.user, slug, pk)
    on = set_bookmark(member=request.member, target=resource, on=request.POST.get("on") != "0")
    if request.htmx:
        return render(
            request,
            "community/resources/_bookmark.html",
            {"resource": resource, "bookmarked": on, "community": ctx.community},
        )
    messages.success(request, _("Saved in your bookmarks.") if on else _("Bookmark removed."))
    return redirect(resource.get_absolute_url())


@require_GET
def resource_download(request: Request, slug: str, pk: int) -> FileResponse:
    _ctx, resource = selectors.access_resource(request.user, slug, pk)
    if not resource.file:
        raise Http404
    try:
        handle = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=resource.file_name or f"document.{resource.file_type}",
        content_type=DOCUMENT_TYPES.get(resource.file_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def resource_discuss(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    _ctx, resource = selectors.access_resource(request.user, slug, pk)
    url = services.open_discussion_for(target=resource, by=request.member)
    if not url:
        raise Http404(_("Discussions are not available here."))
    return redirect(url)


@require_GET
def collection_detail(request: Request, slug: str, collection: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    shelf, resources = selectors.get_collection(ctx, collection)
    ids = [r.pk for r in resources]
    return render_community(
        request,
        "community/resources/collection.html",
        ctx,
        tab="library",
        collection=shelf,
        resources=resources,
        useful=selectors.useful_ids(ctx.member, ids),
        bookmarked=bookmarked_ids(ctx.member, Resource, ids),
    )
