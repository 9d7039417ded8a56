"""One risk model for every agency: scoring, bands with reasons, judgement with reasons, versions, reviews."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.assessments import scoring
from joinedup.assessments.models import Band, Catalogue, Indicator, RiskAssessment
from joinedup.assessments.services import (
    risk_assessment_complete,
    risk_assessment_start,
    risk_assessment_update,
)
from joinedup.children.tests.factories import ChildFactory, InvolvementFactory

THRESHOLDS = {"none": 0, "low": 6, "medium": 11, "high": 16}
SECTIONS = {
    "childs_views": "I feel safer when I'm at football. I don't want to go to the flat any more.",
    "family_views": "Her mum is worried about the older men who pick her up.",
    "day_to_day": "Attends school three days a week; plays football on Saturdays.",
    "wider_needs": "Spends evenings at the retail park; older peers give her lifts.",
}


@given(st.lists(st.integers(min_value=1, max_value=20), max_size=30), st.integers(min_value=1, max_value=20))
def test_adding_an_indicator_never_lowers_the_score_or_the_band(weights, extra):
    before, after = scoring.score(weights), scoring.score([*weights, extra])
    assert after > before
    assert scoring.band_rank(scoring.band_for(after, THRESHOLDS)) >= scoring.band_rank(
        scoring.band_for(before, THRESHOLDS)
    )


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, Band.NONE),
        (5, Band.NONE),
        (6, Band.LOW),
        (10, Band.LOW),
        (11, Band.MEDIUM),
        (15, Band.MEDIUM),
        (16, Band.HIGH),
    ],
)
def test_the_published_thresholds_band_each_score(total, band):
    assert scoring.band_for(total, THRESHOLDS) == band


@pytest.fixture
def world(db):
    agency = AgencyFactory.create(code="HEA")
    practitioner = UserFactory.create(agency=agency)
    child = ChildFactory.create(owning_agency=agency)
    return practitioner, child


def _assess(user, child, codes, **sections):
    assessment = risk_assessment_start(user=user, child=child)
    return risk_assessment_update(
        user=user,
        assessment=assessment,
        evidence_by_code={code: f"Evidence for {code}" for code in codes},
        **(SECTIONS | sections),
    )


def test_the_seeded_model_scores_significant_indicators_to_high_with_reasons(world, sign_in, client):
    practitioner, child = world
    assessment = _assess(practitioner, child, ["S1", "S2", "M1", "V1"])
    assert assessment.score == 6 + 6 + 3 + 1
    assert assessment.scored_band == Band.HIGH
    risk_assessment_complete(user=practitioner, assessment=assessment)
    sign_in(practitioner)
    page = client.get(reverse("assessments:detail", kwargs={"assessment_id": assessment.pk})).content.decode()
    assert "Seen with adults of concern" in page
    assert "Evidence for S2" in page
    assert ">High<" in page


@pytest.mark.parametrize("section", list(SECTIONS))
def test_each_of_the_four_sections_is_required_to_complete(world, section):
    practitioner, child = world
    assessment = _assess(practitioner, child, ["M1"], **{section: "   "})
    with pytest.raises(ValidationError) as refused:
        risk_assessment_complete(user=practitioner, assessment=assessment)
    assert section in refused.value.message_dict
    assessment.refresh_from_db()
    assert assessment.completed_at is None


def test_judgement_may_raise_or_lower_the_band_only_with_a_reason(world):
    practitioner, child = world
    assessment = _assess(practitioner, child, ["S1"])
    assert assessment.scored_band == Band.LOW
    with pytest.raises(ValidationError) as refused:
        risk_assessment_complete(user=practitioner, assessment=assessment, judged_band=Band.HIGH)
    assert "override_reason" in refused.value.message_dict
    risk_assessment_complete(
        user=practitioner,
        assessment=assessment,
        judged_band=Band.HIGH,
        override_reason="She disclosed being taken to a hotel last night.",
    )
    assessment.refresh_from_db()
    assert (assessment.scored_band, assessment.band) == (Band.LOW, Band.HIGH)


def test_the_database_refuses_an_override_without_a_reason(world):
    practitioner, child = world
    assessment = _assess(practitioner, child, ["S1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        RiskAssessment.objects.filter(pk=assessment.pk).update(band=Band.HIGH, override_reason="")


@pytest.mark.parametrize(("codes", "days"), [(["S1", "S2", "S3"], 30), (["S1", "S2"], 60), ([], 90)])
def test_review_dates_follow_the_band(world, codes, days):
    practitioner, child = world
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        assessment = _assess(practitioner, child, codes)
        risk_assessment_complete(user=practitioner, assessment=assessment)
    assert assessment.review_due == dt.date(2026, 3, 1) + dt.timedelta(days=days)


def test_a_new_model_version_leaves_old_assessments_on_the_version_they_used(world):
    practitioner, child = world
    old = _assess(practitioner, child, ["M1", "M2"])
    risk_assessment_complete(user=practitioner, assessment=old)
    v1 = Catalogue.objects.get(version=1)
    Catalogue.objects.filter(pk=v1.pk).update(is_current=False)
    v2 = Catalogue.objects.create(
        version=2,
        name="Model 2",
        is_current=True,
        thresholds={"none": 0, "low": 2, "medium": 4, "high": 8},
        review_days={"none": 90, "low": 60, "medium": 30, "high": 14},
    )
    Indicator.objects.create(
        catalogue=v2, code="M1", kind="moderate", text="Missing", definition="d", weight=5, window_days=90
    )
    new = _assess(practitioner, child, ["M1"])
    old.refresh_from_db()
    assert (old.catalogue, old.score, old.band) == (v1, 6, Band.LOW)
    assert (new.catalogue, new.score, new.scored_band) == (v2, 5, Band.MEDIUM)
    with pytest.raises(ValidationError):
        risk_assessment_update(user=practitioner, assessment=new, evidence_by_code={"S1": ""}, **SECTIONS)


def test_a_completed_assessment_cannot_be_changed(world):
    practitioner, child = world
    assessment = _assess(practitioner, child, ["M1"])
    risk_assessment_complete(user=practitioner, assessment=assessment)
    with pytest.raises(ValidationError):
        risk_assessment_update(user=practitioner, assessment=assessment, evidence_by_code={}, **SECTIONS)


def test_someone_who_cannot_see_the_child_cannot_assess(world):
    _, child = world
    stranger = UserFactory.create(agency=AgencyFactory.create(code="EDU"))
    leader = UserFactory.create(agency=AgencyFactory.create(code="CSC"), roles=[RoleCode.LEADER])
    for user in (stranger, leader):
        with pytest.raises(PermissionDenied):
            risk_assessment_start(user=user, child=child)


def test_a_practitioner_completes_an_assessment_through_the_page(world, sign_in, client):
    practitioner, child = world
    sign_in(practitioner)
    started = client.post(reverse("assessments:start", kwargs={"child_id": child.pk}))
    assessment = RiskAssessment.objects.get(child=child)
    assert started["Location"] == reverse("assessments:edit", kwargs={"assessment_id": assessment.pk})
    edit = reverse("assessments:edit", kwargs={"assessment_id": assessment.pk})
    page = client.get(edit).content.decode()
    assert "Vulnerabilities</legend>" in page and "Significant indicators</legend>" in page  # plain plurals
    blank = client.post(edit, {"indicators": ["S1", "M2"], "action": "complete"})
    assert blank.status_code == 200
    assert "Enter the child&#x27;s views, in their own words" in blank.content.decode()
    done = client.post(
        edit,
        {
            "indicators": ["S1", "M2"],
            "evidence-S1": "Seen with two adults of concern",
            "action": "complete",
            **SECTIONS,
        },
    )
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.score, assessment.band) == (9, Band.LOW)
    assert assessment.selections.get(indicator__code="S1").evidence == "Seen with two adults of concern"


def test_a_due_review_is_on_the_assessors_and_their_managers_work_list(world, sign_in, client):
    practitioner, child = world
    manager = UserFactory.create(agency=practitioner.agency, roles=[RoleCode.MANAGER])
    other_manager = UserFactory.create(agency=AgencyFactory.create(code="POL"), roles=[RoleCode.MANAGER])
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC), tick=False):
        assessment = _assess(practitioner, child, ["S1", "S2", "S3"])
        risk_assessment_complete(user=practitioner, assessment=assessment)
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC), tick=False):
        for user, expected in ((practitioner, True), (manager, True), (other_manager, False)):
            client.logout()
            sign_in(user)
            page = client.get(reverse("missing:worklist")).content.decode()
            assert (child.full_name in page) is expected
            if expected:
                assert "Overdue" in page


def test_a_draft_belongs_to_its_authors_agency_until_completed(world, sign_in):
    """A police officer working with the child cannot overwrite social care's draft, the child's views included."""
    practitioner, child = world
    assessment = _assess(practitioner, child, [], childs_views="I feel safe at my nan's.")
    police = AgencyFactory.create(code="POL")
    officer = UserFactory.create(agency=police)
    InvolvementFactory.create(child=child, agency=police)
    before = (assessment.childs_views, assessment.score, list(assessment.selections.values_list("pk", flat=True)))

    with pytest.raises(PermissionDenied):
        risk_assessment_update(user=officer, assessment=assessment, evidence_by_code={}, childs_views="Nothing to say.")
    with pytest.raises(PermissionDenied):
        risk_assessment_complete(user=officer, assessment=assessment)
    page = sign_in(officer).post(f"/assessments/{assessment.pk}/edit/", {"childs_views": "Nothing to say."})

    assert page.status_code == 403
    assessment.refresh_from_db()
    assert (assessment.childs_views, assessment.score, list(assessment.selections.values_list("pk", flat=True))) == (
        before
    )
    assert assessment.completed_at is None
    assert "Continue the assessment" not in sign_in(officer).get(f"/assessments/{assessment.pk}/").content.decode()
    assert "Continue the assessment" in sign_in(practitioner).get(f"/assessments/{assessment.pk}/").content.decode()
