"""Concerns: 3x5x2 grading rules, and a C handling code shown in full only within its conditions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.tests.factories import ChildFactory, InvolvementFactory
from joinedup.concerns.models import Concern, ConcernCategory
from joinedup.concerns.selectors import concerns_for
from joinedup.concerns.services import concern_record

SECRET = "Source says the adult of concern collects children from the Station Hotel on Fridays"
SANITISED = "Concern about a hotel in the town centre"


@pytest.fixture
def world(db):
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    social_care = AgencyFactory.create(code="CSC")
    school = AgencyFactory.create(code="EDU", kind=AgencyKind.EDUCATION)
    child = ChildFactory.create(owning_agency=police)
    for agency in (social_care, school):
        InvolvementFactory.create(child=child, agency=agency)
    return {
        "child": child,
        "police": UserFactory.create(agency=police),
        "social_worker": UserFactory.create(agency=social_care),
        "teacher": UserFactory.create(agency=school),
        "social_care": social_care,
    }


def _record(world, **grading):
    return concern_record(
        user=world["police"],
        child=world["child"],
        category=ConcernCategory.CSE,
        occurred_at=timezone.now() - dt.timedelta(hours=3),
        what_happened=SECRET,
        place_name="Station Hotel",
        sanitised_summary=SANITISED,
        **grading,
    )


def test_a_c_coded_item_is_shown_in_full_only_within_its_conditions(world):
    _record(
        world,
        source_evaluation="2",
        intelligence_assessment="C",
        handling_code="C",
        handling_conditions="Share with children's social care only",
        condition_agencies=[world["social_care"]],
    )
    for user, in_full in ((world["police"], True), (world["social_worker"], True), (world["teacher"], False)):
        [shown] = concerns_for(user=user, child=world["child"])
        assert shown.in_full is in_full
        assert (SECRET in shown.text) is in_full
        assert (shown.text == SANITISED) is not in_full


def test_the_page_shows_the_sanitised_wording_beyond_the_conditions(world, sign_in, client):
    _record(
        world, source_evaluation="1", intelligence_assessment="B", handling_code="C", handling_conditions="Police only"
    )
    sign_in(world["teacher"])
    page = client.get(reverse("children:detail", kwargs={"child_id": world["child"].pk})).content.decode()
    assert SECRET not in page
    assert "Station Hotel" not in page
    assert SANITISED in page
    assert "Handling conditions apply" in page
    # The 3x5x2 code is explained where it appears.
    assert "1 B C<br>" in page
    assert "Source reliable; Known indirectly, corroborated; Lawful sharing permitted with conditions" in page


def test_a_p_coded_item_is_shown_to_everyone_who_may_see_the_child(world):
    _record(world, source_evaluation="1", intelligence_assessment="A", handling_code="P")
    [shown] = concerns_for(user=world["teacher"], child=world["child"])
    assert shown.in_full and shown.text == SECRET
    assert shown.concern.grading == "1 A P"


@pytest.mark.parametrize(
    "grading",
    [
        {"source_evaluation": "1"},
        {"source_evaluation": "1", "intelligence_assessment": "A"},
        {"source_evaluation": "4", "intelligence_assessment": "A", "handling_code": "P"},
        {"source_evaluation": "1", "intelligence_assessment": "F", "handling_code": "P"},
        {"source_evaluation": "1", "intelligence_assessment": "A", "handling_code": "X"},
        {"source_evaluation": "1", "intelligence_assessment": "A", "handling_code": "C"},
    ],
)
def test_an_incomplete_or_unknown_grading_is_refused(world, grading):
    with pytest.raises(ValidationError):
        _record(world, **grading)
    assert not Concern.objects.exists()


def test_the_database_refuses_a_partial_grading_and_a_c_code_without_conditions(world):
    concern = _record(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(source_evaluation="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Concern.objects.filter(pk=concern.pk).update(
            source_evaluation="1", intelligence_assessment="A", handling_code="C", handling_conditions=""
        )


def test_a_graded_item_needs_a_sanitised_wording(world):
    with pytest.raises(ValidationError):
        concern_record(
            user=world["police"],
            child=world["child"],
            category=ConcernCategory.CCE,
            occurred_at=timezone.now(),
            what_happened=SECRET,
            source_evaluation="1",
            intelligence_assessment="A",
            handling_code="P",
        )


def test_only_those_who_may_record_about_the_child_record_a_concern(world):
    outsider = UserFactory.create(agency=AgencyFactory.create(code="YJS"))
    leader = UserFactory.create(agency=world["social_care"], roles=[RoleCode.LEADER])
    for user in (outsider, leader):
        with pytest.raises(PermissionDenied):
            concern_record(
                user=user,
                child=world["child"],
                category=ConcernCategory.CSE,
                occurred_at=timezone.now(),
                what_happened="x",
            )


def test_a_concern_is_recorded_through_the_page(world, sign_in, client):
    sign_in(world["social_worker"])
    response = client.post(
        reverse("concerns:create", kwargs={"child_id": world["child"].pk}),
        {
            "category": "24A",
            "occurred_at": "2026-01-10 18:00",
            "what_happened": "Seen carrying a package for an older teenager",
            "from_community": "on",
            "place_name": "Retail park",
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.category, concern.from_community, concern.owning_agency) == ("24A", True, world["social_care"])
