"""Models of recognition/: badges and their grants, kudos, skill endorsements, and the
members' and communities' recognition settings (see docs/recognition.md)."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mentoring.models import LEVELS


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


class Tier(models.TextChoices):
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")


class BadgeGroup(models.TextChoices):
    GETTING_STARTED = "getting_started", _("Getting started")
    CONTRIBUTION = "contribution", _("Contribution")
    MENTORING = "mentoring", _("Mentoring")
    COMMUNITY_LIFE = "community_life", _("Community life")
    EXPERTISE = "expertise", _("Expertise")


GROUP_ORDER = [g.value for g in BadgeGroup]


class BadgeIcon(models.TextChoices):
    STAR = "star", _("Star")
    SPEECH = "speech", _("Speech bubble")
    CHECK = "check", _("Check mark")
    HEART = "heart", _("Heart")
    PEOPLE = "people", _("Two people")
    CALENDAR = "calendar", _("Calendar")
    BOOK = "book", _("Book")
    FLAME = "flame", _("Flame")
    LEAF = "leaf", _("Leaf")
    MEDAL = "medal", _("Medal")


colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #1d4ed8."))


class BadgeClass(models.Model):
    """What a badge is and how it is earned. ``rule`` names a registered rule
    (recognition.rules); an empty rule means the badge is awarded by hand only."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_fr = models.TextField(_("description (French)"), max_length=1000)
    description_en = models.TextField(_("description (English)"), max_length=1000)
    criteria_fr = models.TextField(_("criteria (French)"), max_length=2000, blank=True)
    criteria_en = models.TextField(_("criteria (English)"), max_length=2000, blank=True)
    image = models.FileField(
        _("image (PNG or SVG)"),
        upload_to="badges/",
        blank=True,
        help_text=_("Leave empty to draw the badge from its colour and icon."),
    )
    colour = models.CharField(
        _("colour"), max_length=7, default="#1d4ed8", validators=[colour_validator]
    )
    icon = models.CharField(_("icon"), max_length=20, choices=BadgeIcon.choices, default="star")
    tier = models.CharField(_("tier"), max_length=6, choices=Tier.choices, default=Tier.BRONZE)
    group = models.CharField(
        _("group"), max_length=20, choices=BadgeGroup.choices, default=BadgeGroup.CONTRIBUTION
    )
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
        help_text=_("Empty: a badge of the whole platform."),
    )
    rule = models.CharField(_("rule"), max_length=60, blank=True)
    rule_params = models.JSONField(_("rule settings"), default=dict, blank=True)
    skill = models.ForeignKey(
        "mentoring.Skill",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skill"),
        help_text=_("A certification of this skill (aligned with its ESCO/ROME reference)."),
    )
    multiple = models.BooleanField(_("can be earned several times"), default=False)
    titleable = models.BooleanField(_("may be shown as a title"), default=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # The nightly backfill's watermark: the last activity event id it has evaluated this
    # badge up to (None: never, or the badge changed; the next backfill is a full one).
    evaluated_until = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["group", "slug"]
        indexes = [models.Index(fields=["rule"], name="badge_rule_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if _english() else self.name_fr

    @property
    def description(self) -> str:
        return self.description_en if _english() else self.description_fr

    @property
    def criteria(self) -> str:
        text = self.criteria_en if _english() else self.criteria_fr
        return text or self.description


class BadgeGrant(models.Model):
    """One badge earned by one member. A badge earned once has ``target_key = ""``, so the
    unique constraint (badge, member, target_key) makes a second grant impossible; a badge
    earned several times keys each grant by its target (e.g. ``"post:42"``)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge = models.ForeignKey(
        BadgeClass, on_delete=models.CASCADE, related_name="grants", verbose_name=_("badge")
    )
    member = models.ForeignKey(
        "community.Member",
        on_delete=models.CASCADE,
        related_name="badge_grants",
        verbose_name=_("member"),
    )
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community"),
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    target_key = models.CharField(max_length=80, blank=True, default="", editable=False)
    # What the grant is for ("post:42", "mentorship:7"...): the Open Badges evidence.
    subject = models.CharField(_("for"), max_length=80, blank=True, default="", editable=False)
    reason = models.TextField(_("message"), max_length=1000, blank=True)
    manual = models.BooleanField(_("awarded by hand"), default=False, editable=False)
    awarded_by = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awarded by"),
    )
    backfill = models.BooleanField(default=False, editable=False)
    public = models.BooleanField(_("public"), default=True)
    salt = models.CharField(max_length=40, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    # Revoked by its rule (no longer met): the rule may grant it again.
    auto_revoked = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("badge grant")
        verbose_name_plural = _("badge grants")
        constraints = [
            models.UniqueConstraint(
                fields=["badge", "member", "target_key"], name="badge_grant_unique"
            )
        ]
        indexes = [
            models.Index(fields=["member", "-granted_at"], name="grant_member_idx"),
            models.Index(fields=["community", "-granted_at"], name="grant_community_idx"),
            models.Index(
                fields=["badge", "-granted_at"],
                condition=Q(revoked_at__isnull=True),
                name="grant_badge_live_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.badge} → {self.member}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class KudosAbout(models.TextChoices):
    POST = "post", _("a post")
    SESSION = "session", _("a mentoring session")
    RESOURCE = "resource", _("a resource")
    GENERAL = "general", _("in general")


class Kudos(models.Model):
    giver = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("from")
    )
    receiver = models.ForeignKey(
        "community.Member",
        on_delete=models.CASCADE,
        related_name="kudos_received",
        verbose_name=_("to"),
    )
    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("community"),
    )
    about = models.CharField(
        _("about"), max_length=10, choices=KudosAbout.choices, default=KudosAbout.GENERAL
    )
    about_id = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(_("message"), max_length=280)
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        constraints = [
            models.CheckConstraint(condition=~Q(giver=models.F("receiver")), name="kudos_not_self")
        ]
        indexes = [
            models.Index(fields=["receiver", "-created_at"], name="kudos_receiver_idx"),
            models.Index(fields=["giver", "-created_at"], name="kudos_giver_idx"),
            models.Index(fields=["community", "-created_at"], name="kudos_community_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.receiver}"


class Endorsement(models.Model):
    """A mentor (of that mentorship) or an animator validates that a member reached a
    level in a skill: an internal certification."""

    member = models.ForeignKey(
        "community.Member",
        on_delete=models.CASCADE,
        related_name="endorsements",
        verbose_name=_("member"),
    )
    skill = models.ForeignKey(
        "mentoring.Skill", on_delete=models.CASCADE, related_name="+", verbose_name=_("skill")
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=LEVELS, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    endorser = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("endorsed by"),
    )
    community = models.ForeignKey("community.Community", on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(
        "mentoring.Mentorship",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mentorship"),
    )
    evidence = models.TextField(_("evidence"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("endorsed"), default=timezone.now)

    class Meta:
        verbose_name = _("skill endorsement")
        verbose_name_plural = _("skill endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "skill", "endorser"], name="endorsement_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="endorsement_level"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "skill"], name="endorsement_member_idx"),
            models.Index(fields=["community", "-created_at"], name="endorsement_comm_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.skill} {self.level}/5"


class RecognitionPreference(models.Model):
    member = models.OneToOneField(
        "community.Member", on_delete=models.CASCADE, related_name="recognition_preference"
    )
    hide_from_wall = models.BooleanField(_("do not show me on recognition walls"), default=False)

    class Meta:
        verbose_name = _("recognition preference")
        verbose_name_plural = _("recognition preferences")

    def __str__(self) -> str:
        return str(self.member_id)


class CommunityRecognition(models.Model):
    community = models.OneToOneField(
        "community.Community", on_delete=models.CASCADE, related_name="recognition_settings"
    )
    top_contributors = models.BooleanField(_("show the monthly top contributors"), default=False)

    class Meta:
        verbose_name = _("recognition settings")
        verbose_name_plural = _("recognition settings")

    def __str__(self) -> str:
        return str(self.community_id)
