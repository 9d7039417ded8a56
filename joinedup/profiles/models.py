"""The local problem profile: the partnership's picture of exploitation and missing for a period, in two versions.

The restricted version names children and adults of concern (for the MACE); the sanitised one holds counts only,
small numbers suppressed, and is checked to hold no personal data the platform holds before it is published (see
``check.py``). Both are built by the worker and kept, HTML and PDF, in the database like the returns.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup import dates
from joinedup.jobs.models import Job


class ProfileVersion(models.TextChoices):
    RESTRICTED = "restricted", "Restricted (named, for the MACE)"
    SANITISED = "sanitised", "Sanitised (counts only, for local areas and elected members)"


class ProfileStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    BUILDING = "building", "Being built"
    PUBLISHED = "published", "Ready"
    FAILED = "failed", "Not published"


class ProfileFrequency(models.TextChoices):
    QUARTERLY = "quarterly", "Every quarter"
    MONTHLY = "monthly", "Every month"


class ScheduleVersions(models.TextChoices):
    BOTH = "both", "Both versions"
    RESTRICTED = "restricted", "Restricted only"
    SANITISED = "sanitised", "Sanitised only"


class ProfileSchedule(models.Model):
    """A profile made for each period as it ends (``manage.py profiles_due``, run daily from cron), as the
    coordinator who set it up (``owner``), with no analysis of their own until they add one and generate it again."""

    frequency = models.CharField(max_length=10, choices=ProfileFrequency.choices, default=ProfileFrequency.QUARTERLY)
    versions = models.CharField(max_length=10, choices=ScheduleVersions.choices, default=ScheduleVersions.BOTH)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # When it was stopped (it is kept, with the profiles it made); None while it runs.
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()}: {self.get_versions_display().lower()}"

    @property
    def active(self) -> bool:
        """Still making profiles: not stopped."""
        return self.stopped_at is None


class ProblemProfile(models.Model):
    """One version of the local problem profile for one period (Europe/London dates, both included)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.CharField(max_length=10, choices=ProfileVersion.choices)
    analysis = models.TextField(blank=True, help_text="The coordinator's own analysis.")
    status = models.CharField(max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.QUEUED)
    # Why it was not published (the sanitised check's finding, or the error), in words that name no one.
    failure = models.TextField(blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    # The children the restricted version names (hex ids, space-separated): audited at each view and download.
    child_ids = models.TextField(blank=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    job = models.OneToOneField(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="problem_profile")
    schedule = models.ForeignKey(ProfileSchedule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Problem profile {dates.day(self.period_start)} to {dates.day(self.period_end)} ({self.version})"

    @property
    def is_published(self) -> bool:
        return self.status == ProfileStatus.PUBLISHED

    @property
    def file_stem(self) -> str:
        return f"problem-profile-{self.version}-{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"

    def named_child_ids(self) -> list[uuid.UUID]:
        return [uuid.UUID(hex_id) for hex_id in self.child_ids.split()]
