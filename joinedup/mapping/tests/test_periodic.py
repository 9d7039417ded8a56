"""The refresh's analyses of all the standard periods from one reading of the events (periodic.py) give what each
period's own analysis gives: the same hotspots, with their signals, and the same adults of concern."""

import random
from datetime import date, timedelta

from joinedup.mapping.internals import analysis
from joinedup.mapping.internals.build import ADULT, CHILD, PERSON, PHONE, PLACE, VEHICLE, GraphData
from joinedup.mapping.internals.periodic import PeriodAnalyses
from joinedup.mapping.periods import standard_periods

AS_OF = date(2026, 12, 5)
TYPES = ["sighting", "sighting", "found", "return_interview", "concern", "missing_episode", "community_report"]
PLACE_TYPES = ["school", "school", "takeaway", "hotel", "shopping_centre", "", "private_address"]


def _area(seed: int, events: int = 2500) -> GraphData:
    """Children, adults of concern and others at places (schools among them), with vehicles and phones, over more
    than the longest period and the one before it, some at night, some with no date, some found or in concerns,
    some with no child (an adult or a vehicle seen at a place);
    a few busy places and a few small groups who meet, so every signal has children to count."""
    rng = random.Random(seed)
    data = GraphData()
    counts = {CHILD: 160, ADULT: 14, PERSON: 30, PLACE: 45, VEHICLE: 6, PHONE: 8}
    by_kind: dict[str, list[str]] = {}
    for kind, count in counts.items():
        for i in range(count):
            node_id = f"{'person' if kind in {CHILD, ADULT, PERSON} else kind}:{kind}{i}"
            data.nodes[node_id] = {
                "id": node_id,
                "kind": kind,
                "label": node_id,
                "members": [["POL", node_id]],
                "child_ids": [str(i)] if kind == CHILD else [],
                "adult_ids": [],
                "place_name": f"Place {i}" if kind == PLACE else "",
                "postcode": f"NB{i % 9 + 1} {i % 7 + 1}AB" if kind == PLACE else "",
                "place_type": PLACE_TYPES[i % len(PLACE_TYPES)] if kind == PLACE else "",
            }
            by_kind.setdefault(kind, []).append(node_id)
    busy, quiet = by_kind[PLACE][:5], by_kind[PLACE][5:]
    start = AS_OF - timedelta(days=400)
    for i in range(events):
        children = rng.sample(by_kind[CHILD][: 40 if i % 3 else 160], rng.choice([0, 1, 1, 1, 2, 3, 7]))
        nodes = list(children)
        if rng.random() < 0.85:
            nodes.append(rng.choice(busy if rng.random() < 0.3 else quiet))
        if rng.random() < 0.25:
            nodes.append(rng.choice(by_kind[ADULT]))
        if rng.random() < 0.1:
            nodes.append(rng.choice(by_kind[PERSON]))
        if rng.random() < 0.08:
            nodes.append(rng.choice(by_kind[VEHICLE] + by_kind[PHONE]))
        day = None if rng.random() < 0.03 else (start + timedelta(days=rng.randrange(402))).isoformat()
        data.events.append(
            {
                "source": "extract",
                "agency": "POL",
                "record": f"E{i}",
                "type": rng.choice(TYPES),
                "date": day,
                "hour": rng.choice([None, 2, 10, 15, 22]),
                "nodes": list(dict.fromkeys(nodes)),
            }
        )
    return data


def test_every_standard_periods_hotspots_and_adults_equal_the_periods_own_analysis():
    for seed in (3, 11):
        data = _area(seed)
        shared = PeriodAnalyses(data)
        checked = {"hotspots": 0, "signalled": 0, "adults": 0}
        for period in standard_periods(AS_OF):
            spots = analysis.hotspots(data, period)
            assert shared.hotspots(period) == spots, period
            adults = analysis.adults_ranked(data, period)
            assert shared.adults_ranked(period) == adults, period
            checked["hotspots"] += len(spots)
            checked["signalled"] += sum(
                all(row["signals"][name] for name in ("found", "meeting", "night")) for row in spots
            )
            checked["adults"] += len(adults)
        # Not a comparison of empty lists: the periods hold places with every kind of signal, and adults.
        assert checked["hotspots"] > 500 and checked["signalled"] > 50 and checked["adults"] > 100, checked


def test_the_schools_children_are_at_decide_who_met_children_from_other_schools():
    """Two children always seen together at one school do not "meet" at the cafe; one of them with a child from
    another school at the hotel, days later, does. The shared reading and the period's own agree."""
    data = _area(5, events=0)
    school, other_school, cafe, hotel = "place:place0", "place:place1", "place:place2", "place:place3"
    a, b, c = "person:child0", "person:child1", "person:child2"
    seen = [(9, [a, b, school]), (8, [a, b, school]), (9, [c, other_school]), (6, [a, b, cafe]), (2, [b, c, hotel])]
    for i, (back, nodes) in enumerate(seen):
        day = (AS_OF - timedelta(days=back)).isoformat()
        data.events.append(
            {"source": "extract", "agency": "POL", "record": f"S{i}", "type": "sighting", "date": day}
            | {"hour": None, "nodes": nodes}
        )
    period = standard_periods(AS_OF)[25]
    assert (period.days, period.until) == (14, AS_OF)
    spots = {row["node"]: row["signals"]["meeting"] for row in analysis.hotspots(data, period)}
    assert (spots[cafe], spots[hotel]) == (0, 2)
    assert PeriodAnalyses(data).hotspots(period) == analysis.hotspots(data, period)


def test_periods_that_are_not_whole_weeks_back_from_the_refresh_equal_their_own_analysis():
    """A period of any other length or end than the standard ones (a shared link's dates) gives its own
    analysis's rows too, before and after the standard periods were read (the reading keeps the last counts)."""
    data = _area(7)
    shared = PeriodAnalyses(data)
    odd = [
        analysis.Period(AS_OF - timedelta(days=9), AS_OF - timedelta(days=2)),
        analysis.Period(AS_OF - timedelta(days=40), AS_OF - timedelta(days=31)),
        analysis.Period(AS_OF - timedelta(days=3), AS_OF - timedelta(days=3)),
        analysis.Period(AS_OF - timedelta(days=120), AS_OF - timedelta(days=1)),
    ]
    checked = 0
    for period in [*odd, *standard_periods(AS_OF), *odd]:
        spots = analysis.hotspots(data, period)
        assert shared.hotspots(period) == spots, period
        checked += sum(row["signal"] > 0 for row in spots)
    assert checked > 50
