"""Forms of moderation: the member's flag form and the animator's review decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models.moderation import FlagReason
from community.services.moderation import MAX_SANCTION_DAYS


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message to the animators"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for “Something else”. The author does not see who flagged."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == FlagReason.OTHER and not (data.get("message") or "").strip():
            self.add_error("message", _("Tell the animators what is wrong."))
        return data


DECISION_CHOICES = [
    ("agree_hide", _("Agree and hide: the author is told why")),
    ("agree_keep", _("Agree and keep, with the edited text below")),
    ("disagree", _("Disagree: show it (again); nobody is told off")),
    ("ignore", _("Ignore: close the item, leave the content as it is")),
]

SANCTION_CHOICES = [
    ("", _("No sanction")),
    ("silence", _("Silence the author in this community (read only)")),
    ("suspend", _("Suspend the author's account (cannot log in)")),
]


class ReviewDecisionFields(forms.Form):
    """The decision part of the review page (mixed into the admin's form)."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISION_CHOICES, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason told to the author"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    edited_text = forms.CharField(
        label=_("Edited text (agree and keep)"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    sanction = forms.ChoiceField(label=_("Sanction"), choices=SANCTION_CHOICES, required=False)
    sanction_days = forms.IntegerField(
        label=_("For how many days"), required=False, min_value=1, max_value=MAX_SANCTION_DAYS
    )
    sanction_reason = forms.CharField(
        label=_("Reason for the sanction (the member is told)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "agree_keep" and not (data.get("edited_text") or "").strip():
            self.add_error("edited_text", _("Write the edited text to keep."))
        if data.get("sanction"):
            if not data.get("sanction_days"):
                self.add_error("sanction_days", _("Give the period in days."))
            if not (data.get("sanction_reason") or "").strip():
                self.add_error("sanction_reason", _("Give the reason: the member is told."))
        return data
