"""The police's first attendance on a missing report: who may record it, what is refused, and the "Police
timeliness" figures (each count equal to its list, only what the viewer may see)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.missing import services
from joinedup.missing.models import PoliceAttendance, RiskGrade
from joinedup.oversight.figures import BY_KEY, count_figures, default_filters

from .factories import MissingEpisodeFactory, RiskGradingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def csc():
    return AgencyFactory.create(code="CSC")


@pytest.fixture
def pol():
    return AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)


@pytest.fixture
def child(csc, pol):
    child = ChildFactory.create(owning_agency=csc)
    Involvement.objects.create(child=child, agency=pol)
    return child


def _another(csc, pol):
    another = ChildFactory.create(owning_agency=csc)
    Involvement.objects.create(child=another, agency=pol)
    return another


def _episode(child, *, hours_ago: float, grade: str | None = None):
    reported = timezone.now() - dt.timedelta(hours=hours_ago)
    episode = MissingEpisodeFactory.create(child=child, started_at=reported, reported_at=reported)
    if grade is not None:
        RiskGradingFactory.create(episode=episode, grade=grade, graded_at=reported)
    return episode


def _attend(episode, officer, *, after_minutes: float):
    return services.police_attendance_record(
        user=officer,
        episode=episode,
        attended_at=episode.reported_at + dt.timedelta(minutes=after_minutes),
        attended_by="PC 1234 Synthofficer",
        place="The placement",
    )


def test_a_police_officer_records_the_first_attendance_with_an_audit_row(pol, child):
    officer = UserFactory.create(agency=pol)
    episode = _episode(child, hours_ago=3)
    attendance = _attend(episode, officer, after_minutes=40)
    assert (attendance.episode, attendance.recorded_by, attendance.attended_by) == (
        episode,
        officer,
        "PC 1234 Synthofficer",
    )
    rows = AuditEvent.objects.filter(kind=AuditKind.POLICE_ATTENDANCE_RECORDED)
    assert [(r.child_id, r.object_id, r.actor_id) for r in rows] == [(child.pk, str(episode.pk), officer.pk)]


def test_an_attendance_before_the_report_is_refused_naming_the_field_and_writes_nothing(pol, child):
    episode = _episode(child, hours_ago=3)
    with pytest.raises(ValidationError) as refused:
        _attend(episode, UserFactory.create(agency=pol), after_minutes=-5)
    assert "attended_at" in refused.value.message_dict
    assert not PoliceAttendance.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.POLICE_ATTENDANCE_RECORDED).exists()


def test_an_attendance_in_the_future_and_a_second_attendance_are_refused(pol, child):
    officer = UserFactory.create(agency=pol)
    episode = _episode(child, hours_ago=1)
    with pytest.raises(ValidationError) as refused:
        _attend(episode, officer, after_minutes=120)
    assert "attended_at" in refused.value.message_dict
    _attend(episode, officer, after_minutes=10)
    with pytest.raises(ValidationError):
        _attend(episode, officer, after_minutes=20)
    assert PoliceAttendance.objects.count() == 1


@pytest.mark.parametrize("who", ["social-worker", "leader"])
def test_only_the_police_and_the_coordinator_record_attendance_and_a_refusal_writes_nothing(who, csc, child):
    roles = [RoleCode.LEADER] if who == "leader" else [RoleCode.PRACTITIONER]
    episode = _episode(child, hours_ago=3)
    with pytest.raises(PermissionDenied):
        _attend(episode, UserFactory.create(agency=csc, roles=roles), after_minutes=10)
    assert not PoliceAttendance.objects.exists()
    coordinator = UserFactory.create(agency=csc, roles=[RoleCode.COORDINATOR])
    assert _attend(episode, coordinator, after_minutes=10).recorded_by == coordinator


def test_police_timeliness_figures_on_a_known_data_set_each_count_equals_its_list(csc, pol, child):
    officer = UserFactory.create(agency=pol)
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    high_on_time = _episode(child, hours_ago=200, grade=RiskGrade.HIGH)
    _attend(high_on_time, officer, after_minutes=30)
    medium_late = _episode(_another(csc, pol), hours_ago=150, grade=RiskGrade.MEDIUM)
    _attend(medium_late, officer, after_minutes=6 * 60)
    high_waiting = _episode(_another(csc, pol), hours_ago=3, grade=RiskGrade.HIGH)
    ungraded_waiting = _episode(_another(csc, pol), hours_ago=5)
    no_apparent_risk = _episode(_another(csc, pol), hours_ago=48, grade=RiskGrade.NO_APPARENT_RISK)
    low_in_time = _episode(_another(csc, pol), hours_ago=2, grade=RiskGrade.LOW)
    expected = {
        "police-attended": {high_on_time.pk, medium_late.pk},
        "police-not-attended": {high_waiting.pk, ungraded_waiting.pk, no_apparent_risk.pk, low_in_time.pk},
        "police-attended-late": {medium_late.pk, high_waiting.pk, ungraded_waiting.pk},
    }
    for key, pks in expected.items():
        rows = BY_KEY[key].rows(leader, default_filters())
        assert rows.count() == len(list(rows)) == len(pks), key
        assert {row.pk for row in rows} == pks, key
    figure = BY_KEY["police-attended"]
    assert figure.summary is not None
    # 30 minutes and 6 hours: the median is 3 h 15 min.
    assert "3 h 15 min (2 attended)" in figure.summary(figure.rows(leader, default_filters()))
    columns = {
        c.heading: c.value(figure.rows(leader, default_filters()).get(pk=medium_late.pk)) for c in figure.columns
    }
    assert columns["Report to first attendance"] == "6 h 00 min"
    assert columns["Local standard"] == "4 h 00 min"


def test_a_team_manager_sees_only_their_agencys_childrens_episodes_in_the_police_figures(csc, pol, child):
    other = ChildFactory.create(owning_agency=AgencyFactory.create(code="EDU"))
    mine, theirs = _episode(child, hours_ago=10), _episode(other, hours_ago=10)
    manager = UserFactory.create(agency=csc, roles=[RoleCode.MANAGER])
    rows = BY_KEY["police-not-attended"].rows(manager, default_filters())
    assert {row.pk for row in rows} == {mine.pk}
    assert theirs.pk not in {row.pk for row in BY_KEY["police-attended-late"].rows(manager, default_filters())}


def test_the_episode_page_shows_and_records_the_attendance(client, sign_in, pol, child):
    officer = UserFactory.create(agency=pol)
    episode = _episode(child, hours_ago=3)
    sign_in(officer)
    page = client.get(reverse("missing:episode", kwargs={"episode_id": episode.pk})).content.decode()
    assert "Police first attended" in page and reverse("missing:attended", kwargs={"episode_id": episode.pk}) in page
    attended_at = timezone.localtime(episode.reported_at + dt.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("missing:attended", kwargs={"episode_id": episode.pk}),
        {"attended_at": attended_at, "attended_by": "PC 99", "place": "Home"},
    )
    assert response.status_code == 302
    page = client.get(reverse("missing:episode", kwargs={"episode_id": episode.pk})).content.decode()
    assert "PC 99 at Home" in page


def test_the_dashboard_counts_the_police_figures_as_their_lists_holding_each_episode_to_its_grade_now(csc, pol, child):
    """Counted as the dashboard counts them (the three in one query), each count equals its list; an episode graded
    again is held to the standard of its latest grade, whichever way the grade moved."""
    officer = UserFactory.create(agency=pol)
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    lowered = _episode(child, hours_ago=10, grade=RiskGrade.HIGH)
    RiskGradingFactory.create(
        episode=lowered, grade=RiskGrade.LOW, graded_at=lowered.reported_at + dt.timedelta(hours=1)
    )
    _attend(lowered, officer, after_minutes=3 * 60)  # late for high (1 hour), in time for low (24 hours)
    raised = _episode(_another(csc, pol), hours_ago=10, grade=RiskGrade.LOW)
    RiskGradingFactory.create(
        episode=raised, grade=RiskGrade.HIGH, graded_at=raised.reported_at + dt.timedelta(hours=1)
    )
    _attend(raised, officer, after_minutes=3 * 60)
    never_graded = _episode(_another(csc, pol), hours_ago=10)  # held at medium (4 hours): not attended, late
    _episode(_another(csc, pol), hours_ago=3)  # not graded, reported 3 hours ago: not late yet
    keys = ["police-attended", "police-not-attended", "police-attended-late"]
    counted = count_figures([BY_KEY[key] for key in keys], user=leader, filters=default_filters())
    listed = {key: {row.pk for row in BY_KEY[key].rows(leader, default_filters())} for key in keys}
    assert (
        counted
        == {key: len(pks) for key, pks in listed.items()}
        == {
            "police-attended": 2,
            "police-not-attended": 2,
            "police-attended-late": 2,
        }
    )
    assert listed["police-attended-late"] == {raised.pk, never_graded.pk}
