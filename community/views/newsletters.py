"""The member's newsletter choices, and the one-click unsubscribe link of every issue."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from community.http import MemberRequest, Request
from community.models import Community, Member, Membership, NewsletterPreference
from community.models.communities import MembershipStatus
from community.models.newsletters import Frequency
from community.services import newsletters as newsletter_services

PLATFORM = "platform"


class NewsletterPreferencesForm(forms.Form):
    """One choice per community the member belongs to, plus the platform issue."""

    def __init__(
        self,
        *args: object,
        communities: list[Community],
        current: dict[int | None, str],
        **kw: object,
    ) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        choices = Frequency.choices
        for community in communities:
            self.fields[f"c{community.pk}"] = forms.ChoiceField(
                label=community.name,
                choices=choices,
                initial=current.get(community.pk, Frequency.MONTHLY),
            )
        self.fields[PLATFORM] = forms.ChoiceField(
            label=gettext_lazy("News of the whole platform"),
            choices=choices,
            initial=current.get(None, Frequency.MONTHLY),
        )

    def choices(self) -> dict[int | None, str]:
        return {
            (None if key == PLATFORM else int(key[1:])): value
            for key, value in self.cleaned_data.items()
        }


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_settings(request: MemberRequest) -> HttpResponse:
    communities = [
        m.community
        for m in Membership.objects.filter(member=request.member, status=MembershipStatus.ACTIVE)
        .select_related("community")
        .order_by("community__name")
    ]
    current: dict[int | None, str] = dict(
        NewsletterPreference.objects.filter(member=request.member).values_list(
            "community_id", "frequency"
        )
    )
    form = NewsletterPreferencesForm(request.POST or None, communities=communities, current=current)
    if request.method == "POST" and form.is_valid():
        newsletter_services.set_newsletter_preferences(
            member=request.member, choices=form.choices()
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("community:newsletter-settings")
    return render(request, "community/newsletter_settings.html", {"form": form})


@csrf_exempt  # RFC 8058: the mail client POSTs without a session or a token of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request: Request, token: str) -> HttpResponse:
    """GET: a confirmation page (changes nothing: link scanners open links). POST (the
    page's button, or the mail client's one-click): unsubscribe, answer 200."""
    found = newsletter_services.read_unsubscribe_token(token)
    member = Member.objects.filter(pk=found[0]).first() if found else None
    if found is None or member is None:
        return render(
            request, "community/newsletter_unsubscribe.html", {"invalid": True}, status=400
        )
    community_id = found[1]
    community = Community.objects.filter(pk=community_id).first() if community_id else None
    # Not "member": base.html reads that name as the logged-in person.
    context = {"community": community, "done": False}
    if request.method == "POST":
        newsletter_services.unsubscribe(member=member, community_id=community_id)
        context["done"] = True
    return render(request, "community/newsletter_unsubscribe.html", context)
