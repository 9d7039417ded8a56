"""The training pages: recording through the form, and who may."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.training.models import Attendance, Course

from .factories import CourseFactory, TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    own, other = AgencyFactory.create(code="OWN"), AgencyFactory.create(code="OTH")
    return {
        "course": CourseFactory.create(),
        "manager": UserFactory.create(agency=own, roles=[RoleCode.MANAGER]),
        "coordinator": UserFactory.create(agency=own, roles=[RoleCode.COORDINATOR]),
        "practitioner": UserFactory.create(agency=own, roles=[RoleCode.PRACTITIONER]),
        "stranger": UserFactory.create(agency=other, roles=[RoleCode.PRACTITIONER]),
        "member": TraineeFactory.create(full_name="Councillor Jo Bloggs"),
    }


def _post(client, setup, **person):
    done = (timezone.localdate() - timedelta(days=3)).isoformat()
    return client.post(reverse("training:attendance"), {"course": setup["course"].pk, "attended_on": done, **person})


def test_a_team_manager_records_their_own_staffs_training(setup, client, sign_in):
    sign_in(setup["manager"])
    response = _post(client, setup, staff=setup["practitioner"].pk)
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.user == setup["practitioner"] and attendance.recorded_by == setup["manager"]
    assert AuditEvent.objects.filter(kind=AuditKind.TRAINING_RECORDED, actor=setup["manager"]).count() == 1


def test_a_team_manager_cannot_record_another_agencys_staff_or_an_elected_member(setup, client, sign_in):
    sign_in(setup["manager"])
    assert _post(client, setup, staff=setup["stranger"].pk).status_code == 200  # not a choice: the form says so
    assert _post(client, setup, trainee=setup["member"].pk).status_code == 200
    assert not Attendance.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.TRAINING_RECORDED).exists()


def test_the_coordinator_records_an_elected_members_training(setup, client, sign_in):
    sign_in(setup["coordinator"])
    assert _post(client, setup, trainee=setup["member"].pk).status_code == 302
    assert Attendance.objects.get().trainee == setup["member"]


def test_a_practitioner_may_see_the_courses_but_not_record_or_see_coverage(setup, client, sign_in):
    sign_in(setup["practitioner"])
    assert client.get(reverse("training:courses")).status_code == 200
    assert _post(client, setup, staff=setup["practitioner"].pk).status_code == 403
    assert client.get(reverse("training:coverage")).status_code == 403
    assert not Attendance.objects.exists()


def test_the_coordinator_adds_a_course_through_the_page(setup, client, sign_in):
    sign_in(setup["coordinator"])
    response = client.post(
        reverse("training:course-create"),
        {"name": "Thresholds and referral pathways", "topic": "thresholds_and_referrals", "validity_months": "24"},
    )
    course = Course.objects.get(name="Thresholds and referral pathways")
    assert response.status_code == 302 and course.validity_months == 24
    page = client.post(
        reverse("training:course-edit", kwargs={"course_id": course.pk}),
        {"audience": "elected_member", "agency_kind": ""},
    )
    assert page.status_code == 302
    assert course.requirements.get().audience == "elected_member"
