from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors, services
from community.forms import NotificationPreferencesForm
from community.http import MemberRequest
from community.notifications import get_kind


@login_required
@require_GET
def notification_list(request: MemberRequest) -> HttpResponse:
    page = selectors.list_notifications(request.member, cursor=request.GET.get("after"))
    rows = []
    for n in page.items:
        try:
            text = get_kind(n.kind).describe(n)
        except ValueError:  # a kind whose app was removed
            text = str(n.payload.get("title", ""))
        rows.append({"notification": n, "text": text})
    template = (
        "community/_notification_rows.html" if request.htmx else "community/notification_list.html"
    )
    return render(request, template, {"rows": rows, "page": page})


@login_required
@require_GET
def notification_open(request: MemberRequest, pk: int) -> HttpResponse:
    notification = services.mark_notification_read(member=request.member, notification_id=pk)
    if notification is None:
        raise Http404(_("No such notification."))
    url = str(notification.payload.get("url") or "/notifications/")
    return redirect(url if url.startswith("/") and not url.startswith("//") else "/notifications/")


@login_required
@require_POST
def notification_read_all(request: MemberRequest) -> HttpResponse:
    services.mark_all_notifications_read(member=request.member)
    messages.success(request, _("All caught up."))
    return redirect("community:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: MemberRequest) -> HttpResponse:
    prefs = selectors.get_notification_preferences(request.member)
    form = NotificationPreferencesForm(request.POST or None, initial_prefs=prefs)
    if request.method == "POST" and form.is_valid():
        services.set_notification_preferences(member=request.member, email_kinds=form.email_kinds())
        messages.success(request, _("Your choices are saved."))
        return redirect("community:notification-settings")
    return render(request, "community/notification_settings.html", {"form": form})
