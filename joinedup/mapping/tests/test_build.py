"""The build's events: an episode the platform holds and the same episode in an agency's extract are one event."""

from datetime import UTC, datetime

from joinedup.mapping.internals.build import CHILD, PLACE, _Collector


def _collector() -> _Collector:
    c = _Collector()
    c.node("person:pol:C1", CHILD, "Jordan Ellis")["child_ids"].append("child-1")
    c.node("place:station", PLACE, "Wembridge Station")
    c.node("place:park", PLACE, "Riverside Park")
    return c


EVENING = datetime(2026, 11, 3, 19, 30, tzinfo=UTC)


def _episode(c: _Collector, kind: str, place: str, when: datetime = EVENING) -> None:
    c.event(source="missing_episode", agency="CSC", record="ep-1", type=kind, when=when, nodes=["person:pol:C1", place])


def _extract(c: _Collector, kind: str, place: str, when: datetime = EVENING) -> None:
    c.event(source="extract", agency="POL", record="E1", type=kind, when=when, nodes=["person:pol:C1", None, place])


def test_an_episode_already_in_an_extract_is_not_counted_again():
    c = _collector()
    _extract(c, "missing_episode", "place:station")
    _extract(c, "found", "place:park")
    _episode(c, "missing_episode", "place:station")
    _episode(c, "found", "place:park")
    assert [(e["source"], e["type"], e["nodes"]) for e in c.data.events] == [
        ("extract", "missing_episode", ["person:pol:C1", "place:station"]),
        ("extract", "found", ["person:pol:C1", "place:park"]),
    ]


def test_an_episode_is_its_own_event_where_the_extract_says_something_else_or_elsewhere_or_another_day():
    c = _collector()
    _extract(c, "sighting", "place:station")  # another type of event at the same place and time
    _extract(c, "missing_episode", "place:park")  # another place
    _extract(c, "found", "place:station", datetime(2026, 11, 2, 19, 30, tzinfo=UTC))  # another day
    _episode(c, "missing_episode", "place:station")
    _episode(c, "found", "place:station")
    assert [(e["source"], e["type"], e["date"]) for e in c.data.events][-2:] == [
        ("missing_episode", "missing_episode", "2026-11-03"),
        ("missing_episode", "found", "2026-11-03"),
    ]
    assert len(c.data.events) == 5
