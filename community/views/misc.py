from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.templatetags.static import static
from django.utils._os import safe_join
from django.views.decorators.http import require_GET

from community.admin_site import staff_lacks_mfa
from community.http import Request
from community.uploads import PUBLIC_MEDIA_DIRS


@require_GET
def admin_mfa_required(request: Request) -> HttpResponse:
    return render(
        request, "community/admin_mfa_required.html", {"needs_mfa": staff_lacks_mfa(request)}
    )


@require_GET
def bench_bare(request: Request) -> HttpResponse:
    """The cheapest view of the project (only with BENCH_VIEWS=1): bench/ compares pages to it."""
    return HttpResponse(b"ok", content_type="text/plain")


def favicon(request: Request) -> HttpResponse:
    # Resolved per request: the hashed static name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def media(request: Request, path: str) -> HttpResponseBase:
    """Public uploads (avatars, images in posts). Names are random; never executed.
    Private files (library documents) are not served here, whoever asks."""
    if path.split("/", 1)[0] not in PUBLIC_MEDIA_DIRS:
        raise Http404
    try:
        full = Path(safe_join(str(settings.MEDIA_ROOT), path))
    except ValueError:
        raise Http404 from None
    if not full.is_file():
        raise Http404
    content_type, _encoding = mimetypes.guess_type(full.name)
    response = FileResponse(
        full.open("rb"), content_type=content_type or "application/octet-stream"
    )
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def error_404(request: Request, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"message": _message(exception)}, status=404)


def error_403(request: Request, exception: Exception) -> HttpResponse:
    return render(request, "403.html", {"message": _message(exception)}, status=403)


def error_500(request: Request) -> HttpResponse:
    return render(request, "500.html", status=500)


def _message(exception: Exception) -> str:
    text = str(exception) if exception and exception.args else ""
    # Django's own messages for unmatched URLs are technical: don't show them.
    return "" if ("resolve" in text or "path" in text.lower()) else text
