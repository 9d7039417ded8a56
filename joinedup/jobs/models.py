import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class JobKind(models.TextChoices):
    CHILDREN_EXPORT = "children_export", "Export of the children list"
    MAPPING_REFRESH = "mapping_refresh", "Refresh of the mapping of people, places and things"
    EXTRACT_IMPORT = "extract_import", "Import of an agency extract"
    RETURN_BUILD = "return_build", "Building a missing return"
    SSDA903_IMPORT = "ssda903_import", "Import of an SSDA903 missing table"
    SUBJECT_ACCESS_EXPORT = "subject_access_export", "Subject access export of a child's information"
    DATA_PACK_BUILD = "data_pack_build", "Building an inspection data pack"
    PROBLEM_PROFILE_BUILD = "problem_profile_build", "Building a local problem profile"
    # Issue 14, the networks table follows the period (mapping); its migration is the lead's to make.
    MAPPING_PERIOD_NETWORKS = "mapping_period_networks", "Working out the networks of a period on the mapping"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"


class Job(models.Model):
    """Long-running work done by the background worker, with progress the requester can watch."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=JobKind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    result_text = models.TextField(blank=True)
    # Where the finished work can be seen, e.g. the import batch's page.
    result_url = models.CharField(max_length=300, blank=True)
    # The worker running it, "host:pid", set as the worker starts its task (see signals.py): a worker that
    # starts on that host marks the job failed if that process is gone (services.jobs_orphaned_fail).
    worker = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}
