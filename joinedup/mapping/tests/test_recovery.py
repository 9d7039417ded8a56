"""Networks a coordinator can act on and hotspots by what happens there, on areas with shared schools, a busy
station and a busy shopping centre: the planted networks come out as their own networks, the planted places
at the top."""

import random
import re

from joinedup.mapping.internals.analysis import hotspots, hotspots_by_footfall, networks, networks_by_component
from joinedup.mapping.internals.build import GraphData, NameFinder
from joinedup.mapping.internals.normalise import name_normalise

from .area import area_generate, recovery
from .test_adults_ranked import OCTOBER, _area


def test_planted_networks_and_places_are_recovered_on_an_area_with_shared_schools_and_a_busy_station():
    area = area_generate(3000, seed=7)
    found = recovery(area, networks(area.data, area.period), hotspots(area.data, area.period))
    assert found.planted >= 3
    assert found.recovered == found.planted, found.sizes
    assert found.size_ratio <= 2.0
    # Background children in a planted network are there by a record they share with one of its people
    # (a sibling, a classmate named with them), never by a school or a station alone.
    assert found.background_untied == 0
    assert found.largest <= 2 * max(planted for _, planted in found.sizes)
    assert found.in_top_ten == len(found.ranks)
    # The same area read the older way: one group of nearly everyone, and the busiest places first.
    older = recovery(area, networks_by_component(area.data, area.period), hotspots_by_footfall(area.data, area.period))
    assert older.recovered == 0 and older.largest > 1000
    assert older.in_top_ten == 0


CHILDREN = 250


def _school_and_station() -> GraphData:
    """250 children at one school and at the station, all on the same day; a flat where three of them are
    found after going missing, one with an adult of concern."""
    events = [[f"child:S{i}", "place:School"] for i in range(CHILDREN)]
    events += [[f"child:S{i}", "place:Station"] for i in range(CHILDREN)]
    events += [["child:S1", "place:Flat", "adult:X"], ["child:S2", "place:Flat"], ["child:S3", "place:Flat"]]
    return _area(events)


def test_children_who_only_share_a_school_or_a_station_are_no_network():
    data = _school_and_station()
    data.events = [event for event in data.events if "place:Flat" not in event["nodes"]]
    assert networks(data, OCTOBER) == []
    assert len(networks_by_component(data, OCTOBER)) == 1


def test_a_network_says_who_holds_it_where_when_and_which_agency_said_so():
    data = _school_and_station()
    found = networks(data, OCTOBER)
    assert [sorted(n for n in network["nodes"] if not n.startswith("place:")) for network in found] == [
        ["adult:X", "child:S1", "child:S2", "child:S3"]
    ]
    network = found[0]
    assert "place:Flat" in network["nodes"] and "place:School" not in network["nodes"]
    assert network["places"] == ["place:Flat"]
    tie = next(t for t in network["ties"] if {t["a"], t["b"]} == {"adult:X", "child:S1"})
    assert tie["evidence"][0] | {"record": ""} == {
        "how": "named together",
        "via": "",
        "via_node": "",
        "type": "sighting",
        "date": "2026-10-05",
        "place": "place:Flat",
        "place_node": "place:Flat",
        "agency": "POL",
        "source": "extract",
        "record": "",
    }
    assert len(network["ties"]) == 3  # a spanning tree over four people
    assert "1 adult of concern" in network["why"] and "place:Flat" in network["why"]


def test_a_flat_where_missing_children_are_found_outranks_a_busier_school_and_station_and_says_why():
    data = _school_and_station()
    for event in data.events:
        if "place:Flat" in event["nodes"]:
            event |= {"type": "found", "hour": 3}
        else:
            event |= {"hour": 12, "type": "school_absence" if "place:School" in event["nodes"] else "stop_search"}
    rows = hotspots(data, OCTOBER)
    assert [row["node"] for row in rows] == ["place:Flat", "place:School", "place:Station"]
    flat = rows[0]
    assert flat["signals"] == {"found": 3, "with_adult": 3, "meeting": 3, "night": 3, "concern": 0}
    assert flat["why"][:2] == [
        "3 children found here after going missing, or said they had been here",
        "3 children here with an adult of concern",
    ]
    assert flat["score"] > 0 and flat["signal"] > flat["expected"]
    assert rows[1]["why"] == [f"nothing of concern recorded here; {CHILDREN} children passed through"]
    # By footfall alone, the school and the station come first.
    assert [row["node"] for row in hotspots_by_footfall(data, OCTOBER)][-1] == "place:Flat"


WORDS = ["the", "station", "hotel", "mill", "lane", "grill", "park", "x1"]


def test_names_found_in_one_pass_are_those_a_regular_expression_finds_as_whole_words():
    rng = random.Random(3)
    for _ in range(300):
        names = [name_normalise(" ".join(rng.choices(WORDS, k=rng.randint(0, 3)))) for _ in range(rng.randint(0, 6))]
        names = [name for name in names if name]
        text = " ".join(rng.choices(WORDS, k=rng.randint(0, 10)))
        finder = NameFinder((name, f"node:{i}") for i, name in enumerate(names))
        expected = [f"node:{i}" for i, name in enumerate(names) if re.search(rf"\b{re.escape(name)}\b", text)]
        assert finder.found_in(text) == expected, (names, text)
