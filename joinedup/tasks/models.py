"""A task is a piece of work someone must do by a date, whatever part of the platform it comes from.

The app that owns the work (a return interview, a MACE action, a request for information, a plan's action)
opens the task through ``tasks.services.task_open`` in the same transaction as its own write, and closes it
through ``task_close_for`` when the work is done. ``kind`` and ``source_id`` say where the task comes from;
``link`` is the page where the work is done.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup import dates
from joinedup.agencies.models import Agency, Team
from joinedup.children.models import Child


class TaskKind(models.TextChoices):
    RETURN_INTERVIEW = "return_interview", "Return home interview"
    INTERVIEW_ACTION = "interview_action", "Return interview action"
    MACE_ACTION = "mace_action", "MACE action"
    INFORMATION_REQUEST = "information_request", "Request for information"
    PLAN_ACTION = "plan_action", "Action in a child's plan"
    PLAN_REVIEW = "plan_review", "Review of a child's plan"
    STRATEGY_ACTION = "strategy_action", "Strategy discussion action"
    AUDIT_ACTION = "audit_action", "Case audit action"
    CHILD_MESSAGE = "child_message", "Message from a child"
    MISSING_EDUCATION = "missing_education", "Child missing education checks"
    PLACE_ACTION = "place_action", "Action on a place or peer group"
    COMMUNITY_REPORT = "community_report", "Community report to triage"
    OTHER = "other", "Other"


class Task(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=24, choices=TaskKind.choices)
    source_id = models.CharField(max_length=64, help_text="The id of the item the task comes from.")
    title = models.CharField(max_length=300)
    link = models.CharField(max_length=300, help_text="The page where the work is done.")
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    owner_team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
        help_text="The agency whose work it is: the owner's, the team's, or the agency asked.",
    )
    due_at = models.DateTimeField(null=True, blank=True)
    urgent = models.BooleanField(default=False)
    completes_here = models.BooleanField(
        default=False, help_text="Whether 'Mark done' on the work list completes it, or the work is done on its page."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-urgent", "due_at", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="task_one_per_source"),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(owner_team__isnull=False) | Q(agency__isnull=False),
                name="task_has_an_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "completed_at"]),
            models.Index(fields=["owner_team", "completed_at"]),
            models.Index(fields=["agency", "completed_at", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return str(self.owner.get_full_name() or self.owner.username)
        if self.owner_team is not None:
            return str(self.owner_team.name)
        return str(self.agency.name) if self.agency is not None else ""


class TaskChange(models.Model):
    """What happened to a task after it was opened: reassigned, completed, reopened."""

    class What(models.TextChoices):
        OPENED = "opened", "Opened"
        REASSIGNED = "reassigned", "Reassigned"
        COMPLETED = "completed", "Completed"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="changes")
    what = models.CharField(max_length=12, choices=What.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_what_display()} {dates.when(self.at)}"
