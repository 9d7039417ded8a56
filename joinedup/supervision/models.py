"""Management oversight notes and challenges between agencies: each belongs to a child and its owning agency."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child


class OversightNote(models.Model):
    """A team manager's oversight of their agency's work with a child: what was reviewed, what was decided, and
    when the next oversight is due (28 days on unless the manager sets an earlier date)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="oversight_notes")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    reviewed = models.TextField("what was reviewed")
    decided = models.TextField("what was decided")
    next_due = models.DateField("next oversight due")

    class Meta:
        ordering = ["-written_at", "-pk"]
        indexes = [models.Index(fields=["child", "agency", "-written_at"], name="oversight_child_agency_time")]

    def __str__(self) -> str:
        return f"Management oversight by {self.agency.code} on {self.written_at:%Y-%m-%d}"


class ChallengeAbout(models.TextChoices):
    DECISION = "decision", "A decision"
    DELAY = "delay", "A delay"


class ChallengeStage(models.TextChoices):
    """The stages of escalation, in order: practitioner to practitioner, manager to manager, senior managers."""

    PRACTITIONER = "practitioner", "Practitioners"
    MANAGER = "manager", "Team managers"
    SENIOR = "senior", "Senior managers"


STAGE_ORDER = [ChallengeStage.PRACTITIONER, ChallengeStage.MANAGER, ChallengeStage.SENIOR]


class Challenge(models.Model):
    """One agency's challenge to another about a decision or a delay in the work with a child.

    It starts at the practitioner stage; the raising agency escalates it (to team managers, then senior managers)
    when the answer does not resolve it, and records the resolution. ``stage`` and ``response_due`` are those of
    the current step; each step keeps its own times (``ChallengeStep``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="challenges")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raising_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    about = models.CharField(max_length=10, choices=ChallengeAbout.choices)
    what = models.TextField("what is challenged and why")
    stage = models.CharField(max_length=12, choices=ChallengeStage.choices, default=ChallengeStage.PRACTITIONER)
    raised_at = models.DateTimeField(default=timezone.now)
    response_due = models.DateField()
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["child", "-raised_at"], name="challenge_child_time")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(raising_agency=models.F("to_agency")), name="challenge_to_another_agency"
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True) | ~models.Q(outcome=""), name="challenge_resolved_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"Challenge by {self.raising_agency.code} to {self.to_agency.code} ({self.get_stage_display()})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ChallengeStep(models.Model):
    """One stage of a challenge: who asked (raised or escalated it) and when, when the answer is due, and the
    answer, who gave it and when."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="steps")
    stage = models.CharField(max_length=12, choices=ChallengeStage.choices)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    why = models.TextField(blank=True, help_text="Why it was escalated (empty for the first step).")
    response_due = models.DateField()
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "stage"], name="challenge_step_once_a_stage"),
            models.CheckConstraint(
                condition=models.Q(responded_at__isnull=True) | ~models.Q(response=""), name="challenge_step_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} stage of {self.challenge_id}"
