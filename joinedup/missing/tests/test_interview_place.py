"""The place where the child was, at a return home interview, is corrected by the agency that keeps the interview:
chosen from the places on the child's record or written and matched with the places already recorded, with the
reason in the correction history and the correction audited. Anyone else writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.forms import ModelChoiceField
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.forms import InterviewCorrectionForm
from joinedup.children.models import ItemCorrection
from joinedup.children.tests.factories import ChildFactory, InvolvementFactory
from joinedup.concerns.models import ConcernCategory
from joinedup.concerns.services import concern_record
from joinedup.missing.services import return_interview_correct
from joinedup.missing.tests.factories import ReturnInterviewFactory
from joinedup.places.models import Place, PlaceKind, PlaceName
from joinedup.places.services import place_resolve, place_resolve_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    social_care = AgencyFactory.create(code="CSC")
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    child = ChildFactory.create(owning_agency=social_care)
    InvolvementFactory.create(child=child, agency=police)
    worker = UserFactory.create(agency=social_care, roles=[RoleCode.PRACTITIONER])
    officer = UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER])
    hotel = place_resolve(actor=officer, name="Station Hotel", postcode="WB1 1AA", kind=PlaceKind.HOTEL)
    wrong = place_resolve_text(actor=worker, text="Mill Lane Grill, WB2 6TR")
    interview = ReturnInterviewFactory.create(
        episode__child=child,
        episode__owning_agency=social_care,
        owner=worker,
        completed_at=timezone.now() - dt.timedelta(hours=1),
        childs_words="I was at the takeaway",
        place_name="Mill Lane Grill, WB2 6TR",
        place=wrong,
    )
    return {
        "child": child,
        "worker": worker,
        "officer": officer,
        "hotel": hotel,
        "wrong": wrong,
        "interview": interview,
    }


def _written() -> tuple[int, int, int, int]:
    return (
        ItemCorrection.objects.count(),
        AuditEvent.objects.filter(kind=AuditKind.ITEM_CORRECTED).count(),
        Place.objects.count(),
        sum(PlaceName.objects.values_list("times_seen", flat=True)),
    )


def test_a_place_written_in_a_correction_is_matched_to_the_place_already_recorded(world):
    interview = world["interview"]
    correction = return_interview_correct(
        user=world["worker"],
        interview=interview,
        changes={"place_name": "the Station Hotel"},
        reason="It was the hotel, not the takeaway",
    )
    interview.refresh_from_db()
    assert interview.place == world["hotel"]
    assert interview.place_name == "the Station Hotel"
    assert correction is not None and correction.reason == "It was the hotel, not the takeaway"
    assert correction.before == {"place_name": "Mill Lane Grill, WB2 6TR", "place": "Mill Lane Grill, WB2 6TR"}
    assert correction.after == {"place_name": "the Station Hotel", "place": "Station Hotel, WB1 1AA"}
    assert (correction.item_kind, correction.corrected_by) == ("return_interview", world["worker"])
    audit = AuditEvent.objects.get(kind=AuditKind.ITEM_CORRECTED)
    assert audit.child_id == world["child"].pk and audit.actor == world["worker"]
    # The spelling is kept with the hotel, credited to the worker's agency, as every place written is.
    assert PlaceName.objects.filter(place=world["hotel"], name="the Station Hotel", agency=world["worker"].agency)


def test_a_place_chosen_from_the_childs_record_is_pointed_at_and_written_as_it_is_named(world):
    interview = world["interview"]
    concern_record(
        user=world["worker"],
        child=world["child"],
        category=ConcernCategory.CSE,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        what_happened="Seen at the hotel with an adult of concern",
        place=world["hotel"],
    )
    correction = return_interview_correct(
        user=world["worker"], interview=interview, changes={"place": world["hotel"]}, reason="Wrong place chosen"
    )
    interview.refresh_from_db()
    assert (interview.place, interview.place_name) == (world["hotel"], "Station Hotel, WB1 1AA")
    assert correction is not None and correction.after["place"] == "Station Hotel, WB1 1AA"
    # No place: the interview points at none, and the history keeps the place it pointed at.
    return_interview_correct(user=world["worker"], interview=interview, changes={"place": None}, reason="Not a place")
    interview.refresh_from_db()
    assert (interview.place, interview.place_name) == (None, "")
    assert (
        ItemCorrection.objects.order_by("pk").values_list("before", flat=True)[1]["place"] == "Station Hotel, WB1 1AA"
    )


def test_the_same_place_again_is_no_correction(world):
    before = _written()
    outcome = return_interview_correct(
        user=world["worker"],
        interview=world["interview"],
        changes={"place": world["wrong"], "place_name": "Mill Lane Grill, WB2 6TR"},
        reason="Checked",
    )
    assert outcome is None
    assert _written() == before


def test_someone_outside_the_agency_that_keeps_the_interview_corrects_nothing(world):
    interview = world["interview"]
    before = _written()
    for changes in ({"place_name": "the Station Hotel"}, {"place": world["hotel"]}):
        with pytest.raises(PermissionDenied):
            return_interview_correct(user=world["officer"], interview=interview, changes=changes, reason="Not ours")
    interview.refresh_from_db()
    assert (interview.place, interview.place_name) == (world["wrong"], "Mill Lane Grill, WB2 6TR")
    # Nothing written: no history, no audit of a correction, no place or spelling made from the writing.
    assert _written() == before


def test_a_private_address_the_user_may_not_see_cannot_be_chosen(world):
    other_child = ChildFactory.create(owning_agency=world["officer"].agency)
    home = place_resolve(actor=world["officer"], name="14 Elmwood Crescent", postcode="WB3 2XY", kind="private_address")
    concern_record(
        user=world["officer"],
        child=other_child,
        category=ConcernCategory.CSE,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        what_happened="Seen going into the address",
        place=home,
    )
    before = _written()
    with pytest.raises(PermissionDenied):
        return_interview_correct(
            user=world["worker"], interview=world["interview"], changes={"place": home}, reason="Chosen"
        )
    world["interview"].refresh_from_db()
    assert world["interview"].place == world["wrong"]
    assert _written() == before
    # Nor is it offered: the form lists the places on this child's record the worker may see.
    place_field = InterviewCorrectionForm(user=world["worker"], item=world["interview"]).fields["place"]
    assert isinstance(place_field, ModelChoiceField)
    assert place_field.queryset is not None and list(place_field.queryset) == [world["wrong"]]


def test_the_correction_page_corrects_the_place_and_shows_the_earlier_one_in_the_history(world, sign_in):
    interview, child = world["interview"], world["child"]
    client = sign_in(world["worker"])
    url = reverse("children:item-correct", args=[child.pk, "return_interview", interview.pk])
    page = client.get(url).content.decode()
    assert 'name="place"' in page and 'name="place_name"' in page and "Mill Lane Grill, WB2 6TR" in page
    response = client.post(
        url,
        {
            "childs_words": interview.childs_words,
            "place": str(world["wrong"].pk),
            "place_name": "Station Hotel, WB1 1AA",
            "reason": "The interview notes name the hotel",
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.place == world["hotel"]
    history = client.get(reverse("children:item-history", args=[child.pk, "return_interview", interview.pk]))
    text = history.content.decode()
    assert "The interview notes name the hotel" in text and "Mill Lane Grill" in text
    # The officer may see the child but does not keep the interview: the page is refused and nothing changes.
    officer = sign_in(world["officer"])
    assert officer.post(url, {"childs_words": "x", "place_name": "Elsewhere", "reason": "x"}).status_code in (403, 404)
    interview.refresh_from_db()
    assert interview.place == world["hotel"]
