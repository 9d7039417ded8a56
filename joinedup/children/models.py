import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency, Team


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Other"
    UNKNOWN = "U", "Not known"


class Child(models.Model):
    """The person at the centre of everything: a child known to one or more agencies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=300, blank=True, help_text="Aliases, known-as names; separate with ;")
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    postcode = models.CharField(max_length=10, blank=True)
    la_child_id = models.CharField("local authority child id", max_length=20, blank=True)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_children",
        help_text="The trusted professional who keeps the relationship with the child.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Involvement(models.Model):
    """An agency's work with a child. While it is open, that agency's staff may see the child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="involvements")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "agency"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_involvement_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} with {self.child_id}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class NoteCategory(models.TextChoices):
    CONTACT = "contact", "Contact with the child"
    INFORMATION = "information", "Information received"
    CONCERN = "concern", "Concern"
    DECISION = "decision", "Decision"
    OTHER = "other", "Other"


class ChronologyEntry(models.Model):
    """An item recorded about a child by one agency; it carries its owning agency.

    Other agencies see it only when it, or the whole record, has been shared with them.
    """

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="chronology")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    category = models.CharField(max_length=20, choices=NoteCategory.choices)
    summary = models.TextField()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"{self.get_category_display()} on {self.occurred_at:%Y-%m-%d}"
