"""Contextual safeguarding: work on the places and peer groups where children are exposed to risk, not only on each
child. The coordinator opens work on a place (``places.Place``) or a peer group (children seen together, taken from
a network on the map or chosen), assesses the context, makes a plan with partners who are not child agencies
(licensing, community safety, transport, the business itself), sets actions and reviews the work.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.children.models import Child
from joinedup.places.models import Place


class PeerGroup(models.Model):
    """Children who are seen together. ``network`` is the map's id of the network it was taken from (the node its
    network view starts from, e.g. ``child:<uuid>``), empty when the coordinator chose the children."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    network = models.CharField(max_length=200, blank=True)
    children = models.ManyToManyField(Child, through="PeerGroupMember", related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PeerGroupMember(models.Model):
    """A child's time in a group: added, and removed when they are no longer seen with it (kept, not deleted)."""

    group = models.ForeignKey(PeerGroup, on_delete=models.CASCADE, related_name="memberships")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "child"], condition=Q(removed_at__isnull=True), name="peer_group_member_once"
            )
        ]
        indexes = [models.Index(fields=["child", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.group_id} {self.child_id}"


class PartnerKind(models.TextChoices):
    LICENSING = "licensing", "Licensing"
    COMMUNITY_SAFETY = "community_safety", "Community safety"
    TRANSPORT = "transport", "Transport"
    BUSINESS = "business", "The business itself"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other agency (not a child agency)"


class Partner(models.Model):
    """A partner in a plan who is not a child agency: the council's licensing team, community safety, the transport
    operator, the hotel's manager. One row serves every piece of work they are part of."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PartnerKind.choices)
    contact = models.CharField(max_length=300, blank=True, help_text="A name, a telephone number or an email address.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class WorkStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ContextWork(models.Model):
    """Work on one place or one peer group, opened by the coordinator."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="context_works")
    group = models.ForeignKey(PeerGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="works")
    why = models.TextField(help_text="Why the work is opened: what brought the place or group to attention.")
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=WorkStatus.choices, default=WorkStatus.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closing_reason = models.TextField(blank=True)
    partners = models.ManyToManyField(Partner, blank=True, related_name="works")

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(place__isnull=False) & Q(group__isnull=True))
                | (Q(place__isnull=True) & Q(group__isnull=False)),
                name="context_work_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(closing_reason=""), name="context_work_closed_with_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Work on {self.subject_name}"

    @property
    def subject_name(self) -> str:
        return str(self.place.name) if self.place_id is not None else str(self.group.name)  # type: ignore[union-attr]

    @property
    def is_open(self) -> bool:
        return self.status == WorkStatus.OPEN


class ContextAssessment(models.Model):
    """The assessment of the context, kept in versions: a new assessment is a new row, the latest is current."""

    work = models.ForeignKey(ContextWork, on_delete=models.CASCADE, related_name="assessments")
    version = models.PositiveIntegerField()
    who_is_there = models.TextField()
    when = models.TextField(help_text="The days and times children are there or together.")
    what_makes_it_unsafe = models.TextField()
    what_makes_it_safe = models.TextField()
    assessed_at = models.DateTimeField(default=timezone.now)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["work", "version"], name="context_assessment_version")]

    def __str__(self) -> str:
        return f"Assessment {self.version}"


class ContextAction(models.Model):
    """An action of the plan, owned by a platform user (then a task on their work list) or by a named partner."""

    work = models.ForeignKey(ContextWork, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due = models.DateField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(owner_partner__isnull=True))
                | (Q(owner__isnull=True) & Q(owner_partner__isnull=False)),
                name="context_action_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def owner_label(self) -> str:
        if self.owner_id is not None:
            return str(self.owner.get_full_name() or self.owner.username)  # type: ignore[union-attr]
        return str(self.owner_partner)


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan"
    CHANGE = "change", "Change the plan"
    CLOSE = "close", "Close the work"


class ContextReview(models.Model):
    """A review of the work: what changed, the decision and when the next review is (a task on the work list)."""

    work = models.ForeignKey(ContextWork, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    what_changed = models.TextField()
    decision = models.CharField(max_length=10, choices=ReviewDecision.choices)
    next_review = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="close") | Q(next_review__isnull=False), name="context_review_next_unless_closed"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.reviewed_on}"
