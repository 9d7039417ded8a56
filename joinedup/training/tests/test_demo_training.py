"""The demo area's training: courses, requirements, six elected members and a year of attendance with gaps."""

import pytest
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.deadlines import london_date
from joinedup.demo.generator import demo_area_generate
from joinedup.training import selectors
from joinedup.training.models import Attendance, Course, Topic, Trainee, TraineeKind
from joinedup.training.selectors import Status


@pytest.mark.django_db
def test_the_demo_area_has_training_with_people_in_date_expired_and_never_trained():
    demo_area_generate(children=6, extracts=False)
    assert set(Course.objects.values_list("topic", flat=True)) == set(Topic.values)
    assert Trainee.objects.filter(kind=TraineeKind.ELECTED_MEMBER).count() == 6
    leader = User.objects.get(username="leader")
    entries = selectors.coverage_entries(user=leader, today=london_date(timezone.now()))
    assert {e.status for e in entries} == {Status.IN_DATE, Status.EXPIRED, Status.NEVER}
    members = [e for e in entries if e.group.key == "elected"]
    assert {e.person.name for e in members if e.status == Status.IN_DATE}  # some elected members are trained
    assert Attendance.objects.filter(trainee__isnull=False).exists()
    assert Attendance.objects.filter(recorded_by__username="manager-police").exists()
