"""Writes about training: each checks the policy, writes and records the audit event in one transaction."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import AgencyKind
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.deadlines import months_after

from .models import (
    ELECTED_MEMBER,
    Attendance,
    Audience,
    Course,
    CourseVersion,
    Trainee,
    TraineeKind,
    TrainingRequirement,
)

MAX_VALIDITY_MONTHS = 120


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _course_checked(*, name: str, validity_months: int) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the course's name."})
    if not 1 <= validity_months <= MAX_VALIDITY_MONTHS:
        raise ValidationError({"validity_months": f"Enter a number of months from 1 to {MAX_VALIDITY_MONTHS}."})
    return name


def _version(course: Course, user: User) -> CourseVersion:
    number = (course.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return CourseVersion.objects.create(
        course=course,
        number=number,
        name=course.name,
        topic=course.topic,
        validity_months=course.validity_months,
        description=course.description,
        is_active=course.is_active,
        changed_by=user,
    )


def course_create(*, user: User, name: str, topic: str, validity_months: int, description: str = "") -> Course:
    """The coordinator adds a course, e.g. "Child exploitation awareness", valid for 12 months."""
    _require(policy.can_manage_training(user))
    name = _course_checked(name=name, validity_months=validity_months)
    if Course.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "There is already a course with this name."})
    with transaction.atomic():
        course = Course.objects.create(
            name=name, topic=topic, validity_months=validity_months, description=description.strip()
        )
        version = _version(course, user)
        audit_record(
            actor=user,
            kind=AuditKind.COURSE_CHANGED,
            object_type="training_course",
            object_id=str(course.pk),
            payload={"version": version.number, "name": name, "validity_months": validity_months},
        )
    return course


def course_change(
    *,
    user: User,
    course: Course,
    name: str,
    topic: str,
    validity_months: int,
    description: str = "",
    is_active: bool = True,
) -> Course:
    """Change a course; the version before stays in its history. Attendance already recorded keeps the expiry
    it was given (a changed validity applies to attendance recorded from now on)."""
    _require(policy.can_manage_training(user))
    name = _course_checked(name=name, validity_months=validity_months)
    if Course.objects.filter(name__iexact=name).exclude(pk=course.pk).exists():
        raise ValidationError({"name": "There is already a course with this name."})
    with transaction.atomic():
        course = Course.objects.select_for_update().get(pk=course.pk)
        before = {"name": course.name, "topic": course.topic, "validity_months": course.validity_months}
        course.name, course.topic, course.validity_months = name, topic, validity_months
        course.description, course.is_active = description.strip(), is_active
        course.save()
        version = _version(course, user)
        audit_record(
            actor=user,
            kind=AuditKind.COURSE_CHANGED,
            object_type="training_course",
            object_id=str(course.pk),
            payload={
                "version": version.number,
                "before": before,
                "after": {"name": name, "topic": topic, "validity_months": validity_months, "is_active": is_active},
            },
        )
    return course


def training_requirement_add(
    *, user: User, course: Course, audience: str, agency_kind: str = ""
) -> TrainingRequirement:
    """Say that an audience needs a course: staff holding a role (only in one kind of agency, if given), or every
    elected member."""
    _require(policy.can_manage_training(user))
    if audience not in Audience.values:
        raise ValidationError({"audience": "Choose who needs the course."})
    if agency_kind and agency_kind not in AgencyKind.values:
        raise ValidationError({"agency_kind": "Choose a kind of agency."})
    if audience == ELECTED_MEMBER and agency_kind:
        raise ValidationError({"agency_kind": "Elected members belong to no agency: leave the kind of agency blank."})
    if TrainingRequirement.objects.filter(course=course, audience=audience, agency_kind=agency_kind).exists():
        raise ValidationError("This requirement is already recorded.")
    with transaction.atomic():
        requirement = TrainingRequirement.objects.create(
            course=course, audience=audience, agency_kind=agency_kind, created_by=user
        )
        audit_record(
            actor=user,
            kind=AuditKind.TRAINING_REQUIREMENT_CHANGED,
            object_type="training_requirement",
            object_id=str(requirement.pk),
            payload={"added": True, "course": course.pk, "audience": audience, "agency_kind": agency_kind},
        )
    return requirement


def training_requirement_remove(*, user: User, requirement: TrainingRequirement) -> None:
    _require(policy.can_manage_training(user))
    with transaction.atomic():
        audit_record(
            actor=user,
            kind=AuditKind.TRAINING_REQUIREMENT_CHANGED,
            object_type="training_requirement",
            object_id=str(requirement.pk),
            payload={
                "added": False,
                "course": requirement.course_id,
                "audience": requirement.audience,
                "agency_kind": requirement.agency_kind,
            },
        )
        requirement.delete()


def trainee_create(*, user: User, full_name: str, body: str, kind: str = TraineeKind.ELECTED_MEMBER) -> Trainee:
    """Record someone the partnership trains who has no account, e.g. a councillor of Wealdbridge Borough Council."""
    _require(policy.can_manage_training(user))
    full_name, body = full_name.strip(), body.strip()
    if not full_name:
        raise ValidationError({"full_name": "Enter the person's full name."})
    if not body:
        raise ValidationError({"body": "Enter the body they belong to, e.g. the council."})
    if kind not in TraineeKind.values:
        raise ValidationError({"kind": "Choose elected member or other."})
    with transaction.atomic():
        trainee = Trainee.objects.create(full_name=full_name, body=body, kind=kind, created_by=user)
        audit_record(
            actor=user,
            kind=AuditKind.TRAINEE_RECORDED,
            object_type="trainee",
            object_id=str(trainee.pk),
            payload={"kind": kind},
        )
    return trainee


def attendance_record(
    *,
    user: User,
    course: Course,
    attended_on: date,
    today: date,
    staff: User | None = None,
    trainee: Trainee | None = None,
) -> Attendance:
    """Record that one member of staff, or one trainee, did a course on a day; it expires the course's validity in
    months later. The coordinator records anyone's; a team manager their own agency's staff."""
    if (staff is None) == (trainee is None):
        raise ValidationError("Choose one person: a member of staff or a trainee.")
    _require(policy.can_record_training_of(user, staff=staff, trainee=trainee is not None))
    if attended_on > today:
        raise ValidationError({"attended_on": "The date the course was done must be today or in the past."})
    if not course.is_active:
        raise ValidationError({"course": "This course has been withdrawn."})
    if staff is not None and not staff.is_active:
        raise ValidationError({"staff": "This account is no longer active."})
    if trainee is not None and not trainee.is_active:
        raise ValidationError({"trainee": "This person is no longer recorded as a trainee."})
    with transaction.atomic():
        attendance = Attendance.objects.create(
            course=course,
            user=staff,
            trainee=trainee,
            attended_on=attended_on,
            expires_on=months_after(attended_on, months=course.validity_months),
            recorded_by=user,
        )
        audit_record(
            actor=user,
            kind=AuditKind.TRAINING_RECORDED,
            object_type="training_attendance",
            object_id=str(attendance.pk),
            payload={
                "course": course.pk,
                "user": staff.pk if staff else None,
                "trainee": trainee.pk if trainee else None,
                "attended_on": attended_on.isoformat(),
            },
        )
    return attendance
