"""The oversight figures on a small known area: each count, its list equal to it, and only what the viewer may see."""

import csv
import datetime as dt
import io
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory, TeamFactory
from joinedup.assessments.models import Band, Catalogue, RiskAssessment
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.contacts.tests.factories import ContactAttemptFactory
from joinedup.deadlines import LONDON
from joinedup.mace.tests.factories import ActionFactory, AgendaItemFactory
from joinedup.missing.models import InterviewResponse, RiskGrade
from joinedup.missing.tests.factories import MissingEpisodeFactory, ReturnInterviewFactory, RiskGradingFactory
from joinedup.oversight import figures

pytestmark = pytest.mark.django_db

NOW = timezone.now()
START = (NOW - dt.timedelta(days=120)).astimezone(LONDON).date()
END = NOW.astimezone(LONDON).date()


def _days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def _interview(child, *, started_days_ago, offered_after_hours=None, response=InterviewResponse.NOT_OFFERED, **extra):
    started = _days_ago(started_days_ago)
    interview = ReturnInterviewFactory.create(
        episode=MissingEpisodeFactory.create(
            child=child, started_at=started, returned_at=started + dt.timedelta(hours=10)
        ),
        response=response,
        **extra,
    )
    if offered_after_hours is not None:
        interview.offered_at = started + dt.timedelta(hours=10 + offered_after_hours)
        interview.save()
    return interview


def _assessment(child, band, *, review_in_days):
    return RiskAssessment.objects.create(
        child=child,
        catalogue=Catalogue.objects.get(is_current=True),
        owning_agency=child.owning_agency,
        assessor=child.created_by,
        completed_at=_days_ago(5),
        band=band,
        scored_band=band,
        review_due=END + dt.timedelta(days=review_in_days),
    )


@pytest.fixture
def area():
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    social_care = AgencyFactory.create(code="CSC")
    education = AgencyFactory.create(code="EDU", kind=AgencyKind.EDUCATION)
    team = TeamFactory.create(agency=social_care, name="Exploitation team")
    officer = UserFactory.create(agency=police)
    amara = ChildFactory.create(given_name="Amara", family_name="Okoye", owning_agency=social_care)
    Involvement.objects.filter(child=amara).update(team=team)
    ben = ChildFactory.create(given_name="Ben", family_name="Hart", owning_agency=social_care)
    cara = ChildFactory.create(given_name="Cara", family_name="Lund", owning_agency=education)
    # Amara: missing three times in the period, the first graded high by the police, offered in time, accepted
    # and completed; the second offered late; the third not offered and past its deadline.
    first = _interview(
        amara,
        started_days_ago=60,
        offered_after_hours=20,
        response=InterviewResponse.ACCEPTED,
        completed_at=_days_ago(57),
    )
    RiskGradingFactory.create(
        episode=first.episode,
        grade=RiskGrade.HIGH,
        graded_by=officer,
        graded_at=first.episode.reported_at + dt.timedelta(minutes=40),
    )
    _interview(amara, started_days_ago=30, offered_after_hours=100, response=InterviewResponse.OFFERED)
    _interview(amara, started_days_ago=10)
    # Ben: once, graded medium by whoever reported it (not the police), declined.
    declined = _interview(
        ben,
        started_days_ago=20,
        offered_after_hours=5,
        response=InterviewResponse.DECLINED,
        declined_reason="Did not want to talk to another professional",
    )
    RiskGradingFactory.create(episode=declined.episode, grade=RiskGrade.MEDIUM)
    # Cara (education only): once in the period and once long before it.
    _interview(cara, started_days_ago=15, offered_after_hours=30, response=InterviewResponse.ACCEPTED)
    MissingEpisodeFactory.create(child=cara, started_at=_days_ago(400), returned_at=_days_ago(399))
    _assessment(amara, Band.HIGH, review_in_days=-3)
    _assessment(ben, Band.MEDIUM, review_in_days=30)
    _assessment(cara, Band.HIGH, review_in_days=10)
    cara.key_worker = UserFactory.create(agency=education)
    cara.save()
    ContactAttemptFactory.create(child=cara, agency=education, attempted_at=_days_ago(2))
    item = AgendaItemFactory.create(child=amara, place_name="", place_postcode="")
    ActionFactory.create(meeting=item.meeting, agenda_item=item, due_on=END - dt.timedelta(days=2))
    ActionFactory.create(meeting=item.meeting, agenda_item=item, due_on=END + dt.timedelta(days=2))
    return {
        "amara": amara,
        "ben": ben,
        "cara": cara,
        "social_care": social_care,
        "education": education,
        "team": team,
        "leader": UserFactory.create(agency=social_care, roles=[RoleCode.LEADER]),
        "manager": UserFactory.create(agency=social_care, roles=[RoleCode.MANAGER]),
        "practitioner": UserFactory.create(agency=social_care),
    }


def _counts(user, **filters):
    chosen = figures.Filters(start=START, end=END, **filters)
    return {
        item.figure.key: item.count for _, items in figures.figure_counts(user=user, filters=chosen) for item in items
    }


def test_each_figure_counts_the_known_area_for_the_whole_partnership(area):
    counts = _counts(area["leader"])
    assert counts["missing-episodes"] == 5
    assert counts["missing-graded-high"] == 1
    assert counts["missing-graded-medium"] == 0  # graded by the reporter, not yet by the police
    assert counts["missing-not-graded"] == 4
    assert counts["missing-three-or-more"] == 1
    assert counts["missing-graded-late"] == 4  # the high grade came within the hour; four never graded
    assert counts["interviews-due"] == 5
    assert counts["interviews-offered"] == 4
    assert counts["interviews-offered-in-time"] == 3
    assert counts["interviews-late"] == 2
    assert counts["interviews-accepted"] == 2
    assert counts["interviews-declined"] == 1
    assert counts["interviews-completed"] == 1
    assert counts["assessed-high"] == 2
    assert counts["assessed-medium"] == 1
    assert counts["assessment-reviews-overdue"] == 1
    assert counts["high-risk-no-key-worker"] == 1
    assert counts["high-risk-no-recent-contact"] == 1
    assert counts["mace-actions-overdue"] == 1


def test_every_figures_list_holds_exactly_the_records_it_counts(area):
    chosen = figures.Filters(start=START, end=END)
    counted = _counts(area["leader"])  # as the dashboard counts them: figures on one base in one query
    for figure in figures.FIGURES:
        rows = list(figures.rows_for(user=area["leader"], figure=figure, filters=chosen))
        assert len(rows) == counted[figure.key], figure.key
        assert len({row.pk for row in rows}) == len(rows), figure.key


def test_a_police_grade_given_late_is_counted_with_its_time_from_the_report(area):
    from joinedup.missing.models import MissingEpisode

    episode = MissingEpisode.objects.get(child=area["ben"])
    RiskGradingFactory.create(
        episode=episode,
        grade=RiskGrade.LOW,
        graded_by=UserFactory.create(agency=AgencyFactory.create(code="POL")),
        graded_at=episode.reported_at + dt.timedelta(hours=3, minutes=5),
    )
    chosen = figures.Filters(start=START, end=END)
    figure = figures.BY_KEY["missing-graded-late"]
    late = list(figures.rows_for(user=area["leader"], figure=figure, filters=chosen))
    assert sorted(e.child.given_name for e in late) == ["Amara", "Amara", "Ben", "Cara"]
    shown = {
        e.child.given_name: dict(
            zip([c.heading for c in figure.columns], [c.value(e) for c in figure.columns], strict=True)
        )
        for e in late
    }
    assert shown["Ben"]["Report to police grade"] == "3 h 05 min"
    assert shown["Cara"]["Report to police grade"] == "Not graded by the police"


def test_the_late_interviews_are_the_ones_not_offered_within_72_hours(area):
    chosen = figures.Filters(start=START, end=END)
    late = figures.rows_for(user=area["leader"], figure=figures.BY_KEY["interviews-late"], filters=chosen)
    assert {(i.episode.child.given_name, i.offered_at is None) for i in late} == {("Amara", False), ("Amara", True)}


def test_an_agency_and_team_narrow_the_figures_to_the_children_they_work_with(area):
    assert _counts(area["leader"], agency=area["education"])["missing-episodes"] == 1
    assert _counts(area["leader"], agency=area["social_care"])["missing-episodes"] == 4
    assert _counts(area["leader"], agency=area["social_care"], team=area["team"])["missing-episodes"] == 3


def test_a_team_manager_counts_only_their_own_agencys_children_whatever_they_ask(area):
    counts = _counts(area["manager"], agency=area["education"])
    assert counts["missing-episodes"] == 4
    assert counts["assessed-high"] == 1


def test_a_period_leaves_out_what_happened_outside_it(area):
    counts = _counts(area["leader"])
    long_ago = figures.Filters(start=START - dt.timedelta(days=400), end=START - dt.timedelta(days=1))
    before = {
        i.figure.key: i.count
        for _, items in figures.figure_counts(user=area["leader"], filters=long_ago)
        for i in items
    }
    assert counts["missing-episodes"] + before["missing-episodes"] == 6


def test_the_month_and_grade_breakdowns_add_up_to_the_figure(area):
    chosen = figures.Filters(start=START, end=END)
    months = figures.month_breakdown(user=area["leader"], filters=chosen)
    grades = figures.grade_breakdown(user=area["leader"], filters=chosen)
    assert sum(n for _, n in months) == sum(n for _, n in grades) == 5
    assert dict(grades)["High"] == 1
    assert len(months) in (4, 5)  # every month of the period, those with none included


# The pages --------------------------------------------------------------------------------------------------------


def _query(**extra):
    return "?" + urlencode({"start": START.isoformat(), "end": END.isoformat(), **extra})


def test_a_practitioner_has_no_dashboard(area, sign_in, client):
    sign_in(area["practitioner"])
    assert client.get(reverse("oversight:dashboard")).status_code == 403
    assert client.get(reverse("oversight:figure", args=["interviews-late"])).status_code == 403


def test_a_partnership_leaders_home_is_the_dashboard_without_the_bulk_export(area, sign_in, client):
    sign_in(area["leader"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("oversight:dashboard")
    page = client.get(reverse("oversight:dashboard") + _query())
    assert page.status_code == 200
    assert b'data-figure="interviews-late">2 return interviews' in page.content
    # The charts are SVG drawn on the server: no script on the page but the platform's own files.
    assert b"<svg" in page.content and not re.findall(rb"<script(?![^>]*\bsrc=)", page.content)
    assert client.post(reverse("children:export")).status_code == 403


def test_drilling_down_lists_the_children_behind_the_figure_and_audits_each(area, sign_in, client):
    sign_in(area["leader"])
    response = client.get(reverse("oversight:figure", args=["interviews-late"]) + _query())
    assert response.status_code == 200
    assert response.content.count(b"Amara Okoye") == 2 and b"Ben Hart" not in response.content
    audited = AuditEvent.objects.filter(actor=area["leader"], kind=AuditKind.CHILD_LISTED)
    assert (
        list(audited.values_list("child_id", "reason")) == [(area["amara"].pk, "Oversight: Return interviews late")] * 2
    )


def test_the_list_downloads_as_csv_with_the_same_rows(area, sign_in, client):
    sign_in(area["manager"])
    response = client.get(reverse("oversight:figure-csv", args=["interviews-due"]) + _query())
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Child" and len(rows) == 1 + 4
    assert {row[0] for row in rows[1:]} == {"Amara Okoye", "Ben Hart"}
    assert AuditEvent.objects.filter(actor=area["manager"], kind=AuditKind.CHILD_EXPORTED).count() == 4


def test_a_chart_table_downloads_as_csv_with_counts_only(area, sign_in, client):
    sign_in(area["leader"])
    response = client.get(reverse("oversight:breakdown-csv", args=["grade"]) + _query())
    assert list(csv.reader(io.StringIO(response.content.decode())))[1:] == [
        ["High", "1"],
        ["Medium", "0"],
        ["Low", "0"],
        ["No apparent risk", "0"],
        ["Not graded", "4"],
    ]
    assert client.get(reverse("oversight:breakdown-csv", args=["names"]) + _query()).status_code == 404


def test_bad_filters_are_explained_and_the_default_period_shown(area, sign_in, client):
    sign_in(area["leader"])
    response = client.get(reverse("oversight:dashboard") + _query(end=(START - dt.timedelta(days=1)).isoformat()))
    assert response.status_code == 200
    assert b"The end of the period must be on or after its start." in response.content
    response = client.get(
        reverse("oversight:dashboard") + _query(team=str(area["team"].pk), agency=area["education"].pk)
    )
    assert b"Choose a team of the agency chosen." in response.content
    assert client.get(reverse("oversight:figure", args=["no-such-figure"])).status_code == 404


def test_a_leader_says_why_they_open_a_named_childs_record_and_the_audit_keeps_it(area, sign_in, client):
    sign_in(area["leader"])
    url = reverse("children:detail", args=[area["amara"].pk])
    asked = client.get(url)
    assert b"Why are you opening this child" in asked.content and b"Okoye" not in asked.content
    assert not AuditEvent.objects.filter(actor=area["leader"], kind=AuditKind.CHILD_VIEWED).exists()
    assert b"Choose why you are opening" in client.get(url + "?purpose=curiosity").content
    opened = client.get(url + "?purpose=case_audit")
    assert opened.status_code == 200 and b"Okoye" in opened.content
    assert client.get(url).status_code == 200  # asked once a session for each child
    reasons = AuditEvent.objects.filter(actor=area["leader"], kind=AuditKind.CHILD_VIEWED).values_list(
        "reason", flat=True
    )
    assert list(reasons) == ["Viewed the child's record for case audit"] * 2


def test_what_children_tell_us_counts_the_factors_of_completed_interviews_naming_no_child(area, sign_in, client):
    from joinedup.missing.models import Factor, ReturnInterview

    done = ReturnInterview.objects.get(completed_at__isnull=False)
    done.factors = [Factor.PARTNER_OR_ADULT, Factor.CONFLICT_AT_HOME]
    done.save()
    other = _interview(area["cara"], started_days_ago=8, completed_at=_days_ago(6))
    other.factors = [Factor.PARTNER_OR_ADULT]
    other.save()
    chosen = figures.Filters(start=START, end=END)
    total, factors = figures.factors_told(user=area["leader"], filters=chosen)
    counts = dict(factors)
    assert total == 2
    assert counts[Factor.PARTNER_OR_ADULT.label] == 2 and counts[Factor.CONFLICT_AT_HOME.label] == 1
    assert sum(counts.values()) == 3
    assert figures.factors_told(user=area["manager"], filters=chosen)[0] == 1  # Cara is education's
    sign_in(area["leader"])
    before = AuditEvent.objects.count()
    page = client.get(reverse("oversight:children-tell-us") + _query())
    assert page.status_code == 200
    assert b"Pull: an older person or adult of concern" in page.content
    assert b"Okoye" not in page.content and b"Lund" not in page.content
    assert AuditEvent.objects.count() == before


def test_what_assessments_found_counts_each_indicator_once_a_child(area):
    from joinedup.assessments.models import AssessmentIndicator

    indicator = Catalogue.objects.get(is_current=True).indicators.order_by("pk")[0]
    for assessment in RiskAssessment.objects.filter(child__in=[area["amara"], area["cara"]]):
        AssessmentIndicator.objects.create(assessment=assessment, indicator=indicator)
    chosen = figures.Filters(start=START, end=END)
    assert [(text, n) for text, _, n in figures.indicators_seen(user=area["leader"], filters=chosen)] == [
        (indicator.text, 2)
    ]
    assert [n for _, _, n in figures.indicators_seen(user=area["manager"], filters=chosen)] == [1]


def test_an_episode_is_held_at_its_latest_police_grade_whoever_grades_after(area):
    from joinedup.missing.models import MissingEpisode

    episode = MissingEpisode.objects.get(child=area["ben"])
    officer = UserFactory.create(agency=AgencyFactory.create(code="PO2", kind=AgencyKind.POLICE))
    coordinator = UserFactory.create(agency=area["social_care"], roles=[RoleCode.COORDINATOR])
    graded = episode.reported_at + dt.timedelta(minutes=30)
    RiskGradingFactory.create(episode=episode, grade=RiskGrade.LOW, graded_by=officer, graded_at=graded)
    # The coordinator's re-grading is the police grade now; a later grading by the social worker is not.
    RiskGradingFactory.create(
        episode=episode, grade=RiskGrade.HIGH, graded_by=coordinator, graded_at=graded + dt.timedelta(hours=1)
    )
    RiskGradingFactory.create(
        episode=episode,
        grade=RiskGrade.NO_APPARENT_RISK,
        graded_by=area["practitioner"],
        graded_at=graded + dt.timedelta(hours=2),
    )
    counts = _counts(area["leader"])
    assert counts["missing-graded-high"] == 2
    assert counts["missing-graded-low"] == counts["missing-graded-no_apparent_risk"] == 0
    assert counts["missing-not-graded"] == 3
    assert counts["missing-graded-late"] == 3  # Ben's first police grade came within the hour
    chosen = figures.Filters(start=START, end=END)
    assert dict(figures.grade_breakdown(user=area["leader"], filters=chosen))["High"] == 2
    high = figures.rows_for(user=area["leader"], figure=figures.BY_KEY["missing-graded-high"], filters=chosen)
    assert sorted(e.child.given_name for e in high) == ["Amara", "Ben"]


def test_a_record_joined_into_another_is_counted_by_no_one(area):
    from joinedup.access import policy

    joined = ChildFactory.create(given_name="Dee", family_name="Hart", owning_agency=area["social_care"])
    _interview(joined, started_days_ago=12)
    _assessment(joined, Band.HIGH, review_in_days=-1)
    assert _counts(area["leader"])["missing-episodes"] == 6
    joined.joined_into = area["ben"]
    joined.save()
    hidden = policy.children_hidden_from(area["leader"])
    assert hidden is not None and list(hidden) == [joined]
    assert policy.children_hidden_from(area["manager"]) is None
    counts = _counts(area["leader"])
    assert counts["missing-episodes"] == 5
    assert counts["interviews-due"] == 5
    assert counts["assessed-high"] == 2
    assert counts["assessment-reviews-overdue"] == 1
    assert _counts(area["leader"], agency=area["social_care"])["missing-episodes"] == 4


def test_the_dashboards_goals_and_grade_chart_are_its_own_counts(area, sign_in, client):
    from joinedup.oversight.models import Goal

    Goal.objects.create(
        title="Graded within two hours",
        numerator="missing-graded-late",
        denominator="missing-episodes",
        direction="at_most",
        target=10,
        owner_agency=area["social_care"],
        why="Police timeliness.",
        created_by=area["leader"],
    )
    sign_in(area["leader"])
    response = client.get(reverse("oversight:dashboard") + _query())
    assert response.status_code == 200
    [(_goal, reading)] = response.context["goals"]
    assert (reading.numerator, reading.denominator, str(reading.value)) == (4, 5, "80.0")
    assert dict(response.context["grades"]) == {
        "High": 1,
        "Medium": 0,
        "Low": 0,
        "No apparent risk": 0,
        "Not graded": 4,
    }


def test_the_dashboard_sends_every_count_in_one_statement_and_each_equals_its_list(area):
    """The conditional counts of each base and the plain counts, the police grades among them, go to the database
    together (one round trip); each count is still its own list's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chosen = figures.Filters(start=START, end=END)
    leader = area["leader"]
    figures.scope_agency(leader)  # the viewer's roles, read once a request before any figure
    with CaptureQueriesContext(connection) as captured:
        counts = figures.count_figures(figures.FIGURES, user=leader, filters=chosen)
    assert len(captured.captured_queries) == 1
    assert counts == {figure.key: figure.rows(leader, chosen).count() for figure in figures.FIGURES}
