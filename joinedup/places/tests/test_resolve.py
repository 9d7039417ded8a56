"""One door for places: the same place written differently is one record, a near miss waits for review, and every
spelling is kept with the agency that wrote it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import ConcernCategory
from joinedup.concerns.services import concern_record
from joinedup.places.models import CandidateStatus, Place, PlaceKind, PlaceMatchCandidate, PlaceName
from joinedup.places.normalise import name_key, postcode_normalise
from joinedup.places.services import place_resolve, place_resolve_text


@pytest.fixture
def police(db):
    return UserFactory.create(agency=AgencyFactory.create(code="POL", kind=AgencyKind.POLICE))


@pytest.fixture
def social_worker(db):
    return UserFactory.create(agency=AgencyFactory.create(code="CSC"))


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("The Station Hotel", "station hotel"),
        ("station htl", "station hotel"),
        ("Station Hotel, WB1 1AA", "station hotel"),
        ("St Mary's Rd", "street marys road"),
        ("Fish & Chips", "fish and chips"),
    ],
)
def test_a_name_is_compared_without_case_punctuation_the_or_abbreviations(written, key):
    assert name_key(written) == key


@pytest.mark.parametrize(("written", "canonical"), [("wb11aa", "WB1 1AA"), (" WB1  1aa ", "WB1 1AA"), ("none", "")])
def test_a_postcode_is_written_the_one_way(written, canonical):
    assert postcode_normalise(written) == canonical


def test_the_same_place_written_by_two_agencies_is_one_place_with_both_spellings(police, social_worker):
    first = place_resolve(actor=social_worker, name="Station Hotel", postcode="wb1 1aa", kind=PlaceKind.HOTEL)
    second = place_resolve(actor=police, name="the Station Hotel")
    third = place_resolve(actor=police, name="STATION HTL", postcode="WB11AA")
    assert first.pk == second.pk == third.pk
    assert Place.objects.count() == 1
    assert first.postcode == "WB1 1AA"
    spellings = set(PlaceName.objects.filter(place=first).values_list("name", "agency__code"))
    assert spellings == {("Station Hotel", "CSC"), ("the Station Hotel", "POL"), ("STATION HTL", "POL")}


def test_two_places_of_one_name_in_different_postcodes_stay_two(police):
    a = place_resolve(actor=police, name="Station Hotel", postcode="WB1 1AA")
    b = place_resolve(actor=police, name="Station Hotel", postcode="WB9 4ZZ")
    assert a.pk != b.pk
    assert not PlaceMatchCandidate.objects.exists()


def test_a_name_without_postcode_that_two_places_share_waits_for_a_person(police):
    a = place_resolve(actor=police, name="Station Hotel", postcode="WB1 1AA")
    place_resolve(actor=police, name="Station Hotel", postcode="WB9 4ZZ")
    c = place_resolve(actor=police, name="the station hotel")
    assert c.pk != a.pk
    assert PlaceMatchCandidate.objects.filter(place_b=c, status=CandidateStatus.OPEN).exists()


def test_a_near_miss_makes_a_new_place_and_a_review_item(police):
    a = place_resolve(actor=police, name="Station Hotel", postcode="WB1 1AA")
    b = place_resolve(actor=police, name="Station Court Hotel", postcode="WB1 1AA")
    assert a.pk != b.pk
    candidate = PlaceMatchCandidate.objects.get()
    assert (candidate.place_a, candidate.place_b) == (a, b)
    assert candidate.evidence["postcode"] == "same"
    assert candidate.score >= 75


def test_a_new_place_is_audited(police):
    place = place_resolve(actor=police, name="Wealdbridge Park")
    assert AuditEvent.objects.filter(kind=AuditKind.PLACE_RECORDED, object_id=str(place.pk), actor=police).exists()


def test_free_text_gives_name_address_and_postcode(police):
    place = place_resolve_text(actor=police, text="Station Hotel, 2 Station Approach, wb1 1aa")
    assert place is not None
    assert (place.name, place.address, place.postcode) == ("Station Hotel", "2 Station Approach", "WB1 1AA")
    assert place_resolve_text(actor=police, text="  ") is None


def test_someone_who_records_nothing_about_children_cannot_write_a_place_and_nothing_is_written(db):
    admin = UserFactory.create(roles=[RoleCode.ADMINISTRATOR])
    with pytest.raises(PermissionDenied):
        place_resolve(actor=admin, name="Station Hotel", postcode="WB1 1AA")
    assert not Place.objects.exists()
    assert not PlaceName.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.PLACE_RECORDED).exists()


def test_a_concern_points_at_the_place_its_name_and_postcode_resolve_to(police):
    child = ChildFactory.create(owning_agency=police.agency)
    hotel = place_resolve(actor=police, name="Station Hotel", postcode="WB1 1AA")
    concern = concern_record(
        user=police,
        child=child,
        category=ConcernCategory.CSE,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        what_happened="Seen getting into a car outside",
        place_name="the Station Hotel",
    )
    assert concern.place == hotel
    given = concern_record(
        user=police,
        child=child,
        category=ConcernCategory.CSE,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        what_happened="Seen again",
        place=hotel,
    )
    assert given.place == hotel
    assert (given.place_name, given.place_postcode) == ("Station Hotel", "WB1 1AA")
