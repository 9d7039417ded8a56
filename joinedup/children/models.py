import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency, Team

from .identifiers import validate_nhs_number, validate_upn


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Other"
    UNKNOWN = "U", "Not known"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day known"
    MONTH = "month", "Month and year known"
    YEAR = "year", "Year known"


class Child(models.Model):
    """The person at the centre of everything: a child known to one or more agencies."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=300, blank=True, help_text="Aliases, known-as names; separate with ;")
    date_of_birth = models.DateField(
        null=True, blank=True, help_text="With a partial date, the first day of the month or year known."
    )
    date_of_birth_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=100, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[validate_nhs_number])
    upn = models.CharField("unique pupil number", max_length=13, blank=True, validators=[validate_upn])
    police_ids = models.CharField(
        "police identifiers", max_length=200, blank=True, help_text="PNC and local police ids; separate with ;"
    )
    looked_after = models.BooleanField("looked after", default=False)
    placement = models.CharField(
        max_length=300, blank=True, help_text="Where a looked-after child lives, and the carer's agency."
    )
    placement_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The carer's agency, which keeps the Philomena profile up to date.",
    )
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

    @property
    def date_of_birth_shown(self) -> str:
        if self.date_of_birth is None:
            return "Not known"
        formats = {DatePrecision.DAY: "%-d %B %Y", DatePrecision.MONTH: "%B %Y", DatePrecision.YEAR: "%Y"}
        return self.date_of_birth.strftime(formats[DatePrecision(self.date_of_birth_precision)])


class Address(models.Model):
    """Where a child has lived, newest first; the one with no end date is current."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=10, blank=True)
    lived_from = models.DateField(null=True, blank=True)
    lived_to = models.DateField(null=True, blank=True)
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-lived_from"]
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        return self.address


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
