"""The demo area holds a year of oversight (issue 12): missing episodes in every month of the last twelve, so the
dashboard's months and the goals' trends are full; oversight notes, challenges and their escalations, case audit
rounds and training spread over the year."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.caseaudits.models import AuditRound
from joinedup.demo.generator import DEMO_PASSWORD, demo_area_generate
from joinedup.oversight import figures
from joinedup.oversight.models import Goal
from joinedup.supervision.models import Challenge, OversightNote
from joinedup.training.models import Attendance


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def _days_ago(moment: dt.datetime) -> int:
    return (timezone.now() - moment).days


def test_the_dashboard_months_and_a_goals_trend_have_something_in_every_month_of_the_year(demo, client):
    leader = User.objects.get(username="leader")
    months = figures.month_breakdown(user=leader, filters=figures.default_filters())
    # Every whole month of the year before this one (this one may have just begun).
    assert len(months) >= 12
    assert all(count > 0 for _, count in months[-12:-1]), months
    goal = Goal.objects.get(numerator="interviews-offered-in-time")
    trend = figures.goal_trend(goal, user=leader)
    assert len(trend) == 12
    # Each month before this one had interviews due, so the goal reads as a percentage month by month.
    assert all(reading.denominator for reading in trend[:-1]), [(r.label, r.denominator) for r in trend[:-1]]
    signed_in = client.post("/sign-in/", {"username": leader.username, "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    page = client.get(reverse("oversight:goal", args=[goal.pk]))
    assert page.status_code == 200
    assert trend[0].label.encode() in page.content


def test_oversight_challenges_case_audits_and_training_spread_over_the_year(demo):
    notes = [n.written_at for n in OversightNote.objects.all()]
    assert max(map(_days_ago, notes)) >= 330 and min(map(_days_ago, notes)) <= 30
    raised = [c.raised_at for c in Challenge.objects.all()]
    assert max(map(_days_ago, raised)) >= 300 and min(map(_days_ago, raised)) <= 30
    # Escalated challenges too, early in the year and recently.
    escalated = [c.raised_at for c in Challenge.objects.exclude(stage="practitioner")]
    assert max(map(_days_ago, escalated)) >= 200 and min(map(_days_ago, escalated)) <= 60
    opened = [r.opened_at for r in AuditRound.objects.all()]
    assert max(map(_days_ago, opened)) >= 300 and min(map(_days_ago, opened)) <= 14
    today = timezone.localdate()
    attended = [(today - a.attended_on).days for a in Attendance.objects.all()]
    assert max(a for a in attended if a <= 366) >= 240 and min(attended) <= 60
