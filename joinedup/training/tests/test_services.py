"""Who may record training, and that a refused write writes nothing (not even an audit row)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.training import services
from joinedup.training.models import Attendance, Course, CourseVersion, Topic, Trainee, TrainingRequirement

from .factories import CourseFactory, TraineeFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


@pytest.fixture
def people():
    own, other = AgencyFactory.create(code="OWN"), AgencyFactory.create(code="OTH")
    return {
        "coordinator": UserFactory.create(agency=own, roles=[RoleCode.COORDINATOR]),
        "manager": UserFactory.create(agency=own, roles=[RoleCode.MANAGER]),
        "practitioner": UserFactory.create(agency=own, roles=[RoleCode.PRACTITIONER]),
        "leader": UserFactory.create(agency=own, roles=[RoleCode.LEADER]),
        "administrator": UserFactory.create(agency=own, roles=[RoleCode.ADMINISTRATOR]),
        "colleague": UserFactory.create(agency=own, roles=[RoleCode.PRACTITIONER]),
        "other-agency": UserFactory.create(agency=other, roles=[RoleCode.PRACTITIONER]),
    }


def _record(people, who, *, staff=None, trainee=None, course=None):
    return services.attendance_record(
        user=people[who],
        course=course or CourseFactory.create(),
        attended_on=date(2026, 1, 31),
        today=TODAY,
        staff=staff,
        trainee=trainee,
    )


def test_recorded_attendance_expires_the_courses_months_later_and_is_audited(people):
    course = CourseFactory.create(validity_months=1)
    attendance = _record(people, "manager", staff=people["colleague"], course=course)
    assert attendance.expires_on == date(2026, 2, 28)
    assert attendance.recorded_by == people["manager"]
    event = AuditEvent.objects.get(kind=AuditKind.TRAINING_RECORDED)
    assert event.actor == people["manager"] and event.object_id == str(attendance.pk)


def test_the_coordinator_records_any_agencys_staff_and_elected_members(people):
    _record(people, "coordinator", staff=people["other-agency"])
    _record(people, "coordinator", trainee=TraineeFactory.create())
    assert Attendance.objects.count() == 2


@pytest.mark.parametrize(
    ("who", "whose"),
    [
        ("manager", "other-agency"),  # a team manager records only their own agency's staff
        ("practitioner", "colleague"),
        ("leader", "colleague"),
        ("administrator", "colleague"),
    ],
)
def test_a_refused_recording_of_staff_training_writes_nothing(people, who, whose):
    course = CourseFactory.create()
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        _record(people, who, staff=people[whose], course=course)
    assert Attendance.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_only_the_coordinator_records_an_elected_members_training(people):
    trainee = TraineeFactory.create()
    with pytest.raises(PermissionDenied):
        _record(people, "manager", trainee=trainee)
    assert not Attendance.objects.exists()


def test_training_cannot_be_recorded_as_done_in_the_future(people):
    with pytest.raises(ValidationError):
        services.attendance_record(
            user=people["coordinator"],
            course=CourseFactory.create(),
            attended_on=date(2026, 6, 2),
            today=TODAY,
            staff=people["colleague"],
        )
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", ["manager", "practitioner", "leader", "administrator"])
def test_only_the_coordinator_adds_courses_requirements_and_trainees(people, who):
    course = CourseFactory.create()
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.course_create(
            user=people[who], name="Thresholds", topic=Topic.THRESHOLDS_AND_REFERRALS, validity_months=24
        )
    with pytest.raises(PermissionDenied):
        services.training_requirement_add(user=people[who], course=course, audience=RoleCode.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        services.trainee_create(user=people[who], full_name="Cllr A", body="Wealdbridge Borough Council")
    assert Course.objects.count() == 1
    assert not TrainingRequirement.objects.exists() and not Trainee.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_changed_course_keeps_its_history_and_earlier_expiries(people):
    coordinator = people["coordinator"]
    course = services.course_create(
        user=coordinator, name="Appropriate language", topic=Topic.APPROPRIATE_LANGUAGE, validity_months=12
    )
    before = _record(people, "coordinator", staff=people["colleague"], course=course)
    services.course_change(
        user=coordinator,
        course=course,
        name="Appropriate language (2026)",
        topic=Topic.APPROPRIATE_LANGUAGE,
        validity_months=24,
    )
    versions = list(
        CourseVersion.objects.filter(course=course).order_by("number").values_list("name", "validity_months")
    )
    assert versions == [("Appropriate language", 12), ("Appropriate language (2026)", 24)]
    before.refresh_from_db()
    assert before.expires_on == date(2027, 1, 31)
    after = _record(people, "coordinator", staff=people["colleague"], course=Course.objects.get(pk=course.pk))
    assert after.expires_on == date(2028, 1, 31)
    assert AuditEvent.objects.filter(kind=AuditKind.COURSE_CHANGED).count() == 2


def test_elected_members_requirements_name_no_kind_of_agency(people):
    with pytest.raises(ValidationError):
        services.training_requirement_add(
            user=people["coordinator"], course=CourseFactory.create(), audience="elected_member", agency_kind="police"
        )
    assert not TrainingRequirement.objects.exists()
