"""Forms of recognition/: validation and translated messages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.models import LEVELS
from recognition.models import KudosAbout
from recognition.services.kudos import MESSAGE_MAX


class KudosForm(forms.Form):
    to = forms.CharField(
        label=_("Who do you thank?"),
        max_length=60,
        help_text=_("Their handle, e.g. @alice-martin"),
        error_messages={"required": _("Say who you thank.")},
    )
    about = forms.ChoiceField(
        label=_("What for?"), choices=KudosAbout.choices, initial=KudosAbout.GENERAL
    )
    about_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Write a few words of thanks."),
            "max_length": _("Keep it short: at most %(limit_value)d characters."),
        },
    )


class EndorsementForm(forms.Form):
    skill = forms.CharField(
        label=_("Skill"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "skills-list", "autocomplete": "off"}),
        error_messages={"required": _("Choose a skill from the list.")},
    )
    level = forms.TypedChoiceField(
        label=_("Level reached"),
        choices=LEVELS,
        coerce=int,
        error_messages={"required": _("Choose a level from 1 to 5.")},
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you saw: sessions, a piece of work, a situation."),
    )
