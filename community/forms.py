from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from community.models import Member
from community.models.accounts import SPOKEN_LANGUAGES
from community.models.communities import Role
from community.notifications import all_kinds
from community.uploads import validate_image

TIMEZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


def _clean_text(value: str) -> str:
    """Strip control characters (except newlines and tabs) from what people type."""
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32).strip()


class SignupProfileForm(forms.Form):
    """The fields allauth's sign-up form gets from us (allauth adds email and password)."""

    display_name = forms.CharField(
        label=_("Your name"),
        min_length=2,
        max_length=80,
        help_text=_("As your colleagues know you, e.g. Marie Dupont."),
        error_messages={
            "required": _("Tell us your name."),
            "min_length": _("Your name needs at least 2 characters."),
            "max_length": _("Your name can have at most 80 characters."),
        },
    )

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_display_name(self) -> str:
        value = _clean_text(self.cleaned_data["display_name"])
        if len(value) < 2:
            raise ValidationError(_("Your name needs at least 2 characters."), code="min_length")
        return value

    def signup(self, request: HttpRequest, user: Any) -> None:
        from community.services import create_member

        language = getattr(request, "LANGUAGE_CODE", "") or ""
        create_member(
            user=user,
            display_name=self.cleaned_data["display_name"],
            preferred_language=language if language in dict(settings.LANGUAGES) else "",
        )


class ProfileForm(forms.ModelForm):
    avatar_upload = forms.FileField(
        label=_("New photo"),
        required=False,
        help_text=_("PNG, JPEG, GIF or WebP, up to 2 MB. We crop it to a square."),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my photo"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose languages from the list.")},
    )
    preferred_language = forms.ChoiceField(
        label=_("Language of the interface"),
        required=False,
        choices=[("", _("Follow my browser")), *settings.LANGUAGES],
        error_messages={"invalid_choice": _("Choose French or English.")},
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(tz, tz.replace("_", " ")) for tz in TIMEZONES],
        error_messages={"invalid_choice": _("Choose a time zone from the list.")},
    )

    class Meta:
        model = Member
        fields = [
            "display_name",
            "bio",
            "team",
            "site",
            "languages",
            "preferred_language",
            "timezone",
        ]
        help_texts = {
            "team": _("e.g. Marketing, IT support"),
            "site": _("e.g. Lyon, Paris HQ, remote"),
            "bio": _("What you do, what you like to share, what you want to learn."),
        }
        error_messages = {
            "display_name": {
                "required": _("Tell us your name."),
                "max_length": _("Your name can have at most 80 characters."),
            },
            "bio": {"max_length": _("Keep this under 2,000 characters.")},
            "team": {"max_length": _("A team name can have at most 80 characters.")},
            "site": {"max_length": _("A site can have at most 80 characters.")},
            "preferred_language": {"invalid_choice": _("Choose French or English.")},
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def clean_display_name(self) -> str:
        value = _clean_text(self.cleaned_data["display_name"])
        if len(value) < 2:
            raise ValidationError(_("Your name needs at least 2 characters."), code="min_length")
        return value

    def clean_bio(self) -> str:
        return _clean_text(self.cleaned_data.get("bio", ""))

    def clean_team(self) -> str:
        return _clean_text(self.cleaned_data.get("team", ""))

    def clean_site(self) -> str:
        return _clean_text(self.cleaned_data.get("site", ""))

    def clean_avatar_upload(self) -> Any:
        upload = self.cleaned_data.get("avatar_upload")
        if upload:
            validate_image(upload, max_bytes=settings.AVATAR_MAX_BYTES)
        return upload

    def profile_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("A word for the animators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        help_text=_("Who you are and what you hope to find here."),
        error_messages={"max_length": _("Keep your message under 1,000 characters.")},
    )

    def clean_message(self) -> str:
        return _clean_text(self.cleaned_data.get("message", ""))


class BanForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the member is told)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Give the reason for the ban: the member is told."),
            "max_length": _("Keep the reason under 500 characters."),
        },
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Search with at most 100 characters.")},
    )
    team = forms.CharField(label=_("Team"), required=False, max_length=80)
    site = forms.CharField(label=_("Site"), required=False, max_length=80)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *Role.choices],
        error_messages={"invalid_choice": _("Choose a role from the list.")},
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {
            "text": _clean_text(self.cleaned_data["q"]),
            "team": self.cleaned_data["team"],
            "site": self.cleaned_data["site"],
            "role": self.cleaned_data["role"],
        }


class CommunitySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search communities"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Search with at most 100 characters.")},
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=500)


class NotificationPreferencesForm(forms.Form):
    def __init__(self, *args: Any, initial_prefs: dict[str, bool], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in all_kinds():
            self.fields[kind.key] = forms.BooleanField(
                label=kind.label, required=False, initial=initial_prefs.get(kind.key, False)
            )

    def email_kinds(self) -> dict[str, bool]:
        return {key: bool(value) for key, value in self.cleaned_data.items()}


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type DELETE to confirm"),
        max_length=20,
        error_messages={"required": _("Type DELETE to confirm.")},
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value.upper() not in {"DELETE", "SUPPRIMER"}:
            raise ValidationError(_("Type DELETE to confirm."), code="mismatch")
        return value
