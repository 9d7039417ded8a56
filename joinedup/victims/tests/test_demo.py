"""The demo area has a year of police attendance and victim care, with every figure of both sections to show."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.demo.generator import demo_area_generate
from joinedup.missing.models import MissingEpisode, PoliceAttendance
from joinedup.oversight.figures import BY_KEY, default_filters
from joinedup.victims.models import Investigation, ProsecutionSupport


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_police_attendance_and_victim_care_with_children_supporting_a_prosecution_or_not(demo):
    assert PoliceAttendance.objects.count() > MissingEpisode.objects.count() / 2
    crimes = Investigation.objects.all()
    assert crimes.filter(reported_at__lt=timezone.now() - dt.timedelta(days=270)).exists()
    assert {c.supports_prosecution for c in crimes} >= {ProsecutionSupport.YES, ProsecutionSupport.NO}
    assert crimes.filter(outcome="16").exists()
    assert crimes.filter(outcome="1", evidence_led=True, supports_prosecution=ProsecutionSupport.NO).exists()
    leader = User.objects.get(username="leader")
    for key in (
        "police-attended",
        "police-attended-late",
        "victims-crimes",
        "victims-needs-late",
        "victims-support-accepted",
        "victims-no-recent-contact",
        "victims-evidence-led",
    ):
        assert BY_KEY[key].rows(leader, default_filters()).exists(), key
