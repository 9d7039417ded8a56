import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child, NotInErrorManager


class ConcernCategory(models.TextChoices):
    """Aligned with the children in need census assessment factors."""

    CSE = "11A", "Child sexual exploitation (11A)"
    CCE = "24A", "Child criminal exploitation (24A)"
    MISSING = "10A", "Going missing (10A)"
    TRAFFICKING = "12A", "Trafficking (12A)"
    GANGS = "13A", "Gangs (13A)"


class SourceEvaluation(models.TextChoices):
    """3x5x2 source evaluation (College of Policing APP)."""

    RELIABLE = "1", "1: reliable"
    UNTESTED = "2", "2: untested"
    NOT_RELIABLE = "3", "3: not reliable"


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", "A: known directly to the source"
    KNOWN_INDIRECTLY_CORROBORATED = "B", "B: known indirectly, corroborated"
    KNOWN_INDIRECTLY = "C", "C: known indirectly"
    NOT_KNOWN = "D", "D: not known"
    SUSPECTED_FALSE = "E", "E: suspected to be false"


class HandlingCode(models.TextChoices):
    PERMITTED = "P", "P: lawful sharing permitted"
    CONDITIONS = "C", "C: lawful sharing permitted with conditions"


class AdultOfConcern(models.Model):
    """An adult whom agencies believe may be exploiting, or may exploit, children."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    other_names = models.CharField(max_length=300, blank=True, help_text="Aliases and street names; separate with ;")
    date_of_birth = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "adults of concern"

    def __str__(self) -> str:
        return self.name


class Concern(models.Model):
    """Something seen, said or passed on that suggests a child may be exploited.

    When it is intelligence it carries a 3x5x2 grading. An item with handling
    code C is shown in full only within its conditions (the owning agency and the
    agencies the conditions name); everyone else sees the sanitised wording.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="concerns")
    category = models.CharField(max_length=3, choices=ConcernCategory.choices)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    occurred_at = models.DateTimeField()
    from_community = models.BooleanField(
        default=False, help_text="Passed on by a member of the community or a business."
    )
    what_happened = models.TextField()
    place_name = models.CharField(max_length=200, blank=True)
    place_postcode = models.CharField(max_length=10, blank=True)
    # The place record the name and postcode resolve to (joinedup.places); the text is kept as written.
    place = models.ForeignKey("places.Place", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    adults = models.ManyToManyField(AdultOfConcern, blank=True, related_name="concerns")
    vehicles = models.CharField(max_length=200, blank=True, help_text="Registration marks; separate with ;")
    phones = models.CharField(max_length=200, blank=True)
    online_handles = models.CharField(max_length=200, blank=True)
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices, blank=True)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices, blank=True)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices, blank=True)
    handling_conditions = models.TextField(blank=True)
    condition_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="+",
        help_text="With code C: the agencies the conditions allow to see it in full.",
    )
    sanitised_summary = models.TextField(blank=True, help_text="Wording safe to share more widely.")
    entered_in_error = models.BooleanField(default=False)

    with_entered_in_error: models.Manager["Concern"] = models.Manager()
    objects = NotInErrorManager["Concern"]()

    class Meta:
        ordering = ["-occurred_at"]
        default_manager_name = "objects"
        base_manager_name = "with_entered_in_error"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(source_evaluation="", intelligence_assessment="", handling_code="")
                    | (~Q(source_evaluation="") & ~Q(intelligence_assessment="") & ~Q(handling_code=""))
                ),
                name="concern_grading_all_or_nothing",
            ),
            models.CheckConstraint(
                condition=~Q(handling_code="C") | ~Q(handling_conditions=""),
                name="concern_code_c_has_conditions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} on {self.occurred_at:%Y-%m-%d}"

    @property
    def grading(self) -> str:
        """The grading as written, e.g. ``2 C C``."""
        if not self.handling_code:
            return ""
        return f"{self.source_evaluation} {self.intelligence_assessment} {self.handling_code}"

    @property
    def grading_explained(self) -> str:
        """The grading in words, for those who do not read 3x5x2 codes: ``2 C C`` reads "Source untested;
        known indirectly; may be shared with conditions"."""
        if not self.handling_code:
            return ""
        parts = [
            f"Source {SourceEvaluation(self.source_evaluation).label.split(': ', 1)[1]}"
            if self.source_evaluation
            else "",
            IntelligenceAssessment(self.intelligence_assessment).label.split(": ", 1)[1].capitalize()
            if self.intelligence_assessment
            else "",
            HandlingCode(self.handling_code).label.split(": ", 1)[1].capitalize(),
        ]
        return "; ".join(part for part in parts if part)
