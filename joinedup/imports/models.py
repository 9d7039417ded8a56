import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.jobs.models import Job


class ImportKind(models.TextChoices):
    SSDA903_MISSING = "ssda903_missing", "SSDA903 missing table"
    AGENCY_EXTRACT = "agency_extract", "Agency extract"


class ImportBatch(models.Model):
    """One import of one file (or one extract), with what it did to each row.

    ``rows`` = ``created`` + ``updated`` + ``unchanged`` + ``unhandled`` + ``waiting`` + ``rejected``:
    no row is lost, and importing the same file again counts every row unchanged.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField("SHA-256 of the content", max_length=64)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Events kept, waiting for linkage to join the records they name (see EventRecord.waiting).
    waiting = models.PositiveIntegerField(default=0)
    # Rows of event types this importer does not act on yet, by type: kept, and counted here, not errors.
    unhandled = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def unhandled_count(self) -> int:
        return sum(self.unhandled.values())

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "unhandled": self.unhandled_count,
            "waiting": self.waiting,
            "rejected": self.rejected,
        }


class RejectedRow(models.Model):
    """A row kept aside: which file, which row (the header is row 1), which column and why.

    It is corrected by editing ``raw`` and importing that row alone, which marks it resolved.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rejected_rows")
    file_name = models.CharField(max_length=500)
    row_number = models.PositiveIntegerField()
    column = models.CharField(max_length=100, blank=True)
    reason = models.TextField()
    raw = models.JSONField(default=dict)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by_batch = models.ForeignKey(
        ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="resolved_rows"
    )

    class Meta:
        ordering = ["batch", "file_name", "row_number"]

    def __str__(self) -> str:
        return f"{self.file_name} row {self.row_number}: {self.reason}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class PersonType(models.TextChoices):
    CHILD = "child", "Child"
    ADULT_OF_CONCERN = "adult_of_concern", "Adult of concern"
    PARENT_CARER = "parent_carer", "Parent or carer"
    OTHER = "other", "Other"


class PersonRecord(models.Model):
    """One person record an agency holds, as its extract last said, with what it said before.

    ``data`` is the whole row, unknown columns included; ``history`` lists earlier versions,
    oldest first, each ``{"when": ISO time, "batch": id, "data": {...}}``.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    record_id = models.CharField(max_length=100)
    person_type = models.CharField(max_length=20, choices=PersonType.choices)
    data = models.JSONField(default=dict)
    child = models.ForeignKey(Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="person_records")
    history = models.JSONField(default=list, blank=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["agency", "record_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_id"], name="person_record_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.record_id}"

    @property
    def display_name(self) -> str:
        name = f"{self.data.get('given_name', '')} {self.data.get('family_name', '')}".strip()
        return f"{name} ({self.record_id})" if name else self.record_id


class EventRecord(models.Model):
    """One event an agency's extract holds (a sighting, a stop and search...), kept whole for the
    mapping work, whether or not the importer acted on it; same shape as PersonRecord."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    history = models.JSONField(default=list, blank=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Why the event waits: it names a record the platform cannot yet place with an episode or child
    # (a return interview about an episode known only from another agency's extract). Blank once applied.
    waiting = models.TextField(blank=True)
    waiting_column = models.CharField(max_length=100, blank=True)
    waiting_row = models.PositiveIntegerField(null=True, blank=True)
    waiting_file = models.CharField(max_length=500, blank=True)
    # The place record the row's place_name, place_postcode and place_address resolve to (joinedup.places).
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["agency", "event_id"]
        indexes = [models.Index(fields=["waiting"], name="event_waiting", condition=~models.Q(waiting=""))]
        constraints = [
            models.UniqueConstraint(fields=["agency", "event_id"], name="event_record_unique_in_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.event_id} ({self.event_type})"


class ReturnKind(models.TextChoices):
    SSDA903_MISSING = "ssda903_missing", "SSDA903 missing table"
    ANNEX_A_MISSING = "annex_a_missing", "Ofsted Annex A list 8, missing columns"


class ReturnFile(models.Model):
    """A missing return the worker built for the user who asked for it, kept for ``RETURN_FILE_DAYS`` days.

    The CSV is held in the database, a ``ReturnFileChunk`` per 2,000 children, so a return of any size is
    written and served a chunk at a time, alike on SQLite and PostgreSQL, with nothing on disk to back up or clean
    apart. ``ready_at`` is set when the last chunk is written; until then the file cannot be downloaded.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=ReturnKind.choices)
    # The last day of Annex A's 12 months; none for the SSDA903 table, which holds every episode.
    period_end = models.DateField(null=True, blank=True)
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="return_file")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=200)
    rows = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "kind", "-created_at"], name="return_file_latest"),
            models.Index(fields=["created_at"], name="return_file_created"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None


class ReturnFileChunk(models.Model):
    """One piece of a return file's CSV, in order (the first holds the header), with the children its rows are
    about: downloading the file audits each of them."""

    return_file = models.ForeignKey(ReturnFile, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    text = models.TextField()
    # The children's ids (32 hex digits each), space-separated.
    child_ids = models.TextField(blank=True)

    class Meta:
        ordering = ["return_file", "number"]
        constraints = [
            models.UniqueConstraint(fields=["return_file", "number"], name="return_file_chunk_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.return_file} part {self.number}"
