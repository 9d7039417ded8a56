"""The child's plan and the closure of an agency's involvement.

A plan (child in need, child protection, a looked-after child's care plan, early help, an exploitation safety plan)
holds the outcomes wanted in the child's words, actions with an owner and a date (each on its owner's work list),
for a safety plan the safety section, and its reviews with the child's views; the next review is on the lead
professional's work list.

A ``Closure`` is how an agency's involvement ends in this app: with a reason and an outcome (stepped down to another
level of need, or ended). The involvement itself is ended by the children app's service.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup import dates
from joinedup.agencies.models import Agency
from joinedup.children.models import Child, Involvement
from joinedup.concerns.models import AdultOfConcern
from joinedup.frontdoor.models import ThresholdLevel
from joinedup.places.models import Place


class PlanKind(models.TextChoices):
    CHILD_IN_NEED = "child_in_need", "Child in need plan"
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    CARE_PLAN = "care_plan", "Looked-after child's care plan"
    EARLY_HELP = "early_help", "Early help plan"
    EXPLOITATION_SAFETY = "exploitation_safety", "Exploitation safety plan"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class Plan(models.Model):
    """One plan for a child, led by one agency and one professional."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=24, choices=PlanKind.choices)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    started_on = models.DateField(
        help_text="For a child protection plan, the day of the initial child protection conference."
    )
    review_every_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Review more often than the usual interval for this kind of plan (optional).",
    )
    next_review_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {dates.day(self.started_on)}"

    @property
    def is_active(self) -> bool:
        return self.status == PlanStatus.ACTIVE

    @property
    def is_safety_plan(self) -> bool:
        return self.kind == PlanKind.EXPLOITATION_SAFETY


class PlanOutcome(models.Model):
    """An outcome the plan works towards, in the child's own words where they gave them."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    wording = models.TextField(help_text="In the child's words where possible.")
    written_by = models.CharField(
        max_length=120, help_text="Who wrote or said it: the child, a parent or carer, a professional."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return self.wording[:60]


class PlanAction(models.Model):
    """An action with an owner and a date: it is on the owner's work list until it is done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "recorded_at"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class SafetySection(models.Model):
    """An exploitation safety plan's safety section: places and people to avoid, safe adults, how to get help."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="safety")
    places = models.ManyToManyField(Place, blank=True, related_name="+")
    places_text = models.TextField("other places to avoid", blank=True)
    adults = models.ManyToManyField(AdultOfConcern, blank=True, related_name="+")
    people_text = models.TextField("other people to avoid", blank=True)
    safe_adults = models.TextField(help_text="The adults the child trusts and can go to, as the child names them.")
    how_to_get_help = models.TextField(help_text="Who to call, what to say, a code word, where to go.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Safety section of {self.plan_id}"


class PlanReview(models.Model):
    """A review of the plan: when it was held, the child's views, what changed, and when the next one is due."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    held_on = models.DateField()
    childs_views = models.TextField("the child's views", help_text="In the child's words where possible.")
    what_changed = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "recorded_at"]

    def __str__(self) -> str:
        return f"Review of {dates.day(self.held_on)}"


class ClosureReason(models.TextChoices):
    OUTCOMES_MET = "outcomes_met", "The plan's outcomes were met"
    NEEDS_MET_ELSEWHERE = "needs_met_elsewhere", "The child's needs are met at a lower level"
    MOVED_AWAY = "moved_away", "The child moved to another area (transferred)"
    TURNED_18 = "turned_18", "The child turned 18 (transition to adult services where needed)"
    CONSENT_WITHDRAWN = "consent_withdrawn", "The family withdrew consent (voluntary help)"
    NO_FURTHER_ACTION = "no_further_action", "No further action after assessment"
    OTHER = "other", "Another reason (say in the note)"


class ClosureOutcome(models.TextChoices):
    STEP_DOWN = "step_down", "Stepped down to another level of need"
    ENDED = "ended", "Ended: no further involvement"


class Closure(models.Model):
    """Why and how an agency's involvement with a child closed."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="closures")
    involvement = models.OneToOneField(Involvement, on_delete=models.PROTECT, related_name="closure")
    reason = models.CharField(max_length=24, choices=ClosureReason.choices)
    outcome = models.CharField(max_length=12, choices=ClosureOutcome.choices)
    step_down_level = models.ForeignKey(
        ThresholdLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    step_down_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    step_down_service = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    closed_on = models.DateField()
    record_closed = models.BooleanField(
        default=False, help_text="Every involvement with the child had closed with this one: the record is read-only."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-closed_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} on {dates.day(self.closed_on)}"
