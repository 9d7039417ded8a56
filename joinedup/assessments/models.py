import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child


class IndicatorKind(models.TextChoices):
    VULNERABILITY = "vulnerability", "Vulnerability"
    MODERATE = "moderate", "Moderate indicator"
    SIGNIFICANT = "significant", "Significant indicator"


class Band(models.TextChoices):
    """Bands lowest first; their order matters for overrides and review dates."""

    NONE = "none", "No concerns identified"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Catalogue(models.Model):
    """One version of the partnership's risk model: indicators, band thresholds and review intervals.

    Data, not code: a new model is a new version, and each assessment keeps the version it used.
    ``thresholds`` maps a band to the lowest score in it, e.g. {"none": 0, "low": 6, "medium": 11, "high": 16};
    ``review_days`` maps a band to the days until review, e.g. {"high": 30, ...}.
    """

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=200)
    published_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=False)
    thresholds = models.JSONField()
    review_days = models.JSONField()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_catalogue"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"


class Indicator(models.Model):
    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=IndicatorKind.choices)
    text = models.CharField(max_length=200)
    definition = models.TextField(help_text="What it means, in plain English.")
    weight = models.PositiveIntegerField()
    window_days = models.PositiveIntegerField(help_text="How recent the evidence must be.")

    class Meta:
        ordering = ["kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="indicator_code_unique_in_catalogue"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="indicator_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class RiskAssessment(models.Model):
    """One multi-agency exploitation risk assessment of a child, on one catalogue version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="risk_assessments")
    catalogue = models.ForeignKey(Catalogue, on_delete=models.PROTECT, related_name="assessments")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    indicators = models.ManyToManyField(Indicator, through="AssessmentIndicator", related_name="+")
    childs_views = models.TextField("the child's views, in their own words", blank=True)
    family_views = models.TextField("the family's or carer's views", blank=True)
    day_to_day = models.TextField("the child's day-to-day experiences", blank=True)
    wider_needs = models.TextField("wider needs and experiences outside the home", blank=True)
    score = models.PositiveIntegerField(default=0)
    scored_band = models.CharField(max_length=10, choices=Band.choices, blank=True)
    band = models.CharField(max_length=10, choices=Band.choices, blank=True, help_text="After professional judgement.")
    override_reason = models.TextField(blank=True)
    review_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(band="") | models.Q(band=models.F("scored_band")) | ~models.Q(override_reason=""),
                name="assessment_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Risk assessment of {self.child_id} ({self.get_band_display() or 'in progress'})"


class AssessmentIndicator(models.Model):
    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="selections")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    evidence = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="indicator_once_per_assessment"),
        ]

    def __str__(self) -> str:
        return str(self.indicator)
