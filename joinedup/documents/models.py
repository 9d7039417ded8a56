import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child, NotInErrorManager
from joinedup.concerns.models import HandlingCode


class ItemType(models.TextChoices):
    """The kinds of item of a child's record a document may be attached to."""

    CHRONOLOGY_ENTRY = "chronology_entry", "Chronology entry"
    CONCERN = "concern", "Concern"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    PHILOMENA_PROFILE = "philomena_profile", "Philomena profile"
    CONTACT_ATTEMPT = "contact_attempt", "Contact attempt"
    RISK_ASSESSMENT = "risk_assessment", "Risk assessment"


class DocumentKind(models.TextChoices):
    REFERRAL_LETTER = "referral_letter", "Referral letter"
    REPORT = "report", "Report"
    PHOTO = "photo", "Photo"
    OTHER = "other", "Other"


class Document(models.Model):
    """A file attached to a child's record, or to one item of it, by one agency.

    The file itself lives in the documents storage (settings.DOCUMENTS_ROOT),
    outside the web root, under a random ``storage_name``; the name it was
    uploaded with is kept for display only. Like a chronology entry, it is shown
    to the agency that owns it, to cross-agency roles and to agencies the whole
    record is shared with (joinedup.documents.permissions). One marked entered in
    error leaves every page, as other items do, and is kept.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="documents")
    item_type = models.CharField(max_length=20, choices=ItemType.choices, blank=True)
    item_id = models.CharField(max_length=64, blank=True)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    content_type = models.CharField(max_length=100, help_text="Detected from the file's content, not its name.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices, blank=True)
    storage_name = models.CharField(max_length=100, unique=True, editable=False)
    original_name = models.CharField(max_length=255, blank=True)
    entered_in_error = models.BooleanField(default=False)

    with_entered_in_error: models.Manager["Document"] = models.Manager()
    objects = NotInErrorManager["Document"]()

    class Meta:
        ordering = ["-uploaded_at"]
        default_manager_name = "objects"
        base_manager_name = "with_entered_in_error"
        indexes = [models.Index(fields=["child", "-uploaded_at"], name="document_child_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item_type="", item_id="") | (~models.Q(item_type="") & ~models.Q(item_id="")),
                name="document_item_type_and_id_together",
            ),
        ]

    def __str__(self) -> str:
        return self.title
