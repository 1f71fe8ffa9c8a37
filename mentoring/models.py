"""Models of mentoring/: the skills vocabulary, declarations, matching rounds and
mentorships (see docs/mentoring.md)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

LEVELS = [
    (1, _("1 · Novice")),
    (2, _("2 · Beginner")),
    (3, _("3 · Competent")),
    (4, _("4 · Proficient")),
    (5, _("5 · Expert")),
]
PRIORITIES = [(1, _("Nice to have")), (2, _("Useful")), (3, _("Important to me"))]
level_validators = [MinValueValidator(1), MaxValueValidator(5)]

# Weekly availability: 7 days × 3 moments, one bit each (0 = any time).
DAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
MOMENTS = [_("morning"), _("afternoon"), _("evening")]


def slot_bit(day: int, moment: int) -> int:
    return 1 << (day * len(MOMENTS) + moment)


class Bilingual(models.Model):
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") else self.name_fr


class Domain(Bilingual):
    """A domain of expertise (the first level of the skills tree)."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["position", "slug"]


class SkillQuerySet(models.QuerySet["Skill"]):
    def active(self) -> SkillQuerySet:
        return self.filter(merged_into__isnull=True)


class Skill(Bilingual):
    """A skill of the platform's vocabulary. It *is* a forum tag: `tag` is the taggit Tag of
    the same slug, so "questions tagged excel" and "the skill Excel" are one thing."""

    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="skills", verbose_name=_("domain")
    )
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    tag = models.OneToOneField(
        "taggit.Tag", on_delete=models.PROTECT, related_name="skill", editable=False
    )
    esco_uri = models.URLField(
        _("ESCO URI"),
        blank=True,
        help_text=_("e.g. http://data.europa.eu/esco/skill/…, to align with the EU framework."),
    )
    rome_code = models.CharField(
        _("ROME code"), max_length=20, blank=True, help_text=_("France Travail's ROME 4.0 code.")
    )
    description = models.TextField(_("description"), blank=True, max_length=1000)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("merged into"),
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["slug"]
        indexes = [models.Index(fields=["domain", "slug"], name="skill_domain_idx")]


class DeclarationKind(models.TextChoices):
    TEACH = "teach", _("I can teach")
    LEARN = "learn", _("I want to learn")


class SkillDeclaration(models.Model):
    """A member can teach, or wants to learn, a skill at a level (1 novice … 5 expert)."""

    member = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="skill_declarations"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="declarations")
    kind = models.CharField(_("kind"), max_length=5, choices=DeclarationKind.choices)
    level = models.PositiveSmallIntegerField(
        _("level"), choices=LEVELS, validators=level_validators
    )
    target_level = models.PositiveSmallIntegerField(
        _("target level"), choices=LEVELS, null=True, blank=True, validators=level_validators
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=PRIORITIES, default=2)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("skill declaration")
        verbose_name_plural = _("skill declarations")
        constraints = [
            models.UniqueConstraint(fields=["member", "skill", "kind"], name="declaration_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="decl_level"),
        ]
        indexes = [
            # Matching and the expertise map read declarations by skill.
            models.Index(fields=["skill", "kind", "level"], name="declaration_skill_idx"),
            models.Index(fields=["member", "kind"], name="declaration_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.skill_id}@{self.level}"


class MentoringPreferences(models.Model):
    """How a member wants to be matched (languages come from `Member.languages`)."""

    member = models.OneToOneField(
        "community.Member", on_delete=models.CASCADE, related_name="mentoring_preferences"
    )
    availability = models.BigIntegerField(
        _("availability"), default=0, help_text=_("Weekly slots; none means any time.")
    )
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentorships at once as mentor"), default=1, validators=[MaxValueValidator(5)]
    )
    learner_capacity = models.PositiveSmallIntegerField(
        _("mentorships at once as learner"), default=1, validators=[MaxValueValidator(5)]
    )
    avoid_own_team = models.BooleanField(_("not with my own team"), default=False)

    class Meta:
        verbose_name = _("mentoring preferences")
        verbose_name_plural = _("mentoring preferences")

    def __str__(self) -> str:
        return f"preferences of {self.member_id}"


class MentoringBlock(models.Model):
    """A member never wants to be paired with another (either way)."""

    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "blocked"], name="mentoring_block_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} blocks {self.blocked_id}"


class StrategicSkill(models.Model):
    """A skill an animator wants matched more (weight > 1) or less (< 1) in a community."""

    community = models.ForeignKey(
        "community.Community", on_delete=models.CASCADE, verbose_name=_("community")
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, verbose_name=_("skill"))
    weight = models.DecimalField(
        _("weight"),
        max_digits=3,
        decimal_places=1,
        default=1.5,
        validators=[MinValueValidator(0.1), MaxValueValidator(3)],
        help_text=_("1 is neutral; up to 3 to favour the skill in matching rounds."),
    )

    class Meta:
        verbose_name = _("strategic skill")
        verbose_name_plural = _("strategic skills")
        constraints = [
            models.UniqueConstraint(fields=["community", "skill"], name="strategic_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.skill} ×{self.weight}"


class DomainAmbassador(models.Model):
    """A member named reference for a domain in a community (shown on the expertise map)."""

    community = models.ForeignKey(
        "community.Community", on_delete=models.CASCADE, verbose_name=_("community")
    )
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, verbose_name=_("domain"))
    member = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, verbose_name=_("member")
    )
    since = models.DateField(_("since"), default=timezone.localdate)

    class Meta:
        verbose_name = _("domain ambassador")
        verbose_name_plural = _("domain ambassadors")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "domain", "member"], name="domain_ambassador_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.domain}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Open to volunteers")
    COMPUTING = "computing", _("Computing")
    PREVIEW = "preview", _("Preview")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class MatchingRound(models.Model):
    """A programme: volunteers join, the animator computes, adjusts pins and publishes."""

    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="matching_rounds",
        verbose_name=_("community"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    opens_on = models.DateField(_("volunteers from"), default=timezone.localdate)
    closes_on = models.DateField(_("programme ends"), null=True, blank=True)
    reciprocity_bonus = models.DecimalField(
        _("reciprocity bonus (λ)"),
        max_digits=3,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(3)],
        help_text=_("How much more a two-way pair is worth than two one-way ones."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0, editable=False)
    progress_note = models.CharField(max_length=200, blank=True, editable=False)
    stats = models.JSONField(default=dict, blank=True, editable=False)
    volunteer_count = models.PositiveIntegerField(_("volunteers"), default=0, editable=False)
    created_by = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "status"], name="round_comm_idx")]

    def __str__(self) -> str:
        return self.title


class RoundParticipant(models.Model):
    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="round_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.round_id}"


class PinKind(models.TextChoices):
    FORCE = "force", _("Pair them")
    FORBID = "forbid", _("Never pair them")


class RoundPin(models.Model):
    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="pins")
    member_a = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    member_b = models.ForeignKey(
        "community.Member",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("other member"),
    )
    kind = models.CharField(_("pin"), max_length=6, choices=PinKind.choices)

    class Meta:
        verbose_name = _("pin")
        verbose_name_plural = _("pins")
        constraints = [
            models.UniqueConstraint(fields=["round", "member_a", "member_b"], name="pin_unique"),
            models.CheckConstraint(
                condition=Q(member_a__lt=models.F("member_b")), name="pin_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.member_a_id}–{self.member_b_id}"


class RoundPair(models.Model):
    """A pair in a round's preview (becomes a proposed Mentorship when published)."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="pairs")
    member_a = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    member_b = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    weight = models.PositiveIntegerField(default=0)
    reciprocal = models.BooleanField(default=False)
    forced = models.BooleanField(default=False)
    # [{mentor_id, learner_id, skill_id, mentor_level, learner_level, weight}]
    directions = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member_a", "member_b"], name="round_pair_unique"
            )
        ]
        indexes = [models.Index(fields=["round", "-weight"], name="round_pair_idx")]

    def __str__(self) -> str:
        return f"{self.member_a_id}–{self.member_b_id} ({self.weight})"


class MentorshipStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    REQUESTED = "requested", _("Requested")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED = "ended", _("Ended early")
    DECLINED = "declined", pgettext_lazy("mentorship", "Declined")


OPEN_STATUSES = [MentorshipStatus.PROPOSED, MentorshipStatus.REQUESTED, MentorshipStatus.ACTIVE]


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def involving(self, member_id: int) -> MentorshipQuerySet:
        return self.filter(Q(member_a_id=member_id) | Q(member_b_id=member_id))

    def open(self) -> MentorshipQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Mentorship(models.Model):
    """One relationship between two members (member_a has the smaller id), with one
    direction (one-way) or two (reciprocal), each with its own skill."""

    community = models.ForeignKey(
        "community.Community",
        on_delete=models.CASCADE,
        related_name="mentorships",
        verbose_name=_("community"),
    )
    round = models.ForeignKey(
        MatchingRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentorships",
        verbose_name=_("round"),
    )
    member_a = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="+", verbose_name=_("member")
    )
    member_b = models.ForeignKey(
        "community.Member",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("other member"),
    )
    status = models.CharField(_("status"), max_length=10, choices=MentorshipStatus.choices)
    reciprocal = models.BooleanField(_("two-way"), default=False)
    weight = models.PositiveIntegerField(_("fit"), default=0)
    requested_by = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    accepted_a_at = models.DateTimeField(null=True, blank=True)
    accepted_b_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # Denormalised, kept by the session services: lists and reminders never count.
    session_count = models.PositiveIntegerField(_("sessions"), default=0)
    last_session_on = models.DateField(_("last session"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        constraints = [
            models.CheckConstraint(
                condition=Q(member_a__lt=models.F("member_b")), name="mentorship_order"
            ),
            # Two members have at most one open relationship at a time.
            models.UniqueConstraint(
                fields=["member_a", "member_b"],
                condition=Q(status__in=["proposed", "requested", "active"]),
                name="mentorship_one_open_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["member_a", "status"], name="mentorship_a_idx"),
            models.Index(fields=["member_b", "status"], name="mentorship_b_idx"),
            models.Index(fields=["community", "status"], name="mentorship_comm_idx"),
            models.Index(
                fields=["last_session_on"],
                condition=Q(status="active"),
                name="mentorship_stalled_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_a} ↔ {self.member_b}"

    def other(self, member_id: int) -> int:
        return self.member_b_id if member_id == self.member_a_id else self.member_a_id

    def has_accepted(self, member_id: int) -> bool:
        if member_id == self.member_a_id:
            return self.accepted_a_at is not None
        return self.accepted_b_at is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class MentorshipDirection(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="directions")
    mentor = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    mentor_level = models.PositiveSmallIntegerField(default=0)
    learner_level = models.PositiveSmallIntegerField(default=0)
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)
    weight = models.PositiveIntegerField(default=0)
    # The learner's self-assessed level at the end.
    new_level = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=LEVELS, validators=level_validators
    )

    class Meta:
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "mentor"], name="direction_one_per_mentor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} → {self.learner_id}: {self.skill_id}"


class Goal(models.Model):
    direction = models.ForeignKey(
        MentorshipDirection, on_delete=models.CASCADE, related_name="goals"
    )
    text = models.CharField(_("goal"), max_length=200)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class MentoringSession(models.Model):
    """A meeting of a pair. ``notes`` are private to the pair: never shown to animators,
    never in the admin."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    topic = models.CharField(_("topic"), max_length=200)
    notes = models.TextField(_("notes (only the two of you see them)"), blank=True, max_length=5000)
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))
    logged_by = models.ForeignKey(
        "community.Member", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["mentorship", "-held_on"], name="session_idx")]

    def __str__(self) -> str:
        return f"{self.held_on} ({self.duration_minutes} min)"


class Feedback(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey("community.Member", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("what you take away"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "member"], name="feedback_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5"
