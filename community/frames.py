"""Page frames: a logged-in member's page rendered once per kind of viewer, its
member-specific parts ("holes") rendered on every request.

Most of a forum page is the same for every member who sees it the same way: the layout,
the community's band and tabs, the topic's header, the categories panel. What differs
per member sits in ``{% late "name" %}…{% endlate %}`` blocks (their menu, their read
state, their reactions, their bookmark and follow buttons). A view passes the **frame
key parts**: the stamps of what the page shows and everything that changes the page
outside the holes for this viewer (their role, their permissions, the resolved page).
The frame is stored with a marker where each hole goes and, like the anonymous cache
(``forums/cache.py``), with placeholders for the CSRF token and the CSP nonce; on a hit
only the holes are rendered, with the same context a full rendering would have.

A page is framed only for GET requests outside htmx with no pending message. A hole's
template code is found again through the ``LateNode`` that drew it, kept per process:
a process that has not rendered the page yet renders it in full (and then has it).
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.template.context import make_context
from django.utils import timezone, translation

FRAME_TTL = 10 * 60
_COLLECT = "_frame_holes"  # in the context while a frame is being rendered
_HOLE = "\x00hole:{}\x00"
_ANY_HOLE = re.compile("\x00hole:[^\x00]*\x00")
_CSRF_MARK = "\x00csrf\x00"
_NONCE_MARK = "\x00nonce\x00"
# (template name, hole name) -> the LateNode whose content draws that hole.
_NODES: dict[tuple[str, str], Any] = {}


@functools.cache
def templates_version() -> str:
    """A digest of the project's templates (names, sizes, times): part of every cached
    page and fragment key, so that a deploy that changes a template never serves what
    the old one drew."""
    from django.conf import settings

    digest = hashlib.sha1(usedforsecurity=False)
    engines: list[dict[str, Any]] = settings.TEMPLATES
    roots = [Path(d) for t in engines for d in t.get("DIRS", [])]
    for root in roots:
        for path in sorted(root.rglob("*.html")):
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def hole_marker(name: str) -> str:
    return _HOLE.format(name)


def collecting(context: Any) -> dict[str, Any] | None:
    """The holes being collected if a frame is being rendered (see ``LateNode``)."""
    found: dict[str, Any] | None = context.get(_COLLECT)
    return found


def register_node(template_name: str, name: str, node: Any) -> None:
    _NODES[(template_name, name)] = node


def _key(request: HttpRequest, template: str, parts: list[Any]) -> str:
    raw = "\x1f".join(
        [
            templates_version(),
            template,
            request.get_full_path(),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            *(str(p) for p in parts),
        ]
    )
    return "frames:" + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


def _frameable(request: HttpRequest) -> bool:
    if request.method != "GET" or request.headers.get("HX-Request"):
        return False
    return not len(messages.get_messages(request))


def _freeze(request: HttpRequest, html: str) -> str:
    from forums.cache import _CSRF_RE  # the same patterns as the anonymous cache

    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        html = html.replace(str(nonce), _NONCE_MARK)
    for token in set(_CSRF_RE.findall(html)):
        html = html.replace(token, _CSRF_MARK)
    return html


def render_framed(
    request: HttpRequest,
    template: str,
    data: dict[str, Any],
    parts: list[Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """``render(request, template, data)``, with the frame from the cache when one was
    stored for these key ``parts``."""
    if not _frameable(request):
        return HttpResponse(loader.render_to_string(template, data, request), status=status)
    key = _key(request, template, parts)
    stored: tuple[list[str], str] | None = cache.get(key)
    if stored is not None and all((template, name) in _NODES for name in stored[0]):
        names, html = stored
        tpl = loader.get_template(template)
        context = make_context(data, request)
        with context.bind_template(tpl.template):  # type: ignore[attr-defined]
            for name in names:
                node = _NODES[(template, name)]
                html = html.replace(hole_marker(name), node.nodelist.render(context), 1)
        if _NONCE_MARK in html:
            html = html.replace(_NONCE_MARK, str(request._csp_nonce))  # type: ignore[attr-defined]
        if _CSRF_MARK in html:
            html = html.replace(_CSRF_MARK, get_token(request))
        response = HttpResponse(html, status=status)
        response["X-Frame-Cache"] = "hit"
        return response
    holes: dict[str, Any] = {}
    full = str(loader.render_to_string(template, {**data, _COLLECT: holes}, request))
    frame = full
    for name, (node, rendered) in holes.items():
        register_node(template, name, node)
        frame = frame.replace(
            f"{hole_marker(name)}{rendered}{hole_marker(name)}", hole_marker(name)
        )
    full = _ANY_HOLE.sub("", full)
    if status == 200 and all(frame.count(hole_marker(n)) == 1 for n in holes):
        cache.set(key, (list(holes), _freeze(request, frame)), FRAME_TTL)
    return HttpResponse(full, status=status)
