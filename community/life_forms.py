"""Forms of community life: events, resources, surveys, the welcome page."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.forms import TIMEZONES, _clean_text
from community.models import Survey
from community.models.events import EventKind
from community.models.resources import ResourceKind, ResourceVisibility
from community.models.surveys import QuestionKind
from community.uploads import validate_document

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
web_url = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with https://.")
)


def _tags(value: str) -> list[str]:
    return [t.strip() for t in value.replace(";", ",").split(",") if t.strip()]


class TagsField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Tags and skills"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("help_text", _("Separated by commas, e.g. excel, facilitation."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        text = _clean_text(super().clean(value) or "")
        tags = _tags(text)
        if len(tags) > 10:
            raise ValidationError(_("Use at most 10 tags."), code="too_many")
        if any(len(t) > 50 for t in tags):
            raise ValidationError(_("A tag can have at most 50 characters."), code="too_long")
        return tags


class HandlesField(forms.CharField):
    """Members named by their handles (``@claire-martin, tom``), checked against the
    community's active members by the form."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault(
            "help_text", _("Handles of members, separated by commas, e.g. claire-martin.")
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        text = _clean_text(super().clean(value) or "")
        handles = [h.strip().lstrip("@").lower() for h in _tags(text)]
        if len(handles) > 10:
            raise ValidationError(_("Name at most 10 people."), code="too_many")
        return list(dict.fromkeys(h for h in handles if h))


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as typed (datetime-local), read in the zone the form names."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", [DATETIME_INPUT, "%Y-%m-%d %H:%M"])
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Give the date and time."),
                "invalid": _("Enter a date and time, e.g. 2026-03-12 18:30."),
            },
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        for fmt in self.input_formats or ():
            try:
                return datetime.strptime(str(value).strip(), fmt)
            except ValueError:
                continue
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class EventForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        min_length=5,
        max_length=160,
        error_messages={
            "required": _("Give the event a title."),
            "min_length": _("The title needs at least 5 characters."),
            "max_length": _("The title can have at most 160 characters."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=EventKind.choices,
        error_messages={"invalid_choice": _("Choose a kind from the list.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: **bold**, lists, links. What will people learn or do?"),
        error_messages={"max_length": _("Keep the description under 20,000 characters.")},
    )
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(tz, tz.replace("_", " ")) for tz in TIMEZONES],
        error_messages={"invalid_choice": _("Choose a time zone from the list.")},
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("For on-site events: address, building, room."),
    )
    online_url = forms.CharField(
        label=_("Online link"),
        required=False,
        max_length=500,
        validators=[web_url],
        help_text=_("Registered members see it shortly before the start."),
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        required=False,
        min_value=1,
        max_value=100000,
        help_text=_("Leave empty for no limit. When full, members join a waiting list."),
        error_messages={
            "invalid": _("Enter a whole number of seats."),
            "min_value": _("At least one seat."),
        },
    )
    members_only = forms.BooleanField(
        label=_("Only members of the community may register"), required=False, initial=True
    )
    co_organisers = HandlesField(label=_("Co-organisers"))
    speakers = HandlesField(label=_("Speakers"))
    tags = TagsField()
    recurrence = forms.ChoiceField(
        label=_("Repeat"),
        required=False,
        choices=[
            ("", _("Does not repeat")),
            ("weekly", _("Every week")),
            ("fortnightly", _("Every two weeks")),
            ("monthly_weekday", _("Every month, same weekday (e.g. every first Thursday)")),
            ("monthly_day", _("Every month, same date")),
        ],
        error_messages={"invalid_choice": _("Choose a repetition from the list.")},
    )
    occurrences = forms.IntegerField(
        label=_("Number of sessions"),
        required=False,
        min_value=2,
        max_value=24,
        initial=6,
        error_messages={
            "min_value": _("A series has at least 2 sessions."),
            "max_value": _("A series has at most 24 sessions."),
            "invalid": _("Enter a whole number of sessions."),
        },
    )

    def __init__(
        self, *args: Any, community: Any = None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        if editing:
            del self.fields["recurrence"]
            del self.fields["occurrences"]

    def clean_title(self) -> str:
        return _clean_text(self.cleaned_data["title"])

    def _members(self, name: str) -> list[Any]:
        from community.models import Member

        handles = self.cleaned_data.get(name) or []
        if not handles or self.community is None:
            return []
        found = {
            m.handle: m
            for m in Member.objects.filter(
                handle__in=handles,
                memberships__community=self.community,
                memberships__status="active",
            )
        }
        unknown = [h for h in handles if h not in found]
        if unknown:
            raise ValidationError(
                _("Not members of this community: %(handles)s")
                % {"handles": ", ".join(f"@{h}" for h in unknown)},
                code="unknown",
            )
        return [found[h] for h in handles]

    def clean_co_organisers(self) -> list[Any]:
        return self._members("co_organisers")

    def clean_speakers(self) -> list[Any]:
        return self._members("speakers")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone_name = data.get("timezone") or settings.TIME_ZONE
        zone = zoneinfo.ZoneInfo(zone_name)
        for name in ("starts_at", "ends_at"):
            value = data.get(name)
            if isinstance(value, datetime):
                data[name] = value.replace(tzinfo=zone)
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        if (
            not data.get("place")
            and not data.get("online_url")
            and not self.has_error("online_url")
        ):
            self.add_error("place", _("Say where it happens: a place, an online link, or both."))
        return data

    def event_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title",
                "kind",
                "description",
                "starts_at",
                "ends_at",
                "place",
                "online_url",
                "capacity",
                "members_only",
            )
        }


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you sharing?"),
        choices=ResourceKind.choices,
        widget=forms.RadioSelect,
        initial=ResourceKind.LINK,
        error_messages={
            "required": _("Choose what you are sharing."),
            "invalid_choice": _("Choose a kind from the list."),
        },
    )
    title = forms.CharField(
        label=_("Title"),
        min_length=5,
        max_length=160,
        error_messages={
            "required": _("Give it a title."),
            "min_length": _("The title needs at least 5 characters."),
            "max_length": _("The title can have at most 160 characters."),
        },
    )
    summary = forms.CharField(
        label=_("In a few words"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why it is worth a look, who it is for."),
        error_messages={"max_length": _("Keep the summary under 500 characters.")},
    )
    url = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=500,
        validators=[web_url],
        help_text=_("For a link, a video or a podcast."),
    )
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument or an image, up to 15 MB."),
    )
    body = forms.CharField(
        label=_("Article"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("For a written article, in Markdown."),
        error_messages={"max_length": _("Keep the article under 50,000 characters.")},
    )
    tags = TagsField()
    visibility = forms.ChoiceField(
        label=_("Who may see it"),
        choices=ResourceVisibility.choices,
        initial=ResourceVisibility.COMMUNITY,
        error_messages={"invalid_choice": _("Choose from the list.")},
    )

    KINDS_WITH_URL = (ResourceKind.LINK, ResourceKind.VIDEO, ResourceKind.PODCAST)

    def __init__(self, *args: Any, kinds: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kinds:
            field = self.fields["kind"]
            field.choices = [c for c in ResourceKind.choices if c[0] in kinds]  # type: ignore[attr-defined]

    def clean_title(self) -> str:
        return _clean_text(self.cleaned_data["title"])

    def clean_summary(self) -> str:
        return _clean_text(self.cleaned_data.get("summary", ""))

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload:
            validate_document(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if (
            kind == ResourceKind.DOCUMENT
            and not data.get("upload")
            and not self.has_error("upload")
        ):
            self.add_error("upload", _("Choose the file to share."))
        if kind in self.KINDS_WITH_URL and not data.get("url") and not self.has_error("url"):
            self.add_error("url", _("Give the address (https://…)."))
        if kind == ResourceKind.ARTICLE and not data.get("body", "").strip():
            self.add_error("body", _("Write the article."))
        return data


class LibraryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("Search with at most 100 characters.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ResourceKind.choices]
    )
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=100)
    author = forms.SlugField(label=_("Shared by"), required=False, max_length=40)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("recent", _("Most recent")), ("useful", _("Most useful"))],
    )

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {
            "text": _clean_text(self.cleaned_data["q"]),
            "kind": self.cleaned_data["kind"],
            "tag": self.cleaned_data["tag"],
            "author": self.cleaned_data["author"],
            "sort": self.cleaned_data["sort"] or "recent",
        }


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it?"),
        coerce=int,
        choices=[(i, str(i)) for i in range(1, 6)],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("A word for the organisers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep your comment under 2,000 characters.")},
    )

    def clean_comment(self) -> str:
        return _clean_text(self.cleaned_data.get("comment", ""))


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The organisers show it at the start of the event."),
        error_messages={"required": _("Type the code the organisers show.")},
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the participants"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write your message first."),
            "max_length": _("Keep the message under 1,000 characters."),
        },
    )

    def clean_text(self) -> str:
        value = _clean_text(self.cleaned_data["text"])
        if not value:
            raise ValidationError(_("Write your message first."), code="required")
        return value


class RitualsForm(forms.Form):
    rituals = forms.CharField(
        label=_("Our rituals"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Markdown. The regular meetings and habits newcomers should know, "
            "e.g. a monthly workshop, a Friday round of questions."
        ),
        error_messages={"max_length": _("Keep the rituals under 5,000 characters.")},
    )


class SurveyAnswerForm(forms.Form):
    """One field per question (``q<id>``), in the survey's order."""

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in survey.questions.all():
            self.fields[f"q{question.pk}"] = self._field(question)

    @staticmethod
    def _field(question: Any) -> forms.Field:
        required = question.required
        errors = {
            "required": _("Please answer this question."),
            "invalid_choice": _("Choose from the list."),
        }
        if question.kind == QuestionKind.RATING:
            return forms.TypedChoiceField(
                label=question.text,
                coerce=int,
                required=required,
                choices=[(i, str(i)) for i in range(1, 6)],
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                help_text=_("1: not at all satisfied · 5: very satisfied"),
                error_messages=errors,
            )
        if question.kind == QuestionKind.NPS:
            return forms.TypedChoiceField(
                label=question.text,
                coerce=int,
                required=required,
                choices=[(i, str(i)) for i in range(0, 11)],
                widget=forms.RadioSelect(attrs={"class": "scale"}),
                help_text=_("0: not at all likely · 10: extremely likely"),
                error_messages=errors,
            )
        if question.kind == QuestionKind.SINGLE:
            return forms.TypedChoiceField(
                label=question.text,
                coerce=int,
                required=required,
                choices=list(enumerate(question.choices)),
                widget=forms.RadioSelect,
                error_messages=errors,
            )
        if question.kind == QuestionKind.MULTIPLE:
            return forms.TypedMultipleChoiceField(
                label=question.text,
                coerce=int,
                required=required,
                choices=list(enumerate(question.choices)),
                widget=forms.CheckboxSelectMultiple,
                error_messages=errors,
            )
        return forms.CharField(
            label=question.text,
            required=required,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={**errors, "max_length": _("Keep your answer under 4,000 characters.")},
        )

    def answers(self) -> dict[int, Any]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


def month_param(value: str | None) -> tuple[int, int]:
    """ "2026-03" -> (2026, 3); anything else -> this month."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-", 1))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month
