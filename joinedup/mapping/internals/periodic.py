"""The hotspots and adults of concern of many periods from one reading of the events, for the refresh.

``analysis.hotspots`` and ``analysis.adults_ranked`` each read every event of a period and the one before it
(several times: the places' counts of both, each child's school, the signals, the graph). The refresh runs them for
the 52 standard periods; the 13 periods of one length tile the year, so most of that reading was done again and
again. ``PeriodAnalyses`` reads the events once: each event's nodes as numbers (``EventGraphs``), and each dated
event at a place as a small tuple filed by its day (``PlaceSeen``: its places, its children, and bits for found
there, in a concern, at night, with an adult of concern). Both are plain values, so the refresh hands them to a
process of its own (``analyses_process``), which works out the hotspots beside it. A period's counts are then the
union of its days' (the period before it is the period before in the list, counted already), and its graph is made
from its events' numbers. What it hands ``hotspots_from`` and ``adults_of_graph`` is what ``hotspots`` and
``adults_ranked`` count themselves, so the rows are the same (``tests/test_periodic.py`` compares them over every
standard period of generated areas).
"""

import bisect
import contextlib
import gc
import os
import pickle
import traceback
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import combinations
from multiprocessing.connection import Connection
from typing import Any, cast

import igraph as ig

from joinedup.jsontext import json_text

from .analysis import (
    BETWEENNESS_SOURCES,
    CONCERN_TYPES,
    FOUND_TYPES,
    NIGHT_FROM,
    NIGHT_UNTIL,
    PlaceCounts,
    Signals,
    adults_of_graph,
    hotspots_from,
    signals_near,
)
from .analysis import Period as Period
from .build import ADULT, CHILD, PLACE, GraphData

SCHOOL = "school"


# What an event at a place carries by itself, as bits: found there, in a concern, at night, with an adult of
# concern; and, in a period, meeting children from other schools there.
FOUND, CONCERN, NIGHT, WITH_ADULT, MEETING = 1, 2, 4, 8, 16
SIGNAL_BITS = (
    ("found", FOUND),
    ("concern", CONCERN),
    ("night", NIGHT),
    ("with_adult", WITH_ADULT),
    ("meeting", MEETING),
)
# A dated event at a place, as a period counts it: its places, its children and its bits. A tuple each, a few
# hundred bytes less than the event's dict (a million events).
Seen = tuple[tuple[str, ...], tuple[str, ...], int]


# The fields of a place's node its hotspot rows show (``analysis._footfall``) and rank by (``analysis._kind``).
PLACE_FIELDS = ("kind", "place_name", "postcode", "place_type", "lat", "lon")


class PlaceSeen:
    """What the hotspots of any period count, read once from ``data``'s events: each dated event at a place as a
    ``Seen`` filed by its day, the events at a school, and the places' nodes (the fields ``PLACE_FIELDS``). Small
    and made of plain values only, so the refresh hands it to a process of its own (``analyses_process``);
    periods asked for in order (each length's oldest first) reuse the period before."""

    def __init__(self, data: GraphData) -> None:
        nodes = data.nodes
        kinds = {node_id: node["kind"] for node_id, node in nodes.items()}
        schools = {n for n, node in nodes.items() if node["kind"] == PLACE and node.get("place_type") == SCHOOL}
        self.nodes = {
            n: {name: node[name] for name in PLACE_FIELDS if name in node}
            for n, node in nodes.items()
            if node["kind"] == PLACE
        }
        # Day -> the dated events at a place that day, in the build's order.
        self.days: dict[int, list[Seen]] = defaultdict(list)
        # Events at a school: (day or None, their children, their schools), in the build's order.
        self.at_school: list[tuple[int | None, tuple[str, ...], tuple[str, ...]]] = []
        ordinals: dict[str, int] = {}
        # Each tuple of places, of children and each Seen once, however many events have it: a child is seen at the
        # same places again and again, and a million events' tuples were most of what the process beside held.
        once: dict[Any, Any] = {}
        for event in data.events:
            members = event["nodes"]
            day_text = event["date"]
            day = None
            if day_text is not None:
                day = ordinals.get(day_text)
                if day is None:
                    day = ordinals[day_text] = date.fromisoformat(day_text).toordinal()
            if schools and any(n in schools for n in members):
                at = tuple(n for n in members if n in schools)
                pupils = tuple(n for n in members if kinds[n] == CHILD)
                self.at_school.append((day, once.setdefault(pupils, pupils), once.setdefault(at, at)))
            if day is None:
                continue
            places = tuple(n for n in members if kinds[n] == PLACE)
            if places:
                children = tuple(n for n in members if kinds[n] == CHILD)
                seen = (
                    once.setdefault(places, places),
                    once.setdefault(children, children),
                    self._bits(event, members, kinds),
                )
                self.days[day].append(once.setdefault(seen, seen))
        self.days = dict(self.days)
        self._counted: dict[tuple[int, int], PlaceCounts] = {}

    @staticmethod
    def _bits(event: dict[str, Any], members: list[str], kinds: dict[str, str]) -> int:
        hour = event.get("hour")
        return (
            (FOUND if event["type"] in FOUND_TYPES else 0)
            | (CONCERN if event["type"] in CONCERN_TYPES else 0)
            | (NIGHT if hour is not None and (hour >= NIGHT_FROM or hour < NIGHT_UNTIL) else 0)
            | (WITH_ADULT if any(kinds[n] == ADULT for n in members) else 0)
        )

    def _range(self, period: Period) -> range:
        return range(period.since.toordinal(), period.until.toordinal() + 1)

    def _days(self, period: Period) -> Iterable[tuple[int, list[Seen]]]:
        for day in self._range(period):
            seen = self.days.get(day)
            if seen is not None:
                yield day, seen

    def place_counts(self, period: Period) -> PlaceCounts:
        """``analysis._place_counts``: each place's children and events in the period (the last two kept)."""
        key = (period.since.toordinal(), period.until.toordinal())
        counted = self._counted.get(key)
        if counted is not None:
            return counted
        found: dict[str, list[Any]] = {}
        for _, seen in self._days(period):
            for places, children, _ in seen:
                for place in places:
                    total = found.get(place)
                    if total is None:
                        found[place] = [set(children), 1]
                    else:
                        total[0].update(children)
                        total[1] += 1
        # Each place's [children, events] as they were counted: read as the pair PlaceCounts holds, never changed.
        counted = cast(PlaceCounts, found)
        if len(self._counted) >= 2:
            self._counted.pop(next(iter(self._counted)))
        self._counted[key] = counted
        return counted

    def schools(self, period: Period) -> dict[str, str]:
        """``analysis._schools``: each child's school, the one they are most often recorded at in the period and
        the one before (and in events with no date); of two as often, the one recorded first."""
        low, high = period.previous().since.toordinal(), period.until.toordinal()
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        for day, children, at in self.at_school:
            if day is None or low <= day <= high:
                for child in children:
                    seen[child].update(at)
        return {child: counts.most_common(1)[0][0] for child, counts in seen.items()}

    def signals(self, period: Period) -> Signals:
        """``analysis._signals``: each place's children of each signal in the period."""
        school = self.schools(period)
        # Each place's children: its counts' (read only, never added to).
        found: Signals = {
            place: defaultdict(set, children=children) for place, (children, _) in self.place_counts(period).items()
        }
        by_day: dict[str, dict[int, list[str]]] = defaultdict(dict)
        adult_days: dict[str, set[int]] = defaultdict(set)
        for day, seen in self._days(period):
            for places, children, bits in seen:
                if bits & WITH_ADULT:
                    for place in places:
                        adult_days[place].add(day)
                if not children:
                    continue
                if len(children) > 1 and len({school.get(c, c) for c in children}) > 1:
                    bits |= MEETING
                for place in places:
                    present = by_day[place]
                    if day in present:
                        present[day] += children
                    else:
                        present[day] = list(children)
                    if bits:
                        held = found[place]
                        for name, bit in SIGNAL_BITS:
                            if bits & bit:
                                held[name].update(children)
        return signals_near(found, by_day, adult_days, school)

    def hotspots(self, period: Period, *, reasons: bool = True) -> list[dict[str, Any]]:
        """``analysis.hotspots(data, period)``; without ``reasons``, its rows less ``why`` (see ``hotspots_from``)."""
        return hotspots_from(
            GraphData(nodes=self.nodes),
            self.place_counts(period),
            self.place_counts(period.previous()),
            self.signals(period),
            reasons=reasons,
        )


# The fields of an adult of concern's node their rows show (``analysis.adults_of_graph``, ``_member_list``).
ADULT_FIELDS = ("kind", "label", "members", "child_ids", "adult_ids")


class EventGraphs:
    """The graph of any period's events (``analysis.graph_of``'s, less the weights), from one reading of ``data``'s
    events; and the adults of concern ranked over it. The dated events' nodes, as numbers, and every two of them
    (a pair as one number) are kept in flat arrays in the order of their days, so a period's are one slice of
    each; the undated events' (in every period) as sets. Plain values only, like ``PlaceSeen``, so a process of
    its own can be handed it."""

    def __init__(self, data: GraphData) -> None:
        nodes = data.nodes
        # Every node by its place in sorted order: sorting numbers sorts the names.
        self.names = sorted(nodes)
        rank = {name: i for i, name in enumerate(self.names)}
        self.width = width = len(self.names)
        self.kinds = [nodes[name]["kind"] for name in self.names]
        self.nodes = {
            n: {name: node[name] for name in ADULT_FIELDS if name in node}
            for n, node in nodes.items()
            if node["kind"] == ADULT
        }
        ordinals: dict[str, int] = {}
        dated: list[tuple[int, tuple[int, ...]]] = []
        self.undated_nodes: set[int] = set()
        self.undated_pairs: set[int] = set()
        for event in data.events:
            members = tuple(sorted(rank[n] for n in event["nodes"]))
            day_text = event["date"]
            if day_text is None:
                self.undated_nodes.update(members)
                self.undated_pairs.update(a * width + b for a, b in combinations(members, 2))
                continue
            day = ordinals.get(day_text)
            if day is None:
                day = ordinals[day_text] = date.fromisoformat(day_text).toordinal()
            dated.append((day, members))
        # The dated events by day (each day's in the build's order): their days, their nodes and their pairs, with
        # where each event's begin in the two last (``node_at``, ``pair_at``: one more than the events).
        dated.sort(key=lambda item: item[0])
        self.dated_days = array("l", (day for day, _ in dated))
        self.event_nodes, self.pairs = array("q"), array("q")
        self.node_at, self.pair_at = array("q", [0]), array("q", [0])
        for _, members in dated:
            self.event_nodes.extend(members)
            self.pairs.extend(a * width + b for a, b in combinations(members, 2))
            self.node_at.append(len(self.event_nodes))
            self.pair_at.append(len(self.pairs))

    def graph(self, period: Period) -> ig.Graph:
        """``analysis.graph_of`` the period's events (those in it and those with no date), less the weights: its
        edges in the order of their ends."""
        low = bisect.bisect_left(self.dated_days, period.since.toordinal())
        high = bisect.bisect_right(self.dated_days, period.until.toordinal())
        pairs = set(self.pairs[self.pair_at[low] : self.pair_at[high]])
        pairs |= self.undated_pairs
        present = set(self.event_nodes[self.node_at[low] : self.node_at[high]])
        present |= self.undated_nodes
        ordered = sorted(present)
        local = {n: i for i, n in enumerate(ordered)}
        width = self.width
        graph = ig.Graph(n=len(ordered), edges=[(local[pair // width], local[pair % width]) for pair in sorted(pairs)])
        graph.vs["name"] = [self.names[n] for n in ordered]
        graph.vs["kind"] = [self.kinds[n] for n in ordered]
        return graph

    def adults_ranked(self, period: Period, *, sources: int | None = BETWEENNESS_SOURCES) -> list[dict[str, Any]]:
        """``analysis.adults_ranked(data, period)``."""
        return adults_of_graph(GraphData(nodes=self.nodes), self.graph(period), sources=sources)


# A stored result's values in the order the refresh writes them (services.RESULT_FIELDS), its summary and data as
# JSON text.
Stored = tuple[int, str, str, int, str, str, str]
# What a process of its own may be asked to work out for a period: its hotspots, its adults of concern.
HOTSPOTS, ADULTS = "hotspots", "adults"
# A period's analysis asked for: which, the period, the period's key and the kind of result its rows are stored as.
AnalysisJob = tuple[str, Period, str, str]


def job_rows(places: PlaceSeen | None, graphs: EventGraphs | None, job: AnalysisJob, snapshot: int) -> list[Stored]:
    """One job's rows as the refresh stores them, in rank order: the snapshot, the kind, the period's key, the rank,
    the node, an empty summary and the row (a hotspot less its ``why``), as JSON text (jsontext.json_text).
    ``places`` for hotspots, ``graphs`` for adults of concern."""
    what, period, key, kind = job
    if what == HOTSPOTS and places is not None:
        found = places.hotspots(period, reasons=False)
    elif what == ADULTS and graphs is not None:
        found = graphs.adults_ranked(period)
    else:
        raise ValueError(f"Nothing to work out {what} from.")
    return [(snapshot, kind, key, rank, row["node"], "{}", json_text(row)) for rank, row in enumerate(found)]


def _last_adults(jobs: list[AnalysisJob]) -> int:
    return max((i for i, (what, *_) in enumerate(jobs) if what == ADULTS), default=-1)


def result_rows(
    places: PlaceSeen | None, graphs: EventGraphs | None, jobs: list[AnalysisJob], snapshot: int
) -> Iterator[list[Stored]]:
    """Each job's rows (``job_rows``): ``graphs`` let go of once the last adults of concern are worked out."""
    last_adults = _last_adults(jobs)
    for i, job in enumerate(jobs):
        if i > last_adults:
            graphs = None
        yield job_rows(places, graphs, job, snapshot)


def hand_over(value: Any, folder: str, name: str) -> str:
    """``value`` written to a file ``name`` in ``folder`` (the refresh's own, made for the process beside it), for
    the other process to ``take_over``; its path. Files rather than the pipe between them: a thread reading a pipe
    a slice at a time must win back Python's lock from the refresh's busy threads after each slice, which held the
    process beside waiting on a full pipe for a minute at 1M events; a file is read at once."""
    return hand_over_pickled(pickled(value), folder, name)


def pickled(value: Any) -> bytes:
    """``value`` as ``hand_over`` writes it, for a process that hands it over and keeps it (``hand_over_pickled``)."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def hand_over_pickled(written: bytes, folder: str, name: str) -> str:
    """``hand_over`` of what ``pickled`` gave."""
    path = os.path.join(folder, name)
    with open(f"{path}.part", "wb") as file:
        file.write(written)
    os.replace(f"{path}.part", path)
    return path


def take_over(path: str) -> Any:
    """What ``hand_over`` wrote to ``path``, which it deletes."""
    with open(path, "rb") as file:
        written = file.read()
    os.unlink(path)
    return take_over_pickled(written)


def take_over_pickled(written: bytes) -> Any:
    """What ``pickled`` gave, as it was."""
    return pickle.loads(written)  # noqa: S301 (the refresh's own, from its own process)


@contextlib.contextmanager
def cycles_left_alone() -> Iterator[None]:
    """Python's collector of reference cycles paused while the refresh's analyses run, and resumed after as it
    was. The collector walks every object a process holds each time enough new ones have outlived its younger
    generations, and an analysis makes hundreds of thousands a period (sets, rows), so at 1M events it walked the
    millions of the events' and the counts' objects again and again: about a third of the hotspots' time and a
    seventh of the refresh's own (docs/benchmarks.md). What the analyses make holds no cycles (dicts, sets, lists
    and tuples of text and numbers, igraph's graphs), so it is freed as before, as its last reference goes; the
    collector, resumed, collects what little else a pause left."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def analyses_process(pipe: Connection) -> None:
    """A process of its own working out analyses beside the refresh (services._Beside). It is told the folder it
    shares with the refresh, the file of an ``EventGraphs``, the jobs and the snapshot. Before each hotspots job it
    claims it (``("claim", its number)``) and is answered whether it is its to work out, with, the first time, the
    file of a ``PlaceSeen`` (``take_over``): the refresh, once its own analyses are done, works out the last
    hotspots itself, and a job it has taken is refused, as is every one after it. It hands back each job's rows in
    a file of that folder (``("rows", (its number, path))``: ``hand_over``), then ``("done", None)``; or, where
    anything fails, ``("error", the traceback)``. It reads and writes no database: the refresh writes what it is
    handed."""
    try:
        with cycles_left_alone():
            _analyses(pipe)
        pipe.send(("done", None))
    except BaseException:
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def _analyses(pipe: Connection) -> None:
    """``analyses_process``'s jobs, each claimed and handed back."""
    folder, graphs_file, jobs, snapshot = pipe.recv()
    graphs: EventGraphs | None = take_over(graphs_file)
    places: PlaceSeen | None = None
    last_adults = _last_adults(jobs)
    for i, job in enumerate(jobs):
        if i > last_adults:
            graphs = None
        if job[0] == HOTSPOTS:
            pipe.send(("claim", i))
            granted, path = pipe.recv()
            if not granted:
                break
            if path is not None:
                places = take_over(path)
        pipe.send(("rows", (i, hand_over(job_rows(places, graphs, job, snapshot), folder, f"rows-{i}"))))


class PeriodAnalyses:
    """Hotspots and adults of concern for any period of ``data``, equal to ``analysis.hotspots`` and
    ``analysis.adults_ranked``; periods asked for in order (each length's oldest first) reuse the period before.
    The hotspots' reading of the events (``PlaceSeen``) is made when first asked for."""

    def __init__(self, data: GraphData) -> None:
        self.data = data
        self.graphs = EventGraphs(data)
        self._places: PlaceSeen | None = None

    @property
    def places(self) -> PlaceSeen:
        if self._places is None:
            self._places = PlaceSeen(self.data)
        return self._places

    def place_counts(self, period: Period) -> PlaceCounts:
        return self.places.place_counts(period)

    def schools(self, period: Period) -> dict[str, str]:
        return self.places.schools(period)

    def signals(self, period: Period) -> Signals:
        return self.places.signals(period)

    def hotspots(self, period: Period, *, reasons: bool = True) -> list[dict[str, Any]]:
        """``analysis.hotspots(data, period)``; without ``reasons``, its rows less ``why`` (see ``hotspots_from``)."""
        return self.places.hotspots(period, reasons=reasons)

    def graph(self, period: Period) -> ig.Graph:
        return self.graphs.graph(period)

    def adults_ranked(self, period: Period, *, sources: int | None = BETWEENNESS_SOURCES) -> list[dict[str, Any]]:
        """``analysis.adults_ranked(data, period)``."""
        return self.graphs.adults_ranked(period, sources=sources)
