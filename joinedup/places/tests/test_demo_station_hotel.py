"""The demo's two Station Hotels: "Station Hotel, WB1 1AA" in the police extract and "the Station Hotel" where a
child was last seen are one place, and one node of the mapping."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import EventRecord
from joinedup.mapping.internals.build import PLACE, graph_data_build
from joinedup.missing.models import MissingEpisode
from joinedup.missing.services import missing_episode_report
from joinedup.missing.tests.factories import MissingEpisodeFactory
from joinedup.places.models import Place, PlaceKind, PlaceMatchCandidate, PlaceName
from joinedup.places.services import place_resolve


@pytest.mark.django_db
def test_the_two_station_hotels_are_one_place_and_one_mapping_node():
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    officer = UserFactory.create(agency=police)
    child = ChildFactory.create(owning_agency=police)
    episode = missing_episode_report(
        user=officer,
        child=child,
        started_at=timezone.now() - dt.timedelta(hours=5),
        rationale="Out late, phone off",
        grade="medium",
        last_seen_place="the Station Hotel",
    )
    hotel = place_resolve(actor=officer, name="Station Hotel", postcode="WB1 1AA", kind=PlaceKind.HOTEL)
    assert MissingEpisode.objects.get(pk=episode.pk).last_seen_place_ref_id == hotel.pk
    assert Place.objects.get(pk=hotel.pk).postcode == "WB1 1AA"
    place_resolve(actor=officer, name="Station Court Hotel", postcode="WB1 1AA", kind=PlaceKind.HOTEL)
    assert PlaceMatchCandidate.objects.filter(place_a=hotel).count() == 1

    places = [node for node in graph_data_build().nodes.values() if node["kind"] == PLACE]
    assert [node["place_id"] for node in places] == [str(hotel.pk)]


@pytest.mark.django_db
def test_the_backfill_command_points_old_rows_at_places():
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    child = ChildFactory.create(owning_agency=police)
    episode = MissingEpisodeFactory.create(child=child, last_seen_place="the Station Hotel")
    event = EventRecord.objects.create(
        agency=police,
        event_id="E1",
        event_type="sighting",
        data={"place_name": "Station Hotel", "place_postcode": "wb1 1aa", "place_type": "hotel"},
    )
    call_command("places_resolve")
    hotel = Place.objects.get()
    assert MissingEpisode.objects.get(pk=episode.pk).last_seen_place_ref_id == hotel.pk
    assert EventRecord.objects.get(pk=event.pk).place_id == hotel.pk
    assert (hotel.postcode, hotel.kind) == ("WB1 1AA", PlaceKind.HOTEL)
    assert set(PlaceName.objects.values_list("agency__code", flat=True)) == {"POL"}
    call_command("places_resolve")  # again: nothing more to do
    assert Place.objects.count() == 1
