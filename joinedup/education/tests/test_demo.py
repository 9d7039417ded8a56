"""The demo area has children missing education at each stage, part-time timetables, a suspension, an exclusion and
an elective home education notification, with the officer's queue and every figure to show."""

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import User
from joinedup.demo.generator import DEMO_PASSWORD, demo_area_generate
from joinedup.education.models import CmeCheck, EducationRecord, RecordKind
from joinedup.oversight.figures import BY_KEY, default_filters
from joinedup.tasks.models import Task, TaskKind


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_children_missing_education_at_different_stages(demo):
    cases = EducationRecord.objects.filter(kind=RecordKind.MISSING_EDUCATION)
    assert 4 <= cases.count() <= 6
    assert cases.filter(closed_on__isnull=True).count() >= 2 and cases.filter(closed_on__isnull=False).count() >= 2
    assert cases.filter(closed_on__isnull=True, checks__isnull=True).exists()  # a new case, no check yet
    assert CmeCheck.objects.exists()
    open_tasks = Task.objects.filter(kind=TaskKind.MISSING_EDUCATION, completed_at__isnull=True)
    assert open_tasks.count() == cases.filter(closed_on__isnull=True).count()
    assert EducationRecord.objects.filter(kind=RecordKind.PART_TIME).count() == 2
    for kind in (RecordKind.SUSPENSION, RecordKind.EXCLUSION, RecordKind.HOME_EDUCATION):
        assert EducationRecord.objects.filter(kind=kind).count() == 1, kind
    leader = User.objects.get(username="leader")
    for key in ("cme-children-now", "cme-open-long", "cme-notices", "cme-part-time-now"):
        assert BY_KEY[key].rows(leader, default_filters()).exists(), key

    client = Client()
    assert client.post("/sign-in/", {"username": "manager-education", "password": DEMO_PASSWORD}).status_code == 302
    rows = client.get(reverse("education:queue")).context["rows"]
    assert len(rows) == cases.filter(closed_on__isnull=True).count()
