from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

# Spoken languages a member can declare (ISO 639-1), used for mentoring matches too.
SPOKEN_LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("pt", _("Portuguese")),
    ("nl", _("Dutch")),
    ("ar", _("Arabic")),
]

# Initials avatars take one of these backgrounds (CSS classes avatar--c0..c7 in
# components.css), each with white text at 4.5:1 or more.
AVATAR_COLOUR_COUNT = 8


def fold(text: str) -> str:
    """Lower-case, without accents: how names are compared in searches."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """The account: an email address that logs in. Everything else lives on `Member`."""

    email = models.EmailField(_("email address"), unique=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Animators and platform admins: may enter the back office."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=dj_timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email


class Member(models.Model):
    """A person's profile on the platform (one per user)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    handle = models.SlugField(
        _("handle"),
        max_length=40,
        unique=True,
        help_text=_("Used in your profile address and for @mentions."),
    )
    display_name = models.CharField(_("display name"), max_length=80)
    # The name without accents, lower-cased: "Hélène" is found by "helene".
    search_name = models.CharField(max_length=80, editable=False, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("search_name", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    team = models.CharField(_("team"), max_length=80, blank=True)
    site = models.CharField(_("site or location"), max_length=80, blank=True)
    languages = ArrayField(
        models.CharField(max_length=8, choices=SPOKEN_LANGUAGES),
        verbose_name=_("languages I speak"),
        default=list,
        blank=True,
    )
    preferred_language = models.CharField(
        _("language of the interface"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow your browser."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    # Platform-wide suspension (moderation): cannot log in until the date.
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    suspension_reason = models.TextField(_("reason for the suspension"), blank=True)
    # Denormalised: the header shows it on every page without counting.
    unread_notifications = models.PositiveIntegerField(default=0, editable=False)
    # Set when the member deleted their account: the row stays so that what they wrote
    # keeps an (anonymous) author.
    is_anonymized = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(_("created"), default=dj_timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            # Directory search by (the start of) any word of the name.
            GinIndex(fields=["search_vector"], name="member_name_search_idx"),
            models.Index(fields=["team"], name="member_team_idx"),
            models.Index(fields=["site"], name="member_site_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A derived column, kept with the one it derives from (not a side effect).
        self.search_name = fold(self.display_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("community:member-detail", kwargs={"handle": self.handle})

    @property
    def language_names(self) -> list[str]:
        names = dict(SPOKEN_LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages]

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.replace("-", " ").split() if p]
        letters = "".join(p[0] for p in parts[:2]) or "?"
        return letters.upper()

    @property
    def avatar_colour_class(self) -> str:
        digest = hashlib.sha256(self.handle.encode()).digest()
        return f"avatar--c{digest[0] % AVATAR_COLOUR_COUNT}"

    def is_suspended(self, at: datetime | None = None) -> bool:
        now = at or dj_timezone.now()
        return self.suspended_until is not None and self.suspended_until > now
