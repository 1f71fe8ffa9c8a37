"""Page frames: a logged-in member's page rendered once per kind of viewer, its
member-specific parts ("holes") rendered on every request.

Most of a forum page is the same for every member who sees it the same way: the layout,
the community's band and tabs, the topic's header, the categories panel. What differs
per member sits in ``{% late "name" %}…{% endlate %}`` blocks (their menu, their read
state, their reactions, their bookmark and follow buttons). A view passes the **frame
key parts**: the stamps of what the page shows and everything that changes the page
outside the holes for this viewer (their role, their permissions, the resolved page).
The frame is stored (under a key without the stamps, with the stamps it was drawn
at, so that the frame and the current stamps come in one round trip) with a marker
where each hole goes and, like the anonymous cache
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
import time
from collections.abc import Sequence
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
STAMP_TTL = 7 * 24 * 3600
# The CSRF token as pages carry it (form fields, the htmx meta tag): cached pages and
# fragments store a placeholder instead (forums' anonymous cache too).
CSRF_RE = re.compile(
    r'(?:name="csrfmiddlewaretoken" value="|<meta name="csrf-token" content=")([A-Za-z0-9]+)"'
)
_COLLECT = "_frame_holes"  # in the context while a frame is being rendered
_HOLE = "\x00hole:{}\x00"
_ANY_HOLE = re.compile("\x00hole:[^\x00]*\x00")
CSRF_MARK = "\x00csrf\x00"
NONCE_MARK = "\x00nonce\x00"
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


def new_stamp() -> str:
    return format(time.time_ns(), "x")


def current_stamps(keys: list[str], found: dict[str, Any] | None = None) -> list[str]:
    """The current values of the version stamps at ``keys`` (from ``found`` when fetched
    already); a missing stamp is created."""
    found = dict(found) if found is not None else cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, new_stamp(), STAMP_TTL)
        found.update(cache.get_many(missing))
    return [str(found.get(k, "")) for k in keys]


def prefetched(request: HttpRequest, key: str) -> tuple[bool, Any]:
    """A cache entry fetched with the page's frame (``render_framed(prefetch=...)``)."""
    store: dict[str, Any] | None = getattr(request, "_frame_prefetch", None)
    if store is None or key not in store["asked"]:
        return False, None
    return True, store["found"].get(key)


def freeze_secrets(request: HttpRequest, html: str) -> str:
    """``html`` with placeholders where this request's CSP nonce and CSRF token are: what
    a cache may store and serve to others (``thaw_secrets`` puts theirs back)."""
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        html = html.replace(str(nonce), NONCE_MARK)
    for token in set(CSRF_RE.findall(html)):
        html = html.replace(token, CSRF_MARK)
    return html


def thaw_secrets(request: HttpRequest, html: str) -> str:
    """The page of ``freeze_secrets`` with this request's nonce and token."""
    if NONCE_MARK in html:
        html = html.replace(NONCE_MARK, str(request._csp_nonce))  # type: ignore[attr-defined]
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, get_token(request))
    return html


def render_framed(
    request: HttpRequest,
    template: str,
    data: dict[str, Any],
    parts: list[Any],
    *,
    stamp_keys: Sequence[str] = (),
    stamps_var: str = "",
    prefetch: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    """``render(request, template, data)``, with the frame from the cache when one was
    stored for these key ``parts`` and the current values of the version stamps at
    ``stamp_keys`` (also put in ``data[stamps_var]``, joined with dots). The frame, the
    stamps and the ``prefetch`` keys (for the late parts, see ``prefetched``) come in one
    round trip."""
    key = _key(request, template, parts)
    found = cache.get_many([key, *stamp_keys, *prefetch])
    request._frame_prefetch = {"asked": set(prefetch), "found": found}  # type: ignore[attr-defined]
    current = ".".join(current_stamps(list(stamp_keys), found)) if stamp_keys else ""
    if stamps_var:
        data[stamps_var] = current
    if not _frameable(request):
        return HttpResponse(loader.render_to_string(template, data, request), status=status)
    stored: tuple[str, list[str], str] | None = found.get(key)
    if (
        stored is not None
        and stored[0] == current
        and all((template, name) in _NODES for name in stored[1])
    ):
        _stamps, names, html = stored
        tpl = loader.get_template(template)
        context = make_context(data, request)
        with context.bind_template(tpl.template):  # type: ignore[attr-defined]
            for name in names:
                node = _NODES[(template, name)]
                html = html.replace(hole_marker(name), node.nodelist.render(context), 1)
        response = HttpResponse(thaw_secrets(request, html), status=status)
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
        cache.set(key, (current, list(holes), freeze_secrets(request, frame)), FRAME_TTL)
    return HttpResponse(full, status=status)
