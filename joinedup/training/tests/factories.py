import datetime as dt

import factory
from factory.django import DjangoModelFactory

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.deadlines import months_after
from joinedup.training.models import Attendance, Course, Topic, Trainee, TraineeKind, TrainingRequirement


class CourseFactory(DjangoModelFactory[Course]):
    class Meta:
        model = Course

    name = factory.Sequence(lambda n: f"Child exploitation awareness, level {n}")
    topic = Topic.EXPLOITATION_AWARENESS
    validity_months = 12


class RequirementFactory(DjangoModelFactory[TrainingRequirement]):
    class Meta:
        model = TrainingRequirement

    course = factory.SubFactory(CourseFactory)
    audience = RoleCode.PRACTITIONER.value
    agency_kind = ""
    created_by = factory.SubFactory(UserFactory, roles=[RoleCode.COORDINATOR])


class TraineeFactory(DjangoModelFactory[Trainee]):
    class Meta:
        model = Trainee

    full_name = factory.Sequence(lambda n: f"Councillor Test {n}")
    kind = TraineeKind.ELECTED_MEMBER
    body = "Wealdbridge Borough Council, elected member"
    created_by = factory.SubFactory(UserFactory, roles=[RoleCode.COORDINATOR])


class AttendanceFactory(DjangoModelFactory[Attendance]):
    """Pass user= or trainee= (exactly one)."""

    class Meta:
        model = Attendance

    course = factory.SubFactory(CourseFactory)
    attended_on = dt.date(2026, 1, 15)
    expires_on = factory.LazyAttribute(lambda a: months_after(a.attended_on, months=a.course.validity_months))
    recorded_by = factory.SubFactory(UserFactory, roles=[RoleCode.COORDINATOR])
