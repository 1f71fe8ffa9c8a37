"""Pages of analytics/: parse → access → one service or selector → render."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from analytics import selectors, services
from analytics.months import add_months, current_month, parse_month
from community.http import Request
from community.permissions import can_animate, check_can_animate
from community.selectors.communities import access_community
from community.views._helpers import render_community

TAB = "dashboard"
PICKER_MONTHS = 24


class _Echo:
    def write(self, value: str) -> str:
        return value


def _month(request: Request, key: str = "month") -> tuple[date, bool]:
    """The month asked for (``YYYY-MM``), else the current one; months to come or too
    old for the picker fall back to the current month (second value: the text was bad)."""
    text = request.GET.get(key) or request.POST.get(key)
    month = parse_month(text)
    now = current_month()
    oldest = add_months(now, -(PICKER_MONTHS * 5))
    if month is None or month > now or month < oldest:
        return now, bool(text)
    return month, False


def _dashboard_url(slug: str, month: date) -> str:
    return reverse("analytics:dashboard", kwargs={"slug": slug}) + f"?month={month:%Y-%m}"


@login_required
@require_GET
def dashboard(request: Request, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="dashboard")
    month, bad = _month(request)
    if bad:
        messages.warning(request, _("That month has no figures: here is the current month."))
    board = selectors.get_dashboard(ctx.community, month)
    now = current_month()
    picker = [
        {"value": f"{m:%Y-%m}", "label": formats.date_format(m, "YEAR_MONTH_FORMAT")}
        for m in (add_months(now, -i) for i in range(PICKER_MONTHS))
    ]
    return render_community(
        request,
        "analytics/dashboard.html",
        ctx,
        tab=TAB,
        board=board,
        month_value=f"{month:%Y-%m}",
        month_label=formats.date_format(month, "YEAR_MONTH_FORMAT"),
        previous_month=f"{add_months(month, -1):%Y-%m}",
        next_month=f"{add_months(month, 1):%Y-%m}" if month < now else "",
        picker=picker,
        is_current=month == now,
        can_recompute=can_animate(ctx),
        pending=services.recompute_pending(ctx.community.pk, month),
    )


@login_required
@require_GET
def dashboard_csv(request: Request, slug: str) -> StreamingHttpResponse:
    ctx = access_community(request.user, slug, need="dashboard")
    month, _bad = _month(request)
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # so that spreadsheets read the accents right
        for row in selectors.csv_rows(ctx.community, month):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{ctx.community.slug}-{month:%Y-%m}.csv"'
    )
    return response


@login_required
@require_POST
def recompute(request: Request, slug: str) -> HttpResponse:
    """Animators: compute the month's figures again now (in the background)."""
    ctx = access_community(request.user, slug, need="dashboard")
    check_can_animate(ctx)
    month, _bad = _month(request)
    services.request_recompute(community_id=ctx.community.pk, month=month)
    if request.htmx:
        return _status(request, ctx.community.slug, ctx.community.pk, month)
    messages.success(request, _("The figures are being computed again: refresh in a moment."))
    return redirect(_dashboard_url(ctx.community.slug, month))


@login_required
@require_GET
def status(request: Request, slug: str) -> HttpResponse:
    ctx = access_community(request.user, slug, need="dashboard")
    month, _bad = _month(request)
    return _status(request, ctx.community.slug, ctx.community.pk, month)


def _status(request: Request, slug: str, community_id: int, month: date) -> HttpResponse:
    return render(
        request,
        "analytics/_status.html",
        {
            "slug": slug,
            "month_value": f"{month:%Y-%m}",
            "pending": services.recompute_pending(community_id, month),
            "dashboard_url": _dashboard_url(slug, month),
        },
    )
