from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.forms import _clean_text
from mentoring.models import DAYS, LEVELS, MOMENTS, PinKind, Skill
from mentoring.services.skills import Learn, Teach

LEVEL_CHOICES = [(str(v), label) for v, label in LEVELS]


def find_skill(text: str) -> Skill | None:
    """A skill by its slug or its name in either language (what the datalist offers)."""
    text = text.strip()
    if not text:
        return None
    return (
        Skill.objects.active()
        .filter(Q(slug=text) | Q(name_fr__iexact=text) | Q(name_en__iexact=text))
        .order_by("pk")
        .first()
    )


class DeclarationForm(forms.Form):
    """The skills page posts rows (teach-N-*, learn-N-*) and one new row of each kind;
    levels come from radio buttons (one click)."""

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.teach: list[Teach] = []
        self.learn: list[Learn] = []

    def _int(self, name: str, default: int | None = None) -> int | None:
        value = (self.data.get(name) or "").strip()
        try:
            return int(value) if value else default
        except ValueError:
            return None

    def clean(self) -> dict[str, Any]:
        data = self.data
        errors = []
        for prefix in sorted({k.split("-")[1] for k in data if k.startswith("teach-")}):
            if data.get(f"teach-{prefix}-remove"):
                continue
            name = data.get(f"teach-{prefix}-skill", "")
            if prefix == "new" and not name.strip():
                continue
            skill = find_skill(name)
            level = self._int(f"teach-{prefix}-level")
            if skill is None:
                errors.append(
                    _("“%(name)s” is not in the skills list: choose one it offers.")
                    % {"name": name[:60]}
                )
            elif level is None:
                errors.append(_("Choose your level in %(skill)s.") % {"skill": skill.name})
            else:
                self.teach.append(Teach(skill.pk, level))
        for prefix in sorted({k.split("-")[1] for k in data if k.startswith("learn-")}):
            if data.get(f"learn-{prefix}-remove"):
                continue
            name = data.get(f"learn-{prefix}-skill", "")
            if prefix == "new" and not name.strip():
                continue
            skill = find_skill(name)
            level = self._int(f"learn-{prefix}-level")
            target = self._int(f"learn-{prefix}-target")
            priority = self._int(f"learn-{prefix}-priority", 2)
            if skill is None:
                errors.append(
                    _("“%(name)s” is not in the skills list: choose one it offers.")
                    % {"name": name[:60]}
                )
            elif level is None or target is None or priority is None:
                errors.append(
                    _("Choose your level and the level you aim for in %(skill)s.")
                    % {"skill": skill.name}
                )
            else:
                self.learn.append(Learn(skill.pk, level, target, priority))
        if errors:
            raise ValidationError(errors)
        return {}


class PreferencesForm(forms.Form):
    slots = forms.TypedMultipleChoiceField(
        label=_("When I am available"),
        required=False,
        coerce=int,
        choices=[
            (d * len(MOMENTS) + m, f"{day} {moment}")
            for d, day in enumerate(DAYS)
            for m, moment in enumerate(MOMENTS)
        ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave everything unticked if any time suits you."),
        error_messages={"invalid_choice": _("Choose slots from the grid.")},
    )
    mentor_capacity = forms.IntegerField(
        label=_("How many people I can mentor at once"),
        min_value=0,
        max_value=5,
        initial=1,
        error_messages={
            "min_value": _("Enter a number from 0 to 5."),
            "max_value": _("Enter a number from 0 to 5."),
            "invalid": _("Enter a number from 0 to 5."),
            "required": _("Enter a number from 0 to 5."),
        },
    )
    learner_capacity = forms.IntegerField(
        label=_("How many mentors I can follow at once"),
        min_value=0,
        max_value=5,
        initial=1,
        error_messages={
            "min_value": _("Enter a number from 0 to 5."),
            "max_value": _("Enter a number from 0 to 5."),
            "invalid": _("Enter a number from 0 to 5."),
            "required": _("Enter a number from 0 to 5."),
        },
    )
    avoid_own_team = forms.BooleanField(
        label=_("Not with someone from my own team"), required=False
    )

    def availability(self) -> int:
        bits = 0
        for slot in self.cleaned_data.get("slots") or []:
            bits |= 1 << int(slot)
        return bits

    @staticmethod
    def slots_of(availability: int) -> list[int]:
        return [i for i in range(len(DAYS) * len(MOMENTS)) if availability & (1 << i)]


class RequestForm(forms.Form):
    skill = forms.ModelChoiceField(
        label=_("What you would like to learn"),
        queryset=Skill.objects.none(),
        error_messages={
            "required": _("Choose the skill you want to learn."),
            "invalid_choice": _("Choose one of the skills this person teaches."),
        },
    )
    message = forms.CharField(
        label=_("A word to introduce yourself"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        help_text=_("What you want to be able to do, and when you are available."),
        error_messages={"max_length": _("Keep your message under 1,000 characters.")},
    )

    def __init__(self, *args: Any, skills: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = skills  # type: ignore[attr-defined]

    def clean_message(self) -> str:
        return _clean_text(self.cleaned_data.get("message", ""))


class SessionForm(forms.Form):
    held_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Enter the date of the session."),
            "invalid": _("Enter a date like 2026-03-14."),
        },
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=5,
        max_value=480,
        initial=60,
        error_messages={
            "required": _("Enter how long it lasted, in minutes."),
            "invalid": _("Enter a number of minutes."),
            "min_value": _("A session lasts at least 5 minutes."),
            "max_value": _("A session lasts at most 8 hours (480 minutes)."),
        },
    )
    topic = forms.CharField(
        label=_("What you worked on"),
        max_length=200,
        error_messages={
            "required": _("Say in a few words what you worked on."),
            "max_length": _("Keep the topic under 200 characters."),
        },
    )
    notes = forms.CharField(
        label=_("Notes (only the two of you see them)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
        error_messages={"max_length": _("Keep the notes under 5,000 characters.")},
    )
    skills = forms.TypedMultipleChoiceField(
        label=_("Skills worked on"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose the skills of this mentorship.")},
    )

    def __init__(self, *args: Any, skill_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("held_on", timezone.localdate())

    def clean_held_on(self) -> Any:
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise ValidationError(_("A session is logged once it has taken place."))
        return value

    def clean_topic(self) -> str:
        value = _clean_text(self.cleaned_data["topic"])
        if not value:
            raise ValidationError(_("Say in a few words what you worked on."))
        return value

    def clean_notes(self) -> str:
        return _clean_text(self.cleaned_data.get("notes", ""))


class GoalForm(forms.Form):
    direction = forms.TypedChoiceField(
        label=_("For"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose a direction of this mentorship.")},
    )
    text = forms.CharField(
        label=_("I want to be able to…"),
        max_length=200,
        error_messages={
            "required": _("Write the goal."),
            "max_length": _("Keep a goal under 200 characters."),
        },
    )

    def __init__(self, *args: Any, direction_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = direction_choices  # type: ignore[attr-defined]

    def clean_text(self) -> str:
        value = _clean_text(self.cleaned_data["text"])
        if not value:
            raise ValidationError(_("Write the goal."))
        return value


RATING_CHOICES = [(str(i), str(i)) for i in range(1, 6)]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was it for you? (1 to 5)"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Give a rating from 1 to 5."),
            "invalid_choice": _("Give a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("What you take away"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        error_messages={"max_length": _("Keep this under 2,000 characters.")},
    )
    new_level = forms.TypedChoiceField(
        label=_("Your level now in what you learnt"),
        choices=[("", _("I did not learn in this pair")), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("Choose a level from 1 to 5.")},
    )

    def clean_comment(self) -> str:
        return _clean_text(self.cleaned_data.get("comment", ""))


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does it end?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300}),
        error_messages={
            "required": _("Say in a few words why it ends."),
            "max_length": _("Keep the reason under 300 characters."),
        },
    )

    def clean_reason(self) -> str:
        value = _clean_text(self.cleaned_data["reason"])
        if not value:
            raise ValidationError(_("Say in a few words why it ends."))
        return value


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        error_messages={
            "required": _("Give the round a title."),
            "max_length": _("Keep the title under 120 characters."),
        },
    )
    description = forms.CharField(
        label=_("What it is about"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        error_messages={"max_length": _("Keep this under 2,000 characters.")},
    )
    reciprocity_bonus = forms.DecimalField(
        label=_("Reciprocity bonus (λ)"),
        min_value=0,
        max_value=3,
        decimal_places=1,
        initial=1,
        help_text=_("0: two-way pairs are worth their two halves; 1 (advised): clearly preferred."),
        error_messages={
            "required": _("Enter a number from 0 to 3."),
            "invalid": _("Enter a number from 0 to 3."),
            "min_value": _("Enter a number from 0 to 3."),
            "max_value": _("Enter a number from 0 to 3."),
            "max_decimal_places": _("Use one decimal at most."),
        },
    )
    closes_on = forms.DateField(
        label=_("Programme ends"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-06-30.")},
    )


class PinForm(forms.Form):
    member_a = forms.IntegerField(widget=forms.HiddenInput)
    member_b = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=[*PinKind.choices, ("remove", _("Remove the pin"))],
        error_messages={"invalid_choice": _("Choose whether to pair them or never pair them.")},
    )


class PinByHandleForm(forms.Form):
    first = forms.SlugField(
        label=_("Handle of a volunteer"),
        max_length=40,
        error_messages={
            "required": _("Enter a volunteer's handle."),
            "invalid": _("Enter a handle like marie-dupont."),
        },
    )
    second = forms.SlugField(
        label=_("Handle of another volunteer"),
        max_length=40,
        error_messages={
            "required": _("Enter a volunteer's handle."),
            "invalid": _("Enter a handle like marie-dupont."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Pin"),
        choices=PinKind.choices,
        error_messages={"invalid_choice": _("Choose whether to pair them or never pair them.")},
    )


class MapFilterForm(forms.Form):
    site = forms.CharField(required=False, max_length=80)
    team = forms.CharField(required=False, max_length=80)
