"""Pages of forums/: parse → access → one service or selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from taggit.models import Tag

from community.http import MemberRequest, Request
from community.permissions import can_animate, can_contribute
from community.selectors.communities import access_community
from community.views._helpers import community_context_vars, render_community
from forums import cache as forum_cache
from forums import forms, permissions
from forums.cache import anonymous_page
from forums.models import (
    CategoryFollow,
    FollowLevel,
    Post,
    ReactionEmoji,
    TagFollow,
    Topic,
)
from forums.selectors import topics as selectors
from forums.services import engagement, posting

TAB = "forums"
# Lazy: translated when drawn, in the reader's language (not once, at import).
VIEWS = {
    "latest": gettext_lazy("Latest"),
    "unanswered": gettext_lazy("Unanswered"),
    "solved": gettext_lazy("Solved"),
    "bookmarks": gettext_lazy("My bookmarks"),
}


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _apply_errors(form: Any, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    elif isinstance(error, ValidationError):
        form.add_error(None, error.messages)
    else:
        form.add_error(None, str(error) or _("You cannot do this here."))


def _list_page(
    request: Request,
    slug: str,
    *,
    view: str = "latest",
    category_slug: str = "",
    tag_slug: str = "",
) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    categories = selectors.visible_categories(ctx)
    category = selectors.get_category(ctx, categories, category_slug) if category_slug else None
    tag = None
    if tag_slug:
        tag = Tag.objects.filter(slug=tag_slug).first()
        if tag is None:
            raise Http404(_("No such tag."))
    cursor = request.GET.get("after")
    if view == "bookmarks":
        if ctx.member is None:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        page = selectors.list_bookmarked_topics(ctx, categories, cursor=cursor)
    else:
        page = selectors.list_topics(
            ctx, categories, view=view, category=category, tag=tag_slug, cursor=cursor
        )
    pinned = (
        selectors.list_pinned(ctx, [category] if category else categories)
        if view == "latest" and not cursor and not tag
        else []
    )
    pinned_ids = {t.pk for t in pinned}
    page.items = [t for t in page.items if t.pk not in pinned_ids]
    shown = pinned + page.items
    selectors.attach_community(ctx, shown)
    follow_level = ""
    if ctx.member is not None and (category or tag):
        row: CategoryFollow | TagFollow | None
        if category:
            row = CategoryFollow.objects.filter(member=ctx.member, category=category).first()
        else:
            row = TagFollow.objects.filter(
                member=ctx.member, community=ctx.community, tag=tag
            ).first()
        follow_level = row.level if row else FollowLevel.NORMAL
    context: dict[str, Any] = {
        "categories": categories,
        "category": category,
        "tag": tag,
        "view": view,
        "views": VIEWS,
        "page": page,
        "pinned": pinned,
        "reads": selectors.read_states(ctx.member, shown),
        "can_post": can_contribute(ctx) and bool(categories),
        "follow_level": follow_level,
        "follow_levels": FollowLevel.choices,
    }
    if request.htmx and cursor:
        data = community_context_vars(ctx)
        data.update(context)
        return render(request, "forums/_topic_rows.html", data)
    frame = [
        view,
        category.pk if category else "",
        tag_slug,
        follow_level,
        context["can_post"],
    ]
    return render_community(
        request,
        "forums/topic_list.html",
        ctx,
        tab=TAB,
        frame=frame,
        # The community's forum stamps: the frame's and the cached rows' and panel's.
        frame_stamps=[
            forum_cache.stamp_key("activity", slug),
            forum_cache.stamp_key("structure", slug),
        ],
        stamps_var="list_stamps",
        **context,
    )


@require_GET
@anonymous_page("list")
def home(request: Request, slug: str) -> HttpResponse:
    view = request.GET.get("view", "latest")
    return _list_page(request, slug, view=view if view in VIEWS else "latest")


@require_GET
@anonymous_page("list")
def category(request: Request, slug: str, category: str) -> HttpResponse:
    view = request.GET.get("view", "latest")
    view = view if view in ("latest", "unanswered", "solved") else "latest"
    return _list_page(request, slug, view=view, category_slug=category)


@require_GET
@anonymous_page("list")
def tag(request: Request, slug: str, tag: str) -> HttpResponse:
    return _list_page(request, slug, tag_slug=tag)


@login_required
@require_http_methods(["GET", "POST"])
def topic_create(request: MemberRequest, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    categories = selectors.visible_categories(ctx)
    initial: dict[str, Any] = {}
    wanted = request.GET.get("category")
    for c in categories:
        if c.slug == wanted:
            initial["category"] = c.pk
    if request.GET.get("kind") == "question":
        initial["kind"] = "question"
    form = forms.TopicForm(
        request.POST or None, request.FILES or None, categories=categories, initial=initial
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                topic = posting.create_topic(
                    community=ctx.community,
                    category=data["category"],
                    by=request.member,
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    image=data["image"],
                    ctx=ctx,
                )
            except (ValidationError, PermissionDenied) as error:
                _apply_errors(form, error)
                status = 403 if isinstance(error, PermissionDenied) else 400
            else:
                messages.success(request, _("Your topic is online."))
                return redirect(topic.get_absolute_url())
    return render_community(
        request,
        "forums/topic_form.html",
        ctx,
        tab=TAB,
        form=form,
        categories=categories,
        status=status,
    )


@require_GET
@anonymous_page("topic")
def topic_detail(request: Request, slug: str, pk: int) -> HttpResponse:
    ctx, topic = selectors.access_topic(request.user, slug, pk)
    after = _int(request.GET.get("after"))
    before = _int(request.GET.get("before"))
    my_read = getattr(topic, "my_read", None)
    if request.GET.get("unread") and my_read is not None and after is None and before is None:
        after = my_read if my_read < topic.last_number else max(topic.last_number - 1, 0)
    page = selectors.topic_posts(ctx, topic, after=after, before=before)
    if ctx.member is not None and page.rows:
        last_seen = page.rows[-1].number
        if my_read is None or last_seen > my_read:
            posting.mark_read(member=ctx.member, topic=topic, number=last_seen)
    context: dict[str, Any] = {
        "topic": topic,
        "page": page,
        "can_reply": permissions.can_reply(ctx, topic),
        "can_accept": permissions.can_accept(ctx, topic),
        "can_moderate": can_animate(ctx),
        "emojis": ReactionEmoji.choices,
        "reply_form": SimpleLazyObject(forms.ReplyForm),  # drawn only on the last page
        "follow_level": getattr(topic, "my_follow", None) or FollowLevel.NORMAL,
        "follow_levels": FollowLevel.choices,
        "bookmarked": bool(getattr(topic, "my_bookmark", False)),
        "first_unread": (my_read + 1)
        if my_read is not None and my_read < topic.last_number
        else None,
    }
    if request.htmx and (after or before) and request.GET.get("more"):
        data = community_context_vars(ctx)
        data.update(context)
        return render(request, "forums/_posts.html", data)
    frame = [
        after,
        before,
        page.after,
        page.before,
        context["can_reply"],
        context["can_accept"],
        context["can_moderate"],
    ]
    return render_community(
        request,
        "forums/topic_detail.html",
        ctx,
        tab=TAB,
        frame=frame,
        # The topic's and the community's stamps: the frame's and the posts' fragments'.
        frame_stamps=[
            forum_cache.stamp_key("topic", topic.pk),
            forum_cache.stamp_key("structure", slug),
        ],
        stamps_var="forum_stamp",
        **context,
    )


@require_GET
def post_link(request: Request, slug: str, pk: int, number: int) -> HttpResponse:
    """A post's permanent address: the topic page that starts with it."""
    _ctx, topic = selectors.access_topic(request.user, slug, pk)
    url = reverse("forums:topic", kwargs={"slug": slug, "pk": topic.pk})
    return redirect(f"{url}?after={max(number - 1, 0)}#post-{number}")


@login_required
@require_http_methods(["GET", "POST"])
def reply(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, topic = selectors.access_topic(request.user, slug, pk)
    reply_to: Post | None = None
    initial: dict[str, Any] = {}
    to = _int(request.POST.get("reply_to") or request.GET.get("to"))
    if to:
        reply_to = Post.objects.filter(topic=topic, number=to).select_related("author").first()
        if reply_to is not None and request.method == "GET":
            initial["reply_to"] = to
            if request.GET.get("quote") and not reply_to.hidden_at and not reply_to.deleted_at:
                name = reply_to.author.display_name if reply_to.author else ""
                quoted = "\n".join(f"> {line}" for line in reply_to.body.splitlines())
                initial["body"] = f"> **{name}** (#{to}):\n{quoted}\n\n"
    form = forms.ReplyForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                post = posting.reply(
                    topic=topic,
                    by=request.member,
                    body=form.cleaned_data["body"],
                    reply_to=reply_to,
                    image=form.cleaned_data["image"],
                    ctx=ctx,
                )
            except (ValidationError, PermissionDenied) as error:
                _apply_errors(form, error)
                status = 403 if isinstance(error, PermissionDenied) else 400
            else:
                if request.htmx:
                    post.topic = topic
                    data = community_context_vars(ctx)
                    data.update(
                        {
                            "topic": topic,
                            "post": post,
                            "emojis": ReactionEmoji.choices,
                            "can_accept": permissions.can_accept(ctx, topic),
                            "can_reply": True,
                            "reply_form": SimpleLazyObject(
                                forms.ReplyForm
                            ),  # drawn only on the last page
                            "mine": {},
                        }
                    )
                    return render(request, "forums/_reply_done.html", data)
                return redirect(post.get_absolute_url())
    if request.htmx and request.method == "POST":
        # htmx swaps only successful responses: the form comes back with its messages
        # and the typed text as a 200 fragment.
        data = community_context_vars(ctx)
        data.update({"topic": topic, "reply_form": form, "can_reply": True})
        return render(request, "forums/_reply_form.html", data)
    return render_community(
        request,
        "forums/reply_form.html",
        ctx,
        tab=TAB,
        topic=topic,
        form=form,
        reply_to=reply_to,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: MemberRequest, slug: str, pk: int, number: int) -> HttpResponse:
    ctx, topic, post = selectors.access_post(request.user, slug, pk, number)
    if not permissions.can_edit(ctx, topic, post):
        raise PermissionDenied(_("You cannot edit this post."))
    opening = post.number == 1
    initial = {
        "body": post.body,
        "title": topic.title,
        "tags": ", ".join(n for _s, n in topic.tag_list),
    }
    form = forms.EditForm(request.POST or None, initial=initial, opening=opening)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                posting.edit_post(
                    post=post,
                    by=request.member,
                    body=data["body"],
                    title=data.get("title") if opening else None,
                    tags=data.get("tags") if opening else None,
                    reason=data["reason"],
                    ctx=ctx,
                )
            except (ValidationError, PermissionDenied) as error:
                _apply_errors(form, error)
                status = 403 if isinstance(error, PermissionDenied) else 400
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(post.get_absolute_url())
    return render_community(
        request,
        "forums/post_edit.html",
        ctx,
        tab=TAB,
        topic=topic,
        post=post,
        form=form,
        status=status,
    )


@require_GET
def post_history(request: Request, slug: str, pk: int, number: int) -> HttpResponse:
    ctx, topic, post = selectors.access_post(request.user, slug, pk, number)
    if not permissions.can_see_history(ctx, post):
        raise PermissionDenied(_("The edit history is visible to the author and animators."))
    revisions = list(post.revisions.select_related("edited_by").order_by("-created_at")[:100])
    return render_community(
        request,
        "forums/post_history.html",
        ctx,
        tab=TAB,
        topic=topic,
        post=post,
        revisions=revisions,
    )


@login_required
@require_POST
def post_delete(request: MemberRequest, slug: str, pk: int, number: int) -> HttpResponse:
    ctx, _topic, post = selectors.access_post(request.user, slug, pk, number)
    engagement_done = posting.delete_post(post=post, by=request.member, ctx=ctx)
    messages.success(request, _("The post is deleted."))
    if engagement_done.number == 1:
        return redirect(reverse("forums:home", kwargs={"slug": slug}))
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def post_react(request: MemberRequest, slug: str, pk: int, number: int) -> HttpResponse:
    ctx, topic, post = selectors.access_post(request.user, slug, pk, number)
    # One form per post: the pressed button sends "emoji" to add its reaction, "off" to
    # take it back ("on=0" with "emoji" is understood too).
    off = request.POST.get("off", "")
    emoji = off or request.POST.get("emoji", "")
    on = not off and request.POST.get("on") != "0"
    try:
        engagement.set_reaction(post=post, by=request.member, emoji=emoji, on=on, ctx=ctx)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.htmx:
        mine = set(post.reactions.filter(member=request.member).values_list("emoji", flat=True))
        data = community_context_vars(ctx)
        data.update({"topic": topic, "post": post, "emojis": ReactionEmoji.choices, "my": mine})
        return render(request, "forums/_reactions.html", data)
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def post_accept(request: MemberRequest, slug: str, pk: int, number: int) -> HttpResponse:
    ctx, topic, post = selectors.access_post(request.user, slug, pk, number)
    try:
        if request.POST.get("on") == "0":
            engagement.unaccept_answer(topic=topic, by=request.member, ctx=ctx)
            messages.success(request, _("The question is open again."))
        else:
            engagement.accept_answer(post=post, by=request.member, ctx=ctx)
            messages.success(request, _("Marked as the answer: the question is solved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def topic_follow(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    _ctx, topic = selectors.access_topic(request.user, slug, pk)
    form = forms.FollowForm(request.POST)
    if not form.is_valid():
        raise Http404
    level = engagement.follow_topic(
        topic=topic, member=request.member, level=form.cleaned_data["level"]
    )
    if request.htmx:
        return render(
            request,
            "forums/_follow.html",
            {
                "action": reverse("forums:topic-follow", kwargs={"slug": slug, "pk": pk}),
                "follow_level": level,
                "follow_levels": FollowLevel.choices,
                "saved": True,
            },
        )
    messages.success(request, _("Your notification choice is saved."))
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def category_follow(request: MemberRequest, slug: str, category: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    found = selectors.get_category(ctx, selectors.visible_categories(ctx), category)
    form = forms.FollowForm(request.POST)
    if not form.is_valid():
        raise Http404
    level = engagement.follow_category(
        category=found, member=request.member, level=form.cleaned_data["level"]
    )
    if request.htmx:
        return render(
            request,
            "forums/_follow.html",
            {
                "action": request.path,
                "follow_level": level,
                "follow_levels": FollowLevel.choices,
                "saved": True,
            },
        )
    messages.success(request, _("Your notification choice is saved."))
    return redirect(found.get_absolute_url())


@login_required
@require_POST
def tag_follow(request: MemberRequest, slug: str, tag: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read")
    found = Tag.objects.filter(slug=tag).first()
    form = forms.FollowForm(request.POST)
    if found is None or not form.is_valid():
        raise Http404
    level = engagement.follow_tag(
        community=ctx.community, tag=found, member=request.member, level=form.cleaned_data["level"]
    )
    if request.htmx:
        return render(
            request,
            "forums/_follow.html",
            {
                "action": request.path,
                "follow_level": level,
                "follow_levels": FollowLevel.choices,
                "saved": True,
            },
        )
    messages.success(request, _("Your notification choice is saved."))
    return redirect(reverse("forums:tag", kwargs={"slug": slug, "tag": tag}))


@login_required
@require_POST
def topic_bookmark(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, topic = selectors.access_topic(request.user, slug, pk)
    on = engagement.bookmark_topic(
        topic=topic, member=request.member, on=request.POST.get("on") != "0"
    )
    if request.htmx:
        return render(
            request,
            "forums/_bookmark.html",
            {"topic": topic, "bookmarked": on, "community": ctx.community},
        )
    messages.success(request, _("Saved in your bookmarks.") if on else _("Bookmark removed."))
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def topic_state(request: MemberRequest, slug: str, pk: int) -> HttpResponse:
    ctx, topic = selectors.access_topic(request.user, slug, pk)
    try:
        engagement.set_topic_state(
            topic=topic, by=request.member, action=request.POST.get("action", ""), ctx=ctx
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The topic is updated."))
    return redirect(topic.get_absolute_url())


@require_GET
def search(request: Request, slug: str | None = None) -> HttpResponse:
    ctx = access_community(request.user, slug, need="read") if slug else None
    form = forms.SearchForm(request.GET or None)
    results: list[Post] = []
    text = ""
    categories = selectors.visible_categories(ctx) if ctx else []
    if form.is_valid():
        data = form.cleaned_data
        text = data["q"]
        filters = selectors.SearchFilters(
            community=ctx.community if ctx else None,
            tag=data["tag"],
            author=data["author"],
            solved=data["solved"],
        )
        if ctx and data["category"]:
            filters.category = selectors.get_category(ctx, categories, data["category"])
        results = selectors.search_posts(request.user, text, filters)
    context: dict[str, Any] = {
        "form": form,
        "results": results,
        "text": text,
        "categories": categories,
    }
    if ctx is None:
        return render(request, "forums/search.html", context)
    # The page around the results is the same for every search with these words and
    # filters by people in the same role: a frame; the results are drawn every time.
    return render_community(
        request,
        "forums/search.html",
        ctx,
        tab=TAB,
        frame=[bool(results), form.is_valid()],
        frame_stamps=[forum_cache.stamp_key("structure", ctx.community.slug)],
        **context,
    )


def topic_of(post: Post) -> Topic:
    return post.topic
