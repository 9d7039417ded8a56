import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.jobs.models import Job


class DataPack(models.Model):
    """An inspection data pack for one date, built by the worker for the leader or coordinator who asked for it.

    As the returns keep their files (``imports.ReturnFile``), the ZIP is held in the database, so it is backed up
    with everything else and served by nothing but its audited download. ``child_ids`` names every child in the
    Annex A and SSDA903 rows: each is audited as exported at each download. The file is deleted
    ``DATA_PACK_FILE_DAYS`` days after it was asked for; the pack's record (date, counts, job) stays.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    as_at = models.DateField(help_text="The last day of the 12 months, in UK dates.")
    period_start = models.DateField(help_text="The first day of the 12 months.")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="data_pack")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200)
    zip_data = models.BinaryField(null=True, blank=True)
    # The ZIP's size in bytes; 0 until it is built and once it is deleted.
    file_size = models.PositiveIntegerField(default=0)
    # The children's ids (32 hex digits each), space-separated.
    child_ids = models.TextField(blank=True)
    # {"10A": 3, ...}: the children with each CIN factor, as written to cin_factors.csv.
    factor_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="data_pack_requester")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None and self.file_size > 0

    @property
    def status(self) -> str:
        return self.job.get_status_display()
