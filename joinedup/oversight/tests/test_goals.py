"""Strategic goals: measured by the dashboard's own figures, month by month, set only by leaders and the coordinator."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.deadlines import LONDON
from joinedup.missing.tests.factories import MissingEpisodeFactory, ReturnInterviewFactory
from joinedup.oversight import figures, services
from joinedup.oversight.models import Goal

pytestmark = pytest.mark.django_db

TODAY = timezone.now().astimezone(LONDON).date()


def _interview(child, *, days_ago: int, offered_after_hours: int | None):
    returned = timezone.now() - dt.timedelta(days=days_ago)
    interview = ReturnInterviewFactory.create(
        episode=MissingEpisodeFactory.create(
            child=child, started_at=returned - dt.timedelta(hours=5), returned_at=returned
        )
    )
    if offered_after_hours is not None:
        interview.offered_at = returned + dt.timedelta(hours=offered_after_hours)
        interview.save()
    return interview


@pytest.fixture
def area():
    agency = AgencyFactory.create(code="CSC")
    child = ChildFactory.create(owning_agency=agency)
    # Due 72 hours after each return: three due within the last 30-odd days, two offered in time.
    _interview(child, days_ago=10, offered_after_hours=5)
    _interview(child, days_ago=12, offered_after_hours=90)
    _interview(child, days_ago=14, offered_after_hours=20)
    leader = UserFactory.create(agency=agency, roles=[RoleCode.LEADER])
    goal = services.goal_create(
        user=leader,
        title="Return interviews offered within 72 hours",
        numerator="interviews-offered-in-time",
        denominator="interviews-due",
        direction="at_least",
        target=Decimal("85"),
        owner_agency=agency,
    )
    return {"agency": agency, "leader": leader, "goal": goal}


def test_a_goal_reads_its_measure_from_the_figures(area):
    period = figures.Filters(start=TODAY - dt.timedelta(days=40), end=TODAY)
    reading = figures.goal_reading(area["goal"], user=area["leader"], filters=period)
    assert (reading.numerator, reading.denominator, reading.value, reading.met) == (2, 3, Decimal("66.7"), False)


def test_a_goal_with_nothing_due_has_no_value_and_is_neither_met_nor_missed(area):
    long_ago = figures.Filters(start=TODAY - dt.timedelta(days=400), end=TODAY - dt.timedelta(days=300))
    reading = figures.goal_reading(area["goal"], user=area["leader"], filters=long_ago)
    assert (reading.value, reading.met) == (None, None)


def test_the_trend_is_month_by_month_and_adds_up_to_the_whole(area):
    trend = figures.goal_trend(area["goal"], user=area["leader"], months=3, today=TODAY)
    assert len(trend) == 3 and trend[-1].end == TODAY and all(r.start.day == 1 for r in trend)
    assert sum(r.denominator or 0 for r in trend) == 3 and sum(r.numerator for r in trend) == 2


def test_only_leaders_and_the_coordinator_set_goals_and_a_refusal_writes_nothing(area):
    manager = UserFactory.create(agency=area["agency"], roles=[RoleCode.MANAGER])
    before = (Goal.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        services.goal_create(
            user=manager,
            title="Anything",
            numerator="missing-episodes",
            denominator="",
            direction="at_most",
            target=Decimal("10"),
            owner_agency=area["agency"],
        )
    assert (Goal.objects.count(), AuditEvent.objects.count()) == before


def test_a_goal_must_be_measured_by_a_figure_the_dashboard_counts(area):
    with pytest.raises(ValidationError) as refused:
        services.goal_create(
            user=area["leader"],
            title="Nonsense",
            numerator="no-such-figure",
            denominator="interviews-due",
            direction="at_least",
            target=Decimal("120"),
            owner_agency=area["agency"],
        )
    assert set(refused.value.message_dict) == {"numerator", "target"}


def test_setting_and_retiring_a_goal_is_audited_and_the_goal_kept(area, sign_in, client):
    sign_in(area["leader"])
    response = client.post(
        reverse("oversight:goal-create"),
        {
            "title": "Police grade within two hours",
            "numerator": "missing-graded-late",
            "denominator": "missing-episodes",
            "direction": "at_most",
            "target": "10",
            "owner_agency": area["agency"].pk,
            "why": "Inspection found delays",
        },
    )
    goal = Goal.objects.get(title="Police grade within two hours")
    assert response.status_code == 302 and response["Location"] == reverse("oversight:goal", args=[goal.pk])
    page = client.get(reverse("oversight:goal", args=[goal.pk]))
    assert page.status_code == 200 and b"<svg" in page.content
    assert client.post(reverse("oversight:goal-retire", args=[goal.pk]), {"reason": ""}).status_code == 200
    goal.refresh_from_db()
    assert goal.retired_at is None
    client.post(reverse("oversight:goal-retire", args=[goal.pk]), {"reason": "Replaced by a county goal"})
    goal.refresh_from_db()
    assert goal.retired_at is not None
    assert goal not in figures.goals_in_force()
    reasons = AuditEvent.objects.filter(kind=AuditKind.ADMIN_CHANGE, object_type="goal", object_id=str(goal.pk))
    assert reasons.count() == 2


def test_the_dashboard_shows_each_goal_beside_the_figures(area, sign_in, client):
    sign_in(area["leader"])
    page = client.get(reverse("oversight:dashboard"))
    assert f'data-goal="{area["goal"].pk}">66.7%'.encode() in page.content
    assert b"Not met" in page.content
