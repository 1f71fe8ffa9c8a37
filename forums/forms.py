"""Forms of forums/: validation and translated messages (the services check again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from community.forms import _clean_text
from community.life_forms import TagsField
from forums.models import Category, FollowLevel, TopicKind
from forums.services.posting import BODY_MAX, TITLE_MAX


class BodyField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault("max_length", BODY_MAX)
        kwargs.setdefault(
            "help_text",
            _("Markdown: **bold**, *italic*, [link](https://…), lists, > quotes, @handle."),
        )
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8}))
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Write your message."),
                "max_length": _("Keep the message under %(limit_value)d characters."),
            },
        )
        super().__init__(strip=False, **kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        text = "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)
        if not text.strip():
            raise ValidationError(_("Write your message."), code="required")
        return text


def _forum_tags() -> TagsField:
    return TagsField(
        label=_("Tags"), help_text=_("Up to 5, separated by commas, e.g. excel, onboarding.")
    )


class ImageField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Image"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PNG, JPEG, GIF or WebP, up to 5 MB."))
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)


class TopicForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it?"),
        choices=TopicKind.choices,
        initial=TopicKind.DISCUSSION,
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("Give your topic a title."),
            "max_length": _("Keep the title under %(limit_value)d characters."),
        },
    )
    body = BodyField()
    tags = _forum_tags()
    image = ImageField()

    def __init__(self, *args: Any, categories: list[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        field.queryset = Category.objects.filter(pk__in=[c.pk for c in categories])  # type: ignore[attr-defined]
        field.choices = [(c.pk, c.name) for c in categories]  # type: ignore[attr-defined]

    def clean_title(self) -> str:
        title = _clean_text(self.cleaned_data["title"])
        if not title:
            raise ValidationError(_("Give your topic a title."), code="required")
        return title

    def clean_tags(self) -> list[str]:
        tags: list[str] = self.cleaned_data["tags"]
        if len(tags) > 5:
            raise ValidationError(_("Use at most 5 tags."), code="too_many")
        return tags


class ReplyForm(forms.Form):
    body = BodyField(label=_("Your reply"))
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    image = ImageField()


class EditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, required=False)
    body = BodyField()
    tags = _forum_tags()
    reason = forms.CharField(label=_("Reason for the edit"), max_length=200, required=False)

    def __init__(self, *args: Any, opening: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not opening:
            del self.fields["title"]
            del self.fields["tags"]
        else:
            self.fields["title"].required = True
            self.fields["title"].error_messages["required"] = _("Give your topic a title.")


class FollowForm(forms.Form):
    level = forms.ChoiceField(choices=FollowLevel.choices)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the discussions"), max_length=200, required=False)
    category = forms.SlugField(label=_("Category"), required=False)
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=100)
    author = forms.SlugField(label=_("Author (handle)"), required=False, max_length=40)
    solved = forms.BooleanField(label=_("Solved questions only"), required=False)
