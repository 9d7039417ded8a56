"""Training the partnership asks of its staff and elected members, and who has done it.

A course (e.g. "Child exploitation awareness", valid for 12 months) is needed by
roles (practitioners, team managers, ...; optionally only in one kind of agency) and
by elected members, who have no account: they are trainees, named with the body
they belong to. Attendance records that a member of staff or a trainee did a
course on a day; it expires a whole number of months later (``deadlines.months_after``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.agencies.models import AgencyKind


class Topic(models.TextChoices):
    EXPLOITATION_AWARENESS = "exploitation_awareness", "Exploitation awareness"
    RETURN_INTERVIEWS = "return_interviews", "Return home interviews"
    RISK_MODEL = "risk_model", "The risk model"
    APPROPRIATE_LANGUAGE = "appropriate_language", "Appropriate language"
    THRESHOLDS_AND_REFERRALS = "thresholds_and_referrals", "Thresholds and referral pathways"


ELECTED_MEMBER = "elected_member"


class Audience(models.TextChoices):
    """Who a requirement is for: staff holding a role, or elected members (who have no account)."""

    PRACTITIONER = RoleCode.PRACTITIONER.value, "Practitioners"
    MANAGER = RoleCode.MANAGER.value, "Team managers"
    COORDINATOR = RoleCode.COORDINATOR.value, "Exploitation and missing coordinators"
    LEADER = RoleCode.LEADER.value, "Partnership leaders"
    ADMINISTRATOR = RoleCode.ADMINISTRATOR.value, "Administrators"
    ELECTED_MEMBER = "elected_member", "Elected members"


class Course(models.Model):
    """A course the partnership runs or recognises. Editable; every version is kept (``CourseVersion``)."""

    name = models.CharField(max_length=200, unique=True)
    topic = models.CharField(max_length=32, choices=Topic.choices)
    validity_months = models.PositiveSmallIntegerField(help_text="How many months the training stays in date.")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True, help_text="Withdrawn courses are no longer required or counted.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["topic", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(validity_months__gte=1) & Q(validity_months__lte=120), name="course_validity_1_to_120"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CourseVersion(models.Model):
    """What a course said after each change, who changed it and when: its history."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    topic = models.CharField(max_length=32, choices=Topic.choices)
    validity_months = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True)
    is_active = models.BooleanField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["course", "-number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="course_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} (version {self.number})"


class TrainingRequirement(models.Model):
    """A course an audience needs: every member of staff holding a role (only in one kind of agency, if given),
    or every elected member."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")
    audience = models.CharField(max_length=32, choices=Audience.choices)
    agency_kind = models.CharField(
        max_length=32, choices=AgencyKind.choices, blank=True, help_text="Blank: every kind of agency."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["course", "audience", "agency_kind"]
        constraints = [
            models.UniqueConstraint(fields=["course", "audience", "agency_kind"], name="training_requirement_unique"),
            models.CheckConstraint(
                condition=~Q(audience=ELECTED_MEMBER) | Q(agency_kind=""),
                name="training_requirement_elected_members_have_no_agency_kind",
            ),
        ]

    def __str__(self) -> str:
        where = f" in {AgencyKind(self.agency_kind).label}" if self.agency_kind else ""
        return f"{self.course} for {Audience(self.audience).label.lower()}{where}"


class TraineeKind(models.TextChoices):
    ELECTED_MEMBER = "elected_member", "Elected member"
    OTHER = "other", "Other"


class Trainee(models.Model):
    """Someone trained who has no account: an elected member (e.g. of Wealdbridge Borough Council) or another
    person the partnership trains, such as a taxi licensing officer."""

    full_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=TraineeKind.choices, default=TraineeKind.ELECTED_MEMBER)
    body = models.CharField(max_length=200, help_text='e.g. "Wealdbridge Borough Council, elected member"')
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.body})"


class Attendance(models.Model):
    """A member of staff or a trainee did a course on a day. In date until ``expires_on`` (that day it expires)."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_attended", null=True, blank=True
    )
    trainee = models.ForeignKey(Trainee, on_delete=models.PROTECT, related_name="attended", null=True, blank=True)
    attended_on = models.DateField()
    expires_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-attended_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(trainee__isnull=True))
                | (Q(user__isnull=True) & Q(trainee__isnull=False)),
                name="attendance_by_one_person",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("attended_on")), name="attendance_expires_later"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "course", "expires_on"], name="attendance_user_course"),
            models.Index(fields=["trainee", "course", "expires_on"], name="attendance_trainee_course"),
        ]

    def __str__(self) -> str:
        return f"{self.course} on {self.attended_on}"
