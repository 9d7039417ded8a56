import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.children.models import Child
from joinedup.jobs.models import Job


class RecordType(models.TextChoices):
    """The kinds of record a retention period is set for."""

    CHILD = "child", "A child's record (a child never looked after)"
    LOOKED_AFTER_CHILD = "looked_after_child", "The record of a child who is or was looked after"
    CONCERN = "concern", "A concern or intelligence about exploitation"


class CountedFrom(models.TextChoices):
    DATE_OF_BIRTH = "date_of_birth", "The child's date of birth"
    LAST_ACTIVITY = "last_activity", "The record's last activity"


class RetentionRule(models.Model):
    """How long the partnership keeps one type of record, and why: data, set by the partnership, not code.

    A record is past its retention date ``years`` after the child's date of birth (a looked-after child's record:
    75 years, i.e. until the 75th birthday) or after the record's last activity, as ``counted_from`` says. Being
    past the date puts the record on the coordinator's review list; nothing is deleted by the platform.
    """

    record_type = models.CharField(max_length=30, choices=RecordType.choices, unique=True)
    years = models.PositiveIntegerField()
    counted_from = models.CharField(max_length=20, choices=CountedFrom.choices)
    basis = models.TextField(help_text="Why this period: the law, guidance or partnership decision it follows.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["record_type"]

    def __str__(self) -> str:
        return f"{self.get_record_type_display()}: {self.years} years from {self.get_counted_from_display().lower()}"


class SubjectAccessExport(models.Model):
    """Everything held about one child, built by the worker for the coordinator who asked for it (a subject
    access request), as JSON and PDF, with third parties' details marked for redaction.

    Kept ``EXPORT_DAYS`` days (see services) for its requester to download, then deleted: it is a copy of the
    whole record.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="subject_access_export")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(help_text="The request it answers, e.g. who asked and when.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    items = models.PositiveIntegerField(default=0)
    marked = models.PositiveIntegerField(default=0, help_text="Fields marked for the reviewer to consider redacting.")
    json_text = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Subject access export {self.pk}"

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None

    @property
    def file_stem(self) -> str:
        return f"subject-access-{self.child_id}-{timezone.localtime(self.created_at):%Y%m%d-%H%M}"
