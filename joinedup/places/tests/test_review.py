"""The coordinator's review queue: merge two places, keep them apart, and undo a merge, which puts back both
places and every pointer the merge moved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import Concern, ConcernCategory
from joinedup.concerns.services import concern_record
from joinedup.missing.models import MissingEpisode
from joinedup.missing.tests.factories import MissingEpisodeFactory
from joinedup.places.models import CandidateStatus, Place, PlaceMatchCandidate, PlaceMerge, PlaceName
from joinedup.places.services import place_keep_apart, place_merge, place_merge_undo, place_resolve


@pytest.fixture
def world(db):
    police = UserFactory.create(agency=AgencyFactory.create(code="POL", kind=AgencyKind.POLICE))
    social_worker = UserFactory.create(agency=AgencyFactory.create(code="CSC"))
    coordinator = UserFactory.create(agency=social_worker.agency, roles=[RoleCode.COORDINATOR])
    child = ChildFactory.create(owning_agency=police.agency)
    hotel = place_resolve(actor=social_worker, name="Station Hotel", postcode="WB1 1AA")
    near = place_resolve(actor=police, name="Station Court Hotel", postcode="WB1 1AA")
    candidate = PlaceMatchCandidate.objects.get(place_a=hotel, place_b=near)
    concern = concern_record(
        user=police,
        child=child,
        category=ConcernCategory.CSE,
        occurred_at=timezone.now() - dt.timedelta(days=1),
        what_happened="Seen with an adult of concern",
        place=near,
    )
    episode = MissingEpisodeFactory.create(child=child, owning_agency=police.agency)
    MissingEpisode.objects.filter(pk=episode.pk).update(found_place_ref=near, last_seen_place_ref=hotel)
    return {
        "police": police,
        "coordinator": coordinator,
        "hotel": hotel,
        "near": near,
        "candidate": candidate,
        "concern": concern,
        "episode": episode,
    }


def _pointers(world):
    episode = MissingEpisode.objects.get(pk=world["episode"].pk)
    return {
        "concern": Concern.objects.get(pk=world["concern"].pk).place_id,
        "found": episode.found_place_ref_id,
        "last_seen": episode.last_seen_place_ref_id,
        "names": sorted(PlaceName.objects.values_list("name", "place_id")),
    }


def test_a_merge_moves_everything_to_the_earlier_place_and_undo_puts_every_pointer_back(world):
    before = _pointers(world)
    hotel, near = world["hotel"], world["near"]
    merge = place_merge(user=world["coordinator"], candidate=world["candidate"], reason="Same hotel, new sign")
    after = _pointers(world)
    assert after["concern"] == after["found"] == after["last_seen"] == hotel.pk
    assert {place for _, place in after["names"]} == {hotel.pk}
    assert Place.objects.get(pk=near.pk).merged_into_id == hotel.pk
    assert AuditEvent.objects.filter(kind=AuditKind.PLACE_MERGED, object_id=str(hotel.pk)).exists()

    place_merge_undo(user=world["coordinator"], merge=merge, reason="Two hotels after all")
    assert _pointers(world) == before
    assert Place.objects.get(pk=near.pk).merged_into_id is None
    assert PlaceMatchCandidate.objects.get(pk=world["candidate"].pk).status == CandidateStatus.OPEN
    assert PlaceMerge.objects.get(pk=merge.pk).undone_at is not None
    assert AuditEvent.objects.filter(kind=AuditKind.PLACE_MERGE_UNDONE).exists()


def test_after_a_merge_the_merged_spelling_resolves_to_the_kept_place(world):
    place_merge(user=world["coordinator"], candidate=world["candidate"])
    assert place_resolve(actor=world["police"], name="Station Court Hotel", postcode="WB1 1AA") == world["hotel"]


def test_undo_leaves_what_was_written_at_the_kept_place_since(world):
    merge = place_merge(user=world["coordinator"], candidate=world["candidate"])
    later = concern_record(
        user=world["police"],
        child=world["concern"].child,
        category=ConcernCategory.CSE,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        what_happened="Seen again",
        place=world["hotel"],
    )
    place_merge_undo(user=world["coordinator"], merge=merge)
    assert Concern.objects.get(pk=later.pk).place_id == world["hotel"].pk
    assert Concern.objects.get(pk=world["concern"].pk).place_id == world["near"].pk


def test_keeping_apart_takes_the_pair_out_of_the_queue(world, sign_in):
    place_keep_apart(user=world["coordinator"], candidate=world["candidate"], reason="Two hotels")
    assert PlaceMatchCandidate.objects.get().status == CandidateStatus.KEPT_APART
    page = sign_in(world["coordinator"]).get(reverse("places:review-list"))
    assert "Station Court Hotel" not in page.content.decode()


def test_only_the_coordinator_decides_and_a_refused_decision_writes_nothing(world):
    before = _pointers(world)
    for user in (world["police"], UserFactory.create(roles=[RoleCode.LEADER])):
        with pytest.raises(PermissionDenied):
            place_merge(user=user, candidate=world["candidate"])
        with pytest.raises(PermissionDenied):
            place_keep_apart(user=user, candidate=world["candidate"])
    assert _pointers(world) == before
    assert not PlaceMerge.objects.exists()
    assert PlaceMatchCandidate.objects.get().status == CandidateStatus.OPEN
    assert not AuditEvent.objects.filter(kind__in=[AuditKind.PLACE_MERGED, AuditKind.PLACE_KEPT_APART]).exists()


def test_the_coordinator_merges_and_undoes_through_the_pages(world, sign_in):
    client = sign_in(world["coordinator"])
    pair = client.get(reverse("places:review-pair", args=[world["candidate"].pk]))
    assert pair.status_code == 200
    assert "Station Court Hotel" in pair.content.decode()
    response = client.post(reverse("places:review-merge", args=[world["candidate"].pk]), {"reason": "Same"})
    assert response.status_code == 302
    merge = PlaceMerge.objects.get()
    # The merged place's page now shows the kept place.
    follow = client.get(reverse("places:detail", args=[world["near"].pk]))
    assert follow.status_code == 302
    assert follow["Location"] == reverse("places:detail", args=[world["hotel"].pk])
    client.post(reverse("places:merge-undo", args=[merge.pk]), {"reason": "Not the same"})
    assert Place.objects.get(pk=world["near"].pk).merged_into_id is None


def test_a_practitioner_cannot_reach_the_review_queue(world, sign_in):
    client = sign_in(world["police"])
    assert client.get(reverse("places:review-list")).status_code == 404
    assert client.post(reverse("places:review-merge", args=[world["candidate"].pk])).status_code == 404
    assert not PlaceMerge.objects.exists()
