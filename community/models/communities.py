from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.search import weighted_vector

hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by six hexadecimal digits.")
)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can read")
    MEMBERS = "members", _("Members only: listed, content for members")
    INVITATION = "invitation", _("Invitation: hidden from non-members")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    REQUEST = "request", _("On request: an animator approves")
    INVITE = "invite", _("By invitation only")


class ContentLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class CommunityQuerySet(models.QuerySet["Community"]):
    def listed(self) -> CommunityQuerySet:
        """Communities a non-member may see in lists (not invitation-only)."""
        return self.exclude(visibility=Visibility.INVITATION)


class Community(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chapters",
        verbose_name=_("parent community"),
        help_text=_("A local chapter belongs to a national community."),
    )
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("main language"),
        max_length=2,
        choices=ContentLanguage.choices,
        default=ContentLanguage.FRENCH,
        help_text=_("Used for search (French or English word forms)."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("how to join"), max_length=12, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#1f5f8b", validators=[hex_colour]
    )
    rituals = models.TextField(
        _("rituals (Markdown)"),
        max_length=5000,
        blank=True,
        help_text=_("Shown to newcomers: the community's regular meetings and habits."),
    )
    rituals_html = models.TextField(editable=False, blank=True)
    # The current charter version; 0 means the community has no charter yet.
    charter_version = models.PositiveIntegerField(_("charter version"), default=0, editable=False)
    # Denormalised counter, kept right by the membership services.
    member_count = models.PositiveIntegerField(_("members"), default=0, editable=False)
    # Moderation settings (animators edit them in the admin; see docs/moderation.md).
    auto_hide_flags = models.PositiveSmallIntegerField(
        _("flaggers who hide content at once"),
        default=3,
        help_text=_(
            "Content is hidden until reviewed when this many different members flag it "
            "(0: never hide automatically)."
        ),
    )
    new_member_days = models.PositiveSmallIntegerField(_("days a member counts as new"), default=7)
    new_member_daily_posts = models.PositiveSmallIntegerField(
        _("posts a day for new members"),
        default=10,
        help_text=_("Topics, replies and resources together (0: no limit)."),
    )
    new_member_post_interval = models.PositiveSmallIntegerField(
        _("seconds between two posts of a new member"), default=30
    )
    post_interval_floor = models.PositiveSmallIntegerField(
        _("seconds between two posts of anyone"), default=5
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    search_vector = models.GeneratedField(
        expression=weighted_vector(
            "language", [("name", "A"), ("tagline", "B"), ("description", "C")]
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]
        indexes = [GinIndex(fields=["search_vector"], name="community_search_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="community_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:community-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A community cannot be its own parent.")})
        if self.parent is not None and self.parent.parent_id:
            raise ValidationError({"parent": _("A chapter cannot have chapters of its own.")})
        if self.pk and self.parent_id and Community.objects.filter(parent_id=self.pk).exists():
            raise ValidationError(
                {"parent": _("A community with chapters cannot become a chapter.")}
            )

    @property
    def is_chapter(self) -> bool:
        return self.parent_id is not None


class CharterVersion(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="charters", verbose_name=_("community")
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("charter (Markdown)"))
    text_html = models.TextField(editable=False)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        "community.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["community", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "version"], name="charter_community_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} v{self.version}"


class CharterAcceptance(models.Model):
    member = models.ForeignKey(
        "community.Member", on_delete=models.CASCADE, related_name="charter_acceptances"
    )
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("charter acceptance")
        verbose_name_plural = _("charter acceptances")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community", "version"], name="charter_acceptance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} accepted {self.community} v{self.version}"


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    AMBASSADOR = "ambassador", _("Ambassador")
    ANIMATOR = "animator", _("Animator")
    MANAGER = "manager", _("Manager")


class MembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Request pending")
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")
    BANNED = "banned", _("Banned")
    DECLINED = "declined", _("Request declined")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(status=MembershipStatus.ACTIVE)


class Membership(models.Model):
    member = models.ForeignKey(
        "community.Member",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("member"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("community")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    request_message = models.TextField(_("message with the request"), max_length=1000, blank=True)
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    accepted_charter_version = models.PositiveIntegerField(
        _("charter version accepted"), default=0, editable=False
    )
    # Moderation within this community: silenced members can read but not post.
    silenced_until = models.DateTimeField(_("silenced until"), null=True, blank=True)
    silence_reason = models.TextField(_("reason for the silence"), blank=True)
    ban_reason = models.TextField(_("reason for the ban"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["member", "community"], name="membership_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "status", "role"], name="membership_comm_idx"),
            models.Index(fields=["member", "status"], name="membership_member_idx"),
            models.Index(fields=["community", "joined_at"], name="membership_joined_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.community} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def label(self) -> str:
        """The role when active, else the state (e.g. "Request pending")."""
        return str(self.get_role_display() if self.is_active else self.get_status_display())

    def has_accepted_charter(self, community: Community | None = None) -> bool:
        current = (community or self.community).charter_version
        return self.accepted_charter_version >= current

    def is_silenced(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.silenced_until is not None and self.silenced_until > now
