"""The demo area has a year of management oversight and challenges at each stage."""

import datetime as dt

import pytest
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.demo.generator import demo_area_generate
from joinedup.oversight.figures import BY_KEY, default_filters
from joinedup.supervision.models import Challenge, ChallengeStage, OversightNote


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_a_year_of_oversight_and_challenges_at_every_stage(demo):
    notes = OversightNote.objects.all()
    oldest = notes.order_by("written_at").first()
    assert oldest is not None and oldest.written_at < timezone.now() - dt.timedelta(days=330)
    assert {n.agency.code for n in notes.select_related("agency")} == {"CSC", "POL"}
    challenges = Challenge.objects.all()
    assert {c.stage for c in challenges} == set(ChallengeStage.values)
    assert challenges.filter(resolved_at__isnull=False).exists()
    assert challenges.filter(resolved_at__isnull=True).exists()
    leader = User.objects.get(username="leader")
    for key in ("cases-no-oversight-28-days", "challenges-open", "challenges-senior", "challenges-overdue"):
        assert BY_KEY[key].rows(leader, default_filters()).exists(), key
