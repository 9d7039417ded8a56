"""Victim care: who may write, what the rules refuse (and that a refusal writes nothing), the Home Office outcome
codes, the figures (each count equal to its list, only what the viewer may see) and the pages."""

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
from joinedup.deadlines import london_date, victim_needs_assessment_due
from joinedup.oversight.figures import BY_KEY, default_filters
from joinedup.victims import services
from joinedup.victims.figures import outcome_counts
from joinedup.victims.models import (
    ContactMethod,
    CrimeOutcome,
    Investigation,
    NeedsAssessment,
    ProsecutionSupport,
    SupportOffer,
    SupportResponse,
    SupportService,
    VictimContact,
)

from .factories import investigation_make, police_officer

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


def _writes() -> tuple[int, ...]:
    return (
        Investigation.objects.count(),
        NeedsAssessment.objects.count(),
        SupportOffer.objects.count(),
        VictimContact.objects.count(),
        AuditEvent.objects.exclude(kind__in=[AuditKind.CHILD_VIEWED, AuditKind.CHILD_LISTED]).count(),
    )


def _record(user, child, **overrides):
    fields = {
        "crime_reference": "CR/1/26",
        "offence": "Sexual exploitation of a child",
        "reported_at": timezone.now() - dt.timedelta(days=1),
    }
    return services.investigation_record(user=user, child=child, **{**fields, **overrides})


# Who may write -----------------------------------------------------------------------------------------------------


def test_a_police_officer_records_a_crime_against_the_child_with_the_needs_assessment_due_two_working_days_on(
    pol, child
):
    officer = police_officer(pol)
    investigation = _record(officer, child)
    assert investigation.needs_due == victim_needs_assessment_due(investigation.reported_at)
    assert investigation.supports_prosecution == ProsecutionSupport.NOT_ASKED and investigation.is_open
    rows = AuditEvent.objects.filter(kind=AuditKind.INVESTIGATION_RECORDED)
    assert [(r.child_id, r.object_id, r.actor_id) for r in rows] == [(child.pk, str(investigation.pk), officer.pk)]


@pytest.mark.parametrize("who", ["social-worker", "leader", "police-not-involved"])
def test_only_the_police_working_with_the_child_and_the_coordinator_record_and_a_refusal_writes_nothing(
    who, csc, pol, child
):
    user = {
        "social-worker": lambda: UserFactory.create(agency=csc),
        "leader": lambda: UserFactory.create(agency=csc, roles=[RoleCode.LEADER]),
        "police-not-involved": lambda: police_officer(AgencyFactory.create(code="POL2", kind=AgencyKind.POLICE)),
    }[who]()
    existing = investigation_make(child=child, agency=pol)
    before = _writes()
    with pytest.raises(PermissionDenied):
        _record(user, child)
    with pytest.raises(PermissionDenied):
        services.victim_contact_record(
            user=user,
            investigation=existing,
            contacted_at=timezone.now(),
            method=ContactMethod.PHONE,
            update_given="x",
        )
    assert _writes() == before


def test_the_coordinator_records_victim_care(csc, child):
    coordinator = UserFactory.create(agency=csc, roles=[RoleCode.COORDINATOR])
    assert _record(coordinator, child).owning_agency == csc


# What the rules refuse ---------------------------------------------------------------------------------------------


def test_a_needs_assessment_before_the_crime_was_reported_is_refused_naming_the_field_and_writes_nothing(pol, child):
    investigation = investigation_make(child=child, agency=pol, days_ago=3)
    before = _writes()
    with pytest.raises(ValidationError) as refused:
        services.needs_assessment_record(
            user=police_officer(pol),
            investigation=investigation,
            needs_found="Wants a female officer",
            assessed_at=investigation.reported_at - dt.timedelta(hours=1),
        )
    assert "assessed_at" in refused.value.message_dict
    assert _writes() == before


def test_the_same_crime_reference_twice_is_refused(pol, child):
    officer = police_officer(pol)
    _record(officer, child)
    with pytest.raises(ValidationError) as refused:
        _record(officer, child)
    assert "crime_reference" in refused.value.message_dict
    assert Investigation.objects.count() == 1


def test_an_evidence_led_prosecution_is_recorded_only_with_a_charge(pol, child):
    officer = police_officer(pol)
    investigation = investigation_make(child=child, agency=pol)
    today = london_date(timezone.now())
    with pytest.raises(ValidationError) as refused:
        services.investigation_outcome_record(
            user=officer, investigation=investigation, outcome="16", outcome_on=today, evidence_led=True
        )
    assert "evidence_led" in refused.value.message_dict
    investigation.refresh_from_db()
    assert investigation.is_open
    services.investigation_outcome_record(
        user=officer, investigation=investigation, outcome="1", outcome_on=today, evidence_led=True
    )
    investigation.refresh_from_db()
    assert (investigation.outcome, investigation.evidence_led) == ("1", True)
    assert AuditEvent.objects.filter(kind=AuditKind.INVESTIGATION_OUTCOME_RECORDED, child_id=child.pk).count() == 1


def test_outcome_16_contradicting_the_childs_support_for_a_prosecution_is_refused(pol, child):
    officer = police_officer(pol)
    investigation = investigation_make(child=child, agency=pol)
    today = london_date(timezone.now())
    services.prosecution_support_record(
        user=officer, investigation=investigation, supports_prosecution=ProsecutionSupport.YES, asked_on=today
    )
    with pytest.raises(ValidationError) as refused:
        services.investigation_outcome_record(
            user=officer, investigation=investigation, outcome="16", outcome_on=today, evidence_led=False
        )
    assert "outcome" in refused.value.message_dict
    services.prosecution_support_record(
        user=officer, investigation=investigation, supports_prosecution=ProsecutionSupport.NO, asked_on=today
    )
    services.investigation_outcome_record(
        user=officer, investigation=investigation, outcome="16", outcome_on=today, evidence_led=False
    )
    assert Investigation.objects.get().outcome == CrimeOutcome.DIFFICULTIES_NOT_SUPPORTED
    kinds = list(
        AuditEvent.objects.filter(child_id=child.pk, kind=AuditKind.PROSECUTION_SUPPORT_RECORDED).values_list(
            "payload", flat=True
        )
    )
    assert sorted(p["supports_prosecution"] for p in kinds) == ["no", "yes"]


def test_an_outcome_is_recorded_once(pol, child):
    officer = police_officer(pol)
    investigation = investigation_make(child=child, agency=pol)
    today = london_date(timezone.now())
    services.investigation_outcome_record(
        user=officer, investigation=investigation, outcome="18", outcome_on=today, evidence_led=False
    )
    with pytest.raises(ValidationError):
        services.investigation_outcome_record(
            user=officer, investigation=investigation, outcome="1", outcome_on=today, evidence_led=False
        )
    assert Investigation.objects.get().outcome == "18"


def test_the_outcome_codes_are_the_home_office_frameworks_with_their_titles():
    codes = dict(CrimeOutcome.choices)
    for code in ["1", "1A", "2", "3", "4", "8", "9", "10", "14", "15", "16", "17", "18", "20", "21", "22"]:
        assert code in codes, code
        assert codes[code].startswith(f"{code}: "), code
    assert "does not support" in codes["16"] and "suspect identified" in codes["16"]
    assert "supports action" in codes["15"]
    assert "no suspect identified" in codes["18"].lower()


# The figures -------------------------------------------------------------------------------------------------------


def _rows(key, user):
    figure = BY_KEY[key]
    rows = figure.rows(user, default_filters())
    return rows.count(), [row.pk for row in rows]


def test_victim_care_figures_on_a_known_data_set_each_count_equals_its_list(csc, pol, child):
    officer = police_officer(pol)
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    other = ChildFactory.create(owning_agency=csc)
    # Assessed the day it was reported, support accepted, a recent contact, charged without the child's evidence.
    cared = investigation_make(child=child, agency=pol, days_ago=40, supports_prosecution=ProsecutionSupport.NO)
    NeedsAssessment.objects.create(
        investigation=cared, assessed_at=cared.reported_at + dt.timedelta(hours=2), needs_found="x", assessed_by=officer
    )
    SupportOffer.objects.create(
        investigation=cared,
        service=SupportService.ISVA,
        offered_at=cared.reported_at,
        offered_by=officer,
        response=SupportResponse.ACCEPTED,
    )
    VictimContact.objects.create(
        investigation=cared,
        contacted_at=timezone.now() - dt.timedelta(days=3),
        contacted_by=officer,
        method=ContactMethod.IN_PERSON,
        update_given="The adult was charged.",
    )
    Investigation.objects.filter(pk=cared.pk).update(
        outcome="1", outcome_on=london_date(timezone.now()), evidence_led=True
    )
    # Assessed a week late, support offered and declined, no contact for 40 days, still open.
    late = investigation_make(child=other, agency=pol, days_ago=40)
    NeedsAssessment.objects.create(
        investigation=late, assessed_at=late.reported_at + dt.timedelta(days=7), needs_found="x", assessed_by=officer
    )
    SupportOffer.objects.create(
        investigation=late,
        service=SupportService.THERAPEUTIC,
        offered_at=late.reported_at,
        offered_by=officer,
        response=SupportResponse.DECLINED,
    )
    # Not assessed, reported ten days ago (due long since), open; the child does not support a prosecution.
    waiting = investigation_make(child=child, agency=pol, days_ago=10, supports_prosecution=ProsecutionSupport.NO)
    # Reported an hour ago: not yet due.
    fresh = investigation_make(child=other, agency=pol, days_ago=0.04)
    # Closed on outcome 16.
    closed = investigation_make(
        child=other, agency=pol, days_ago=60, outcome="16", outcome_on=london_date(timezone.now())
    )
    expected = {
        "victims-crimes": {cared.pk, late.pk, waiting.pk, fresh.pk, closed.pk},
        "victims-needs-assessed": {cared.pk, late.pk},
        "victims-needs-late": {late.pk, waiting.pk, closed.pk},
        "victims-support-offered": {cared.pk, late.pk},
        "victims-support-accepted": {cared.pk},
        "victims-not-supporting": {cared.pk, waiting.pk},
        "victims-outcomes": {cared.pk, closed.pk},
        "victims-evidence-led": {cared.pk},
        "victims-no-recent-contact": {other.pk},
    }
    for key, pks in expected.items():
        count, listed = _rows(key, leader)
        assert count == len(listed) == len(pks), key
        assert set(listed) == pks, key
    summary = BY_KEY["victims-outcomes"].summary
    assert summary is not None
    assert outcome_counts is summary
    text = summary(BY_KEY["victims-outcomes"].rows(leader, default_filters()))
    assert "1: Charged or summonsed: 1" in text and "16: Evidential difficulties" in text


def test_a_viewer_sees_only_the_children_they_may_see_in_the_victim_care_figures(csc, pol, child):
    unseen = ChildFactory.create(owning_agency=AgencyFactory.create(code="EDU"))
    investigation_make(child=child, agency=pol, days_ago=40)
    investigation_make(child=unseen, agency=pol, days_ago=40)
    csc_manager = UserFactory.create(agency=csc, roles=[RoleCode.MANAGER])
    for key in ["victims-crimes", "victims-needs-late", "victims-no-recent-contact"]:
        figure = BY_KEY[key]
        rows = list(figure.rows(csc_manager, default_filters()))
        assert {getattr(figure.child_of(row), "pk", None) for row in rows} == {child.pk}, key


# The pages ---------------------------------------------------------------------------------------------------------


def test_the_police_record_a_crime_and_its_care_through_the_pages_and_the_childs_record_links_to_it(
    client, sign_in, pol, child
):
    officer = police_officer(pol)
    sign_in(officer)
    page = client.get(reverse("victims:child", kwargs={"child_id": child.pk}))
    assert page.status_code == 200 and "Record a crime against" in page.content.decode()
    response = client.post(
        reverse("victims:child", kwargs={"child_id": child.pk}),
        {"crime_reference": "CR/9/26", "offence": "Trafficking", "reported_at": "2026-01-05T10:00"},
    )
    investigation = Investigation.objects.get()
    assert response.status_code == 302
    step = reverse("victims:contact", kwargs={"investigation_id": investigation.pk})
    response = client.post(
        step, {"contacted_at": "2026-01-06T10:00", "method": "phone", "update_given": "The suspect is on bail."}
    )
    assert response.status_code == 302
    detail = client.get(reverse("victims:investigation", kwargs={"investigation_id": investigation.pk}))
    assert "The suspect is on bail." in detail.content.decode()
    record = client.get(reverse("children:detail", kwargs={"child_id": child.pk})).content.decode()
    assert "CR/9/26" in record and reverse("victims:child", kwargs={"child_id": child.pk}) in record


def test_a_social_worker_reads_the_victim_care_but_cannot_post(client, sign_in, csc, pol, child):
    investigation = investigation_make(child=child, agency=pol)
    sign_in(UserFactory.create(agency=csc))
    url = reverse("victims:investigation", kwargs={"investigation_id": investigation.pk})
    assert client.get(url).status_code == 200
    step = reverse("victims:contact", kwargs={"investigation_id": investigation.pk})
    before = VictimContact.objects.count()
    assert (
        client.post(step, {"contacted_at": "2026-01-06T10:00", "method": "phone", "update_given": "x"}).status_code
        == 403
    )
    assert VictimContact.objects.count() == before


def test_the_dashboard_shows_both_sections_and_a_drill_down_its_summary(client, sign_in, csc, pol, child):
    investigation_make(child=child, agency=pol, days_ago=20, outcome="16", outcome_on=london_date(timezone.now()))
    sign_in(UserFactory.create(agency=csc, roles=[RoleCode.LEADER]))
    dashboard = client.get(reverse("oversight:dashboard")).content.decode()
    assert "Police timeliness" in dashboard and "Victim care" in dashboard
    assert "Not attended within the local standard" in dashboard
    page = client.get(reverse("oversight:figure", kwargs={"key": "victims-outcomes"})).content.decode()
    assert child.full_name in page and "By outcome: 16: Evidential difficulties" in page
