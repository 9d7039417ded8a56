"""What a school records about a child's education that safeguarding partners need to see, and the local
authority's enquiries when a child is missing education.

DfE, "Children missing education" (statutory guidance for local authorities, 2024): a school tells the local
authority when it removes a pupil from the admission register on one of the grounds in the regulations, and when
a pupil fails to attend regularly or has been absent without permission for 10 or more consecutive school days.
The local authority's children missing education (CME) officer then makes reasonable enquiries (``CmeCheck``)
until the child is found in education or another outcome is reached (``EducationRecord.outcome``).
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.agencies.models import Agency
from joinedup.children.models import Child


class RecordKind(models.TextChoices):
    MISSING_EDUCATION = "missing_education", "Child missing education"
    PART_TIME = "part_time", "Part-time timetable"
    SUSPENSION = "suspension", "Suspension"
    EXCLUSION = "exclusion", "Permanent exclusion"
    HOME_EDUCATION = "home_education", "Elective home education notification"


class CmeReason(models.TextChoices):
    """Why the school tells the local authority the child is missing education."""

    ABSENT_UNEXPLAINED = "absent_unexplained", "Absent without explanation after the school's checks"
    TEN_DAYS = "ten_days", "Absent without permission for 10 or more consecutive school days"
    OFF_ROLL = "off_roll", "Removed from the admission register (off-roll)"
    MOVED_UNKNOWN = "moved_unknown", "Moved with no known destination"


class CmeOutcome(models.TextChoices):
    """How the local authority's enquiries ended."""

    IN_SCHOOL = "in_school", "Found in school"
    HOME_EDUCATED = "home_educated", "Home educated"
    MOVED_AREA = "moved_area", "Moved out of the area (the new local authority told)"
    MOVED_ABROAD = "moved_abroad", "Moved abroad"
    REFERRED_SOCIAL_CARE = "referred_social_care", "Referred to children's social care"
    REFERRED_POLICE = "referred_police", "Referred to the police"
    OTHER = "other", "Other"


# Outcomes that must say where or to whom: the school the child was found in, the local authority told, the
# country, what else happened.
OUTCOMES_NEEDING_DETAIL = frozenset(
    {CmeOutcome.IN_SCHOOL, CmeOutcome.MOVED_AREA, CmeOutcome.MOVED_ABROAD, CmeOutcome.OTHER}
)


class EducationRecord(models.Model):
    """One thing a school recorded about a child's education, by ``kind``:

    - a child missing education: the notice to the local authority (``starts_on``: the date of the notice; the
      ``reason``; the last known address and any destination), which opens a case on the CME officer's queue until
      an ``outcome`` closes it;
    - a part-time timetable: from ``starts_on`` to its planned end ``ends_on``, ``hours_per_week``;
    - a suspension: ``starts_on`` to ``ends_on``, ``days`` (school days);
    - a permanent exclusion: on ``starts_on``;
    - an elective home education notification: received on ``starts_on``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="education_records")
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    school = models.CharField(max_length=200)
    starts_on = models.DateField("date")
    ends_on = models.DateField("end date", null=True, blank=True)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    days = models.PositiveSmallIntegerField("school days", null=True, blank=True)
    reason = models.CharField(max_length=20, choices=CmeReason.choices, blank=True)
    last_known_address = models.CharField(max_length=300, blank=True)
    last_known_postcode = models.CharField(max_length=10, blank=True)
    destination = models.CharField("known or possible destination", max_length=300, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    # A child missing education's case: closed with an outcome.
    outcome = models.CharField(max_length=24, choices=CmeOutcome.choices, blank=True)
    outcome_detail = models.CharField("where, or who was told", max_length=300, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-recorded_at"]
        indexes = [
            models.Index(fields=["child", "kind"], name="education_child_kind"),
            models.Index(fields=["kind", "closed_on"], name="education_kind_open"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="education_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True, outcome="") | Q(closed_on__isnull=False) & ~Q(outcome=""),
                name="education_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(kind="missing_education") | ~Q(reason=""), name="education_cme_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}"

    @property
    def is_cme(self) -> bool:
        return self.kind == RecordKind.MISSING_EDUCATION

    @property
    def is_open(self) -> bool:
        return self.is_cme and self.closed_on is None

    def days_open(self, today: date) -> int:
        """Days since the notice (to the closing date once closed)."""
        return ((self.closed_on or today) - self.starts_on).days

    def in_force(self, today: date) -> bool:
        """A part-time timetable or suspension running today."""
        return self.starts_on <= today and (self.ends_on is None or self.ends_on >= today)


class CheckKind(models.TextChoices):
    """The reasonable enquiries the local authority makes for a child missing education."""

    FAMILY = "family", "Contacted the family"
    HOME_VISIT = "home_visit", "Home visit"
    SCHOOLS = "schools", "Checked with other schools and the local authority's admissions"
    AGENCIES = "agencies", "Checked with health, the police and children's social care"
    ABROAD = "abroad", "Checked a destination abroad with the Home Office or ports (if it applies)"


class CheckResult(models.TextChoices):
    LOCATED = "located", "Child located"
    INFORMATION = "information", "Information found, child not yet located"
    NO_TRACE = "no_trace", "No trace"
    NOT_APPLICABLE = "not_applicable", "Does not apply"


class CmeCheck(models.Model):
    """One enquiry made for a child missing education, its date and what it found."""

    record = models.ForeignKey(EducationRecord, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(max_length=12, choices=CheckKind.choices)
    checked_on = models.DateField()
    result = models.CharField(max_length=16, choices=CheckResult.choices)
    note = models.TextField(blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["checked_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.checked_on:%Y-%m-%d}"
