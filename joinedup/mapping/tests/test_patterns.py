import json
from datetime import date

import pytest
from django.core.management import call_command

from joinedup.mapping.api import Period, graph_data_build, map_patterns
from joinedup.mapping.internals.analysis import change_label, hotspots
from joinedup.mapping.internals.normalise import phone_normalise, place_from_text, place_key, vrm_normalise

from .planted import SINCE, UNTIL, plant

pytestmark = pytest.mark.django_db


def test_the_same_place_vehicle_and_phone_written_differently_are_one_key():
    assert place_key("The Station-Hotel", "nb1 1aa") == place_key("the station hotel", "NB11AA")
    assert place_from_text("Station Hotel, 2 Station Approach, NB1 1AA") == ("Station Hotel", "NB1 1AA")
    assert vrm_normalise("yx19 klm") == vrm_normalise("YX19KLM") == "YX19KLM"
    assert phone_normalise("+44 7700 900123") == phone_normalise("07700 900123") == "07700900123"


def test_change_is_new_growing_fading_or_steady_against_the_previous_period():
    assert [change_label(2, 0), change_label(3, 1), change_label(1, 2), change_label(2, 2)] == [
        "new",
        "growing",
        "fading",
        "steady",
    ]
    assert Period(SINCE, UNTIL).previous() == Period(date(2026, 8, 31), date(2026, 9, 30))


def test_hotspots_rank_places_by_what_happens_there_with_the_planted_change():
    plant()
    rows = hotspots(graph_data_build(), Period(SINCE, UNTIL))
    # The hotel, where a child was found with the adult at dawn, comes first; then the cafe, where a child was
    # seen with the other adult at night; the grill, where a child was seen alone, last.
    assert [(r["place_name"], r["children"], r["children_before"], r["change"]) for r in rows] == [
        ("Station Hotel", 3, 1, "growing"),
        ("Park Cafe", 1, 2, "fading"),
        ("Mill Lane Grill", 1, 0, "new"),
    ]
    # A1 and A3 were named there with the adult; A2 was there three days after and two before: not with them.
    assert rows[0]["signals"]["found"] == 1 and rows[0]["signals"]["with_adult"] == 2
    assert rows[0]["why"][0] == "1 child found here after going missing, or said they had been here"
    assert rows[1]["signals"] | {"concern": 0} == {"found": 0, "with_adult": 1, "meeting": 0, "night": 1, "concern": 0}
    assert rows[0]["score"] > rows[1]["score"] > rows[2]["score"]


def test_map_patterns_finds_the_two_planted_networks_and_ranks_the_adults():
    plant()
    patterns = map_patterns(since=SINCE, until=UNTIL)
    networks = patterns["networks"]
    assert [[m["record_id"] for m in n["members"]] for n in networks] == [["A1", "A2", "A3", "AA"], ["B1", "BB"]]
    assert [(n["children"], n["adults"]) for n in networks] == [(3, 1), (1, 1)]
    # Where the ties were made: A2 went to the grill alone, so it holds no one.
    assert networks[0]["places"] == ["Station Hotel, NB1 1AA"]
    assert networks[1]["places"] == ["Park Cafe, NB9 9ZZ"]
    assert patterns["adults_of_concern"] == [
        {"agency": "POL", "record_id": "AA", "children": 3},
        {"agency": "POL", "record_id": "BB", "children": 1},
    ]


def test_over_all_time_the_cafe_network_holds_both_its_children():
    plant()
    patterns = map_patterns(since=date(2026, 1, 1), until=date(2026, 12, 31))
    assert [[m["record_id"] for m in n["members"]] for n in patterns["networks"]] == [
        ["A1", "A2", "A3", "AA"],
        ["B1", "B2", "BB"],
    ]


def test_map_patterns_command_writes_the_documented_json(tmp_path):
    plant()
    out = tmp_path / "patterns.json"
    call_command("map_patterns", "--since", "2026-10-01", "--until", "2026-10-31", "--out", str(out))
    patterns = json.loads(out.read_text())
    assert {"hotspots", "networks", "adults_of_concern"} <= set(patterns)
    assert patterns["hotspots"][0] == {
        "place_name": "Station Hotel",
        "place_postcode": "NB1 1AA",
        "children": 3,
        "events": 3,
        "change": "growing",
    }
    for network in patterns["networks"]:
        assert {"members", "children", "adults"} <= set(network)
        assert all(set(member) == {"agency", "record_id"} for member in network["members"])
    assert all(set(adult) == {"agency", "record_id", "children"} for adult in patterns["adults_of_concern"])


def test_the_example_extract_links_the_found_child_the_adult_and_the_car(tmp_path):
    from pathlib import Path

    from joinedup.accounts.models import RoleCode
    from joinedup.accounts.tests.factories import UserFactory
    from joinedup.agencies.tests.factories import AgencyFactory
    from joinedup.imports.services import agency_extract_import

    example = Path(__file__).resolve().parents[2] / "imports" / "tests" / "agency-extract-example"
    police, social_care = AgencyFactory.create(code="POL"), AgencyFactory.create(code="CSC")
    coordinator = UserFactory.create(agency=police, roles=[RoleCode.COORDINATOR])
    agency_extract_import(user=coordinator, path_or_files=[str(example / "police"), str(example / "social-care")])
    assert social_care
    patterns = map_patterns(since=date(2026, 10, 1), until=date(2026, 10, 31))
    assert {h["place_name"] for h in patterns["hotspots"]} == {"Station Hotel", "Mill Lane Grill"}
    assert patterns["adults_of_concern"][0]["record_id"] == "P-1002"
    assert patterns["adults_of_concern"][0]["children"] >= 2
