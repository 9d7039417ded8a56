"""The analyses, with igraph: networks, communities, adults of concern, hotspots and change over time.

Each takes a GraphData (already filtered for whoever will see the result) and a period; an event with no
date (a phone on a person's own record) belongs to every period.

Networks are groups of people held together by their own ties, not by the places everyone passes through;
hotspots rank places by what happens there against what their kind and size would lead one to expect.
Both say why (see ``networks`` and ``hotspots``). The older readings, connected groups of the whole graph
and places by footfall, stay as ``networks_by_component`` and ``hotspots_by_footfall``: the baselines the
benchmark measures against.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import Any

import igraph as ig

from .build import ADULT, CHILD, HANDLE, PHONE, PLACE, VEHICLE, GraphData

THINGS = {PLACE, VEHICLE, PHONE, HANDLE}
PERSONS = {CHILD, ADULT, "person"}
# Things a person carries or uses: sharing one is a person's own association.
OWN_THINGS = {VEHICLE, PHONE, HANDLE}


@dataclass(frozen=True)
class Period:
    """From ``since`` to ``until``, both days included."""

    since: date
    until: date

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    def previous(self) -> "Period":
        return Period(self.since - timedelta(days=self.days), self.since - timedelta(days=1))

    def holds(self, day: str | None) -> bool:
        return day is None or self.since.isoformat() <= day <= self.until.isoformat()


# A place -> the children seen there and its events (``_place_counts``); a place -> signal -> the children it
# holds (``_signals``).
PlaceCounts = dict[str, tuple[set[str], int]]
Signals = dict[str, dict[str, set[str]]]


def events_in(data: GraphData, period: Period | None) -> list[dict[str, Any]]:
    return [event for event in data.events if period is None or period.holds(event["date"])]


def _pairs(events: Iterable[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Every two nodes of one event are joined; the weight counts the events joining them."""
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for event in events:
        nodes = sorted(event["nodes"])
        for i, a in enumerate(nodes):
            for b in nodes[i + 1 :]:
                weights[(a, b)] += 1
    return weights


def graph_of(data: GraphData, events: list[dict[str, Any]]) -> ig.Graph:
    names = sorted({n for event in events for n in event["nodes"]})
    index = {name: i for i, name in enumerate(names)}
    weights = _pairs(events)
    graph = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in weights])
    graph.vs["name"] = names
    graph.vs["kind"] = [data.nodes[n]["kind"] for n in names]
    graph.es["weight"] = list(weights.values())
    return graph


def _member_list(data: GraphData, node_ids: Iterable[str]) -> list[dict[str, str]]:
    members = []
    for node_id in sorted(node_ids):
        node = data.nodes[node_id]
        members += [{"agency": agency, "record_id": record_id} for agency, record_id in node["members"]]
        if not node["members"]:
            # Recorded on the platform itself rather than imported: the platform's own id.
            members += [{"agency": "", "record_id": pk} for pk in node["child_ids"] + node["adult_ids"]]
    return sorted(members, key=lambda m: (m["agency"], m["record_id"]))


# Leiden's passes: a fixed number (running "until stable" can go on for ever on some weighted graphs).
LEIDEN_ITERATIONS = 10


@contextmanager
def _seeded(seed: str) -> Iterator[None]:
    """igraph's random numbers (Leiden's) from a generator seeded by ``seed``: the same result every time."""
    ig.set_random_number_generator(random.Random(seed))  # noqa: S311 - repeatable, not secret
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def _leiden(graph: ig.Graph, seed: str) -> list[list[int]]:
    with _seeded(seed):
        found = graph.community_leiden(
            objective_function="modularity", weights="weight", n_iterations=LEIDEN_ITERATIONS
        )
    return [list(group) for group in found]


def networks_by_component(data: GraphData, period: Period | None = None) -> list[dict[str, Any]]:
    """The older reading, kept as the benchmark's baseline: connected groups of the whole graph (people,
    places and things alike) holding two people or more, largest first, each split into Leiden communities.
    One school or station joins everyone who passed through it."""
    graph = graph_of(data, events_in(data, period))
    found = []
    for component in graph.connected_components(mode="weak"):
        people = [graph.vs[v]["name"] for v in component if graph.vs[v]["kind"] in PERSONS]
        if len(people) < 2:
            continue
        sub = graph.induced_subgraph(component)
        communities = _leiden(sub, min(people))
        found.append(
            {
                "nodes": sorted(graph.vs[v]["name"] for v in component),
                "members": _member_list(data, people),
                "children": sum(data.nodes[p]["kind"] == CHILD for p in people),
                "adults": sum(data.nodes[p]["kind"] == ADULT for p in people),
                "places": sorted(
                    data.nodes[graph.vs[v]["name"]]["label"] for v in component if graph.vs[v]["kind"] == PLACE
                ),
                "communities": sorted(
                    (sorted(sub.vs[v]["name"] for v in group) for group in communities if len(group) > 1),
                    key=lambda group: (-len(group), group),
                ),
            }
        )
    return sorted(found, key=lambda n: (-len(n["members"]), -n["children"], n["nodes"]))


# Networks: what ties two people.
#
# - Named together in one record (a found report naming the child and an adult, a sighting of three
#   children): 1 / (people named - 1) a record, so a record naming two people ties them by 1. A record
#   naming more than NAMED_TOGETHER_MAX people (a register, a class list) ties no one.
# - The same vehicle, phone or online handle: 1 / (people linked to it - 1).
# - A place: by how many children pass through it in the period (its footfall, u). Each day on which two
#   people were there within TOGETHER_DAYS of each other ties them by 1 / sqrt(u - 1); at a place no more than
#   SMALL_PLACE children visit, being there at any time in the period ties them by half that. A place more
#   than BUSY_PLACE children pass through (a school, a station, a hospital) ties no one by presence alone.
#
# Two people whose ties add up to TIE_MIN or more are tied. A group of tied people is split into its Leiden
# communities (see _groups); each of two people or more is a network.
NAMED_TOGETHER_MAX = 12
SHARED_THING_MAX = 12
TOGETHER_DAYS = 1
SMALL_PLACE = 5
BUSY_PLACE = 200
TIE_MIN = 0.125
GROUP_DENSITY = TIE_MIN
# Ties shown for a network: those of its strongest spanning tree (every member held by their strongest
# ties), each with at most this many records behind it.
TIE_EVIDENCE = 3
HOW = {
    "named": "named together",
    VEHICLE: "the same vehicle",
    PHONE: "the same phone",
    HANDLE: "the same online handle",
    PLACE: "at the same place",
}


def _ordinal(cache: dict[str, int], day: str) -> int:
    number = cache.get(day)
    if number is None:
        number = cache[day] = date.fromisoformat(day).toordinal()
    return number


class _Ties:
    """One pass over a period's events: the ties between people, and what each person was in."""

    def __init__(self, data: GraphData, events: list[dict[str, Any]]) -> None:
        self.data, self.events = data, events
        kinds = {node_id: node["kind"] for node_id, node in data.nodes.items()}
        self.weight: dict[tuple[str, str], float] = defaultdict(float)
        self.person_events: dict[str, list[int]] = defaultdict(list)
        thing_people: dict[str, set[str]] = defaultdict(set)
        # Place -> day -> people there that day; place -> the children seen there.
        visits: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        footfall: dict[str, set[str]] = defaultdict(set)
        days: dict[str, int] = {}
        for index, event in enumerate(events):
            people = [n for n in event["nodes"] if kinds[n] in PERSONS]
            if not people:
                continue
            for person in people:
                self.person_events[person].append(index)
            if 2 <= len(people) <= NAMED_TOGETHER_MAX:
                share = 1.0 / (len(people) - 1)
                for a, b in combinations(sorted(people), 2):
                    self.weight[(a, b)] += share
            for node_id in event["nodes"]:
                kind = kinds[node_id]
                if kind in OWN_THINGS:
                    thing_people[node_id].update(people)
                elif kind == PLACE and event["date"]:
                    visits[node_id][_ordinal(days, event["date"])].update(people)
                    footfall[node_id].update(p for p in people if kinds[p] == CHILD)
        self.thing_people = {thing: people for thing, people in thing_people.items() if len(people) >= 2}
        for linked in self.thing_people.values():
            if len(linked) <= SHARED_THING_MAX:
                share = 1.0 / (len(linked) - 1)
                for a, b in combinations(sorted(linked), 2):
                    self.weight[(a, b)] += share
        self.footfall = {place: len(children) for place, children in footfall.items()}
        for place, by_day in visits.items():
            children = self.footfall[place]
            if children > BUSY_PLACE:
                continue
            share = 1.0 / math.sqrt(max(1, children - 1))
            together: Counter[tuple[str, str]] = Counter()
            for day, present in by_day.items():
                near = set(present)
                for later in range(1, TOGETHER_DAYS + 1):
                    near |= by_day.get(day + later, set())
                for a in present:
                    for b in near:
                        if a < b or (b not in present and a != b):
                            together[(a, b) if a < b else (b, a)] += 1
            if children <= SMALL_PLACE:
                everyone = sorted({p for present in by_day.values() for p in present})
                for pair in combinations(everyone, 2):
                    self.weight[pair] += share * max(0.5, together[pair])
            else:
                for pair, count in together.items():
                    self.weight[pair] += share * count

    def tied(self) -> dict[tuple[str, str], float]:
        return {pair: weight for pair, weight in self.weight.items() if weight >= TIE_MIN}

    def evidence(self, a: str, b: str) -> list[dict[str, Any]]:
        """The records behind the tie between ``a`` and ``b``, newest first: who, where, when, which agency."""
        nodes = self.data.nodes
        mine, theirs = self.person_events.get(a, []), self.person_events.get(b, [])
        shared = set(mine) & set(theirs)
        found: list[tuple[str, dict[str, Any]]] = []

        def entry(how: str, index: int, via: str = "") -> dict[str, Any]:
            event = self.events[index]
            places = [n for n in event["nodes"] if nodes[n]["kind"] == PLACE]
            return {
                "how": how,
                "via": nodes[via]["label"] if via else "",
                "via_node": via,
                "type": event["type"],
                "date": event["date"],
                "place": nodes[places[0]]["label"] if places else "",
                "place_node": places[0] if places else "",
                "agency": event["agency"],
                "source": event["source"],
                "record": event["record"],
            }

        for index in shared:
            found.append(("named", entry(HOW["named"], index)))
        things_of = {i: {n for n in self.events[i]["nodes"] if nodes[n]["kind"] in THINGS} for i in mine + theirs}
        their_things = {n for i in theirs for n in things_of[i]}
        for index in mine:
            if index in shared:
                continue
            for thing in sorted(things_of[index] & their_things):
                kind = nodes[thing]["kind"]
                if kind == PLACE and self.footfall.get(thing, 0) > BUSY_PLACE:
                    continue
                if kind in OWN_THINGS and thing not in self.thing_people:
                    continue
                other = next((i for i in theirs if thing in things_of[i] and i not in shared), None)
                if other is not None:
                    found.append((kind, entry(HOW[kind], index, thing)))
                    found.append((kind, entry(HOW[kind], other, thing)))
        found.sort(key=lambda item: item[1]["date"] or "", reverse=True)
        found.sort(key=lambda item: item[0] != "named")
        unique: dict[tuple[str, str, str], dict[str, Any]] = {}
        for _, item in found:
            unique.setdefault((item["source"], item["record"], item["via"]), item)
        return list(unique.values())[: TIE_EVIDENCE * 2]


def _groups(graph: ig.Graph, members: list[int]) -> list[list[int]]:
    """A tied group of more than three people, split into its Leiden communities (the constant Potts model
    at GROUP_DENSITY, weighted by the ties): groups whose every two people are, on average, tied at least
    as strongly as the weakest tie that counts. A child's own family, or a friend from school, tied to one member
    of a network, stays a group of its own; someone tied to many of its members is in it."""
    if len(members) <= 3:
        return [members]
    sub = graph.induced_subgraph(members)
    with _seeded(graph.vs[members[0]]["name"]):
        parts = sub.community_leiden(
            objective_function="CPM", weights="weight", resolution=GROUP_DENSITY, n_iterations=LEIDEN_ITERATIONS
        )
    return [[members[v] for v in part] for part in parts]


def _network_why(data: GraphData, children: int, adults: int, ties: list[dict[str, Any]]) -> str:
    counts: Counter[str] = Counter()
    agencies: set[str] = set()
    places: Counter[str] = Counter()
    vias: set[str] = set()
    for tie in ties:
        for item in tie["evidence"]:
            counts[item["how"]] += 1
            agencies.add(item["agency"])
            if item["how"] == HOW[PLACE]:
                places[item["via"]] += 1
            elif item["via"]:
                vias.add(item["via"])
    held = "; ".join(
        part
        for part in [
            f"named together in {counts[HOW['named']]} records" if counts[HOW["named"]] else "",
            f"the same vehicle, phone or handle ({', '.join(sorted(vias))})" if vias else "",
            f"at {', '.join(name for name, _ in places.most_common(3))} within a day of each other" if places else "",
        ]
        if part
    )
    who = f"{children} {'child' if children == 1 else 'children'}"
    if adults:
        who += f" and {adults} {'adult' if adults == 1 else 'adults'} of concern"
    return f"{who}, held together by {len(ties)} ties: {held} (recorded by {', '.join(sorted(agencies))})."


def networks(data: GraphData, period: Period | None = None) -> list[dict[str, Any]]:
    """Groups of two people or more held together by their own ties (see the notes above ``TIE_MIN``):
    those holding an adult of concern first, then the largest. Each says what holds it: ``ties``, its
    strongest spanning tree, each tie with the records behind it (how, where, when, which agency), and
    ``why`` in a sentence. ``communities``: its Leiden communities, where it has more than one."""
    events = events_in(data, period)
    ties = _Ties(data, events)
    tied = ties.tied()
    people = sorted({p for pair in tied for p in pair})
    index = {name: i for i, name in enumerate(people)}
    graph = ig.Graph(n=len(people), edges=[(index[a], index[b]) for a, b in tied])
    graph.vs["name"] = people
    graph.es["weight"] = list(tied.values())
    nodes = data.nodes
    found = []
    for component in graph.connected_components():
        for group in _groups(graph, list(component)):
            if len(group) < 2:
                continue
            sub = graph.induced_subgraph(group)
            names = sub.vs["name"]
            tree = sub.spanning_tree(weights=[1.0 / w for w in sub.es["weight"]])
            shown = []
            for edge in tree.es:
                a, b = sorted((names[edge.source], names[edge.target]))
                shown.append(
                    {
                        "a": a,
                        "b": b,
                        "a_label": nodes[a]["label"],
                        "b_label": nodes[b]["label"],
                        "weight": round(tied[(a, b)], 3),
                        "evidence": ties.evidence(a, b),
                    }
                )
            shown.sort(key=lambda tie: (-tie["weight"], tie["a"], tie["b"]))
            places = {
                item["via"] or item["place"] for tie in shown for item in tie["evidence"] if item["how"] == HOW[PLACE]
            }
            places |= {item["place"] for tie in shown for item in tie["evidence"] if item["place"]}
            via_nodes = {
                n for tie in shown for item in tie["evidence"] for n in (item["via_node"], item["place_node"]) if n
            }
            children = sum(nodes[p]["kind"] == CHILD for p in names)
            adults = sum(nodes[p]["kind"] == ADULT for p in names)
            communities = _leiden(sub, names[0]) if len(names) > 3 else []
            communities = communities if len(communities) > 1 else []
            found.append(
                {
                    "nodes": sorted(set(names) | via_nodes),
                    "members": _member_list(data, names),
                    "children": children,
                    "adults": adults,
                    "places": sorted(places),
                    "communities": sorted(
                        (sorted(names[v] for v in part) for part in communities if len(part) > 1),
                        key=lambda part: (-len(part), part),
                    ),
                    "ties": shown,
                    "why": _network_why(data, children, adults, shown),
                }
            )
    return sorted(found, key=lambda n: (n["adults"] == 0, -len(n["members"]), -n["children"], n["nodes"]))


# A network (connected group) holding an adult of concern with more nodes than this has its betweenness
# estimated from this many shortest-path trees instead of one from every node (see network_betweenness).
BETWEENNESS_SOURCES = 100


def network_betweenness(graph: ig.Graph, *, sources: int | None = BETWEENNESS_SOURCES) -> dict[int, float]:
    """Betweenness centrality (unweighted, undirected, each pair of nodes counted once) of every node in a
    connected group that holds an adult of concern; groups with no adult are left out.

    A shortest path never leaves its group, so each group's figures are those of the whole graph. A group of
    at most ``sources`` nodes is computed exactly; a larger one is estimated from ``sources`` of its nodes
    picked at random (the same ones for the same group every time) and scaled by group size / ``sources``
    (Brandes and Pich's pivot sampling, what networkx's ``betweenness_centrality(k=...)`` does), so the cost
    is at most ``sources`` shortest-path trees a group, not one from every node. ``sources=None``: exact.
    """
    kinds = graph.vs["kind"]
    chosen: list[int] = []
    scale: dict[int, float] = {}
    for component in graph.connected_components(mode="weak"):
        if not any(kinds[v] == ADULT for v in component):
            continue
        if sources is None or len(component) <= sources:
            chosen += component
            factor = 1.0
        else:
            # Repeatable, not secret: seeded by the group's first node.
            rng = random.Random(graph.vs[component[0]]["name"])  # noqa: S311
            chosen += rng.sample(component, sources)
            factor = len(component) / sources
        scale |= dict.fromkeys(component, factor)
    if not chosen:
        return {}
    values = graph.betweenness(directed=False, sources=chosen)
    return {v: values[v] * factor for v, factor in scale.items()}


def adults_ranked(
    data: GraphData, period: Period | None = None, *, sources: int | None = BETWEENNESS_SOURCES
) -> list[dict[str, Any]]:
    """Adults of concern by how many distinct children they reach within two steps, through an event they
    shared or a place, vehicle, phone or handle both are linked to; then by betweenness centrality.

    The children counted are exact. Betweenness is exact in every network of at most ``sources`` nodes
    and estimated in larger ones (see ``network_betweenness``), so only the order of adults reaching the
    same number of children in a large network can differ from exact betweenness. It is shown relative to
    the most central node of any network holding an adult (1.0).
    """
    return adults_of_graph(data, graph_of(data, events_in(data, period)), sources=sources)


def adults_of_graph(
    data: GraphData, graph: ig.Graph, *, sources: int | None = BETWEENNESS_SOURCES
) -> list[dict[str, Any]]:
    """``adults_ranked`` over the period's graph (``graph_of``), however it was made: the refresh makes the graphs
    of all its periods from one reading of the events (periodic.py)."""
    if graph.vcount() == 0:
        return []
    betweenness = network_betweenness(graph, sources=sources)
    largest = max(betweenness.values(), default=0.0) or 1.0
    kinds, names, adjacent = graph.vs["kind"], graph.vs["name"], graph.neighbors
    # The children next to a place, vehicle, phone or handle, found once however many adults share it.
    beside: dict[int, list[str]] = {}
    ranked = []
    for adult in (v for v, kind in enumerate(kinds) if kind == ADULT):
        children: set[str] = set()
        for neighbour in adjacent(adult):
            if kinds[neighbour] == CHILD:
                children.add(names[neighbour])
            elif kinds[neighbour] in THINGS:
                near = beside.get(neighbour)
                if near is None:
                    near = beside[neighbour] = [names[n] for n in adjacent(neighbour) if kinds[n] == CHILD]
                children.update(near)
        ranked.append(
            {
                "node": names[adult],
                "label": data.nodes[names[adult]]["label"],
                "members": _member_list(data, [names[adult]]),
                "children": len(children),
                "betweenness": round(betweenness[adult] / largest, 4),
            }
        )
    return sorted(ranked, key=lambda a: (-a["children"], -a["betweenness"], a["node"]))


def _place_counts(data: GraphData, period: Period) -> PlaceCounts:
    counts: PlaceCounts = {}
    for event in events_in(data, period):
        if event["date"] is None:
            continue
        places = [n for n in event["nodes"] if data.nodes[n]["kind"] == PLACE]
        children = {n for n in event["nodes"] if data.nodes[n]["kind"] == CHILD}
        for place in places:
            seen, number = counts.get(place, (set(), 0))
            counts[place] = (seen | children, number + 1)
    return counts


def change_label(now: int, before: int) -> str:
    if before == 0 and now > 0:
        return "new"
    if now > before:
        return "growing"
    if now < before:
        return "fading"
    return "steady"


def hotspots_by_footfall(data: GraphData, period: Period) -> list[dict[str, Any]]:
    """Places by the number of distinct children linked to them in the period, with the change against the
    previous period of the same length; places that had children before and have none now come last.

    The older ranking, kept as the benchmark's baseline and as the figures ``hotspots`` shows beside its
    own: a school or a station, where most children pass, always comes first."""
    return footfall_rows(data, _place_counts(data, period), _place_counts(data, period.previous()))


def footfall_rows(data: GraphData, now: PlaceCounts, before: PlaceCounts) -> list[dict[str, Any]]:
    """``hotspots_by_footfall`` from the places' counts (``_place_counts``) in the period and the one before."""
    return sorted(
        _footfall(data, now, before), key=lambda h: (-h["children"], -h["events"], h["place_name"], h["node"])
    )


def _footfall(data: GraphData, now: PlaceCounts, before: PlaceCounts) -> list[dict[str, Any]]:
    """``footfall_rows`` in no particular order."""
    return [
        _footfall_row(place, data.nodes[place], children, earlier, events)
        for place, children, earlier, events in _footfall_counts(now, before)
    ]


def _footfall_counts(now: PlaceCounts, before: PlaceCounts) -> Iterator[tuple[str, int, int, int]]:
    """Each place with children in the period or the one before: its children now, before, and its events now."""
    for place in set(now) | {p for p, (children, _) in before.items() if children}:
        present, events = now.get(place, _NONE)
        children, earlier = len(present), len(before.get(place, _NONE)[0])
        if children or earlier:
            yield place, children, earlier, events


def _footfall_row(
    place: str, node: dict[str, Any], children: int, earlier: int, events: int, **figures: Any
) -> dict[str, Any]:
    """A place's footfall row (``footfall_rows``), with ``figures`` after its own fields (``hotspots_from``)."""
    return {
        "node": place,
        "place_name": node.get("place_name", ""),
        "place_postcode": node.get("postcode", ""),
        "place_type": node.get("place_type", ""),
        "lat": node.get("lat"),
        "lon": node.get("lon"),
        "children": children,
        "children_before": earlier,
        "events": events,
        "change": change_label(children, earlier),
        **figures,
    }


# A place not counted in a period.
_NONE: tuple[set[str], int] = (set(), 0)


# Hotspots: what happens at a place, counted in distinct children in the period, each kind of signal
# weighted. Found: found there after going missing, or said at a return interview they had been there.
# With an adult: named there with an adult of concern, or there within TOGETHER_DAYS of one being there
# while no more than MEETING_CROWD children were (more is a crowd passing, not company). Meeting: named
# there with a child from another school, or there within TOGETHER_DAYS of such a child, no crowd. Night:
# there between NIGHT_FROM and NIGHT_UNTIL o'clock. Concern: in a concern or sighting there.
SIGNALS = {"found": 3.0, "with_adult": 3.0, "meeting": 2.0, "night": 1.0, "concern": 1.0}
SIGNAL_WHY = {
    "found": "found here after going missing, or said they had been here",
    "with_adult": "here with an adult of concern",
    "meeting": "met children from other schools here",
    "night": "here at night",
    "concern": "in a concern or sighting here",
}
FOUND_TYPES = {"found", "return_interview"}
CONCERN_TYPES = {"concern", "sighting", "community_report"}
NIGHT_FROM, NIGHT_UNTIL = 21, 6
MEETING_CROWD = 6
# What a place's kind leads one to expect: the signal a child brings to the other places of that kind,
# drawn towards the whole area's by this many children's worth of the area's rate (so a kind with one
# place, or few children, is held to the area's rate).
KIND_PRIOR_CHILDREN = 20.0
# A place's figure is the lower RANK_QUANTILE of its signal over the expected (Poisson, with a Gamma prior
# of PRIOR_SIGNAL): a few children make a weak case, many make a strong one.
PRIOR_SIGNAL = 1.0
RANK_QUANTILE_Z = -1.2816  # the lower 10%


def _gamma_lower(shape: float, rate: float) -> float:
    """The lower RANK_QUANTILE of a Gamma(shape, rate), by Wilson and Hilferty's cube-root approximation."""
    term = 1.0 / (9.0 * shape)
    return max(0.0, shape / rate * (1.0 - term + RANK_QUANTILE_Z * math.sqrt(term)) ** 3)


def _schools(data: GraphData, period: Period) -> dict[str, str]:
    """Each child's school: the school they are most often recorded at in the period and the one before."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    nodes = data.nodes
    for event in events_in(data, Period(period.previous().since, period.until)):
        schools = [n for n in event["nodes"] if nodes[n]["kind"] == PLACE and nodes[n].get("place_type") == "school"]
        if schools:
            for n in event["nodes"]:
                if nodes[n]["kind"] == CHILD:
                    seen[n].update(schools)
    return {child: counts.most_common(1)[0][0] for child, counts in seen.items()}


def _signals(data: GraphData, period: Period) -> Signals:
    """Place -> signal -> the children it holds, and ``children``: every child seen there in the period."""
    nodes = data.nodes
    school = _schools(data, period)
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    # Place -> day -> children there, and the days an adult of concern was there.
    by_day: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    adult_days: dict[str, set[int]] = defaultdict(set)
    days: dict[str, int] = {}
    for event in events_in(data, period):
        if event["date"] is None:
            continue
        places = [n for n in event["nodes"] if nodes[n]["kind"] == PLACE]
        if not places:
            continue
        children = {n for n in event["nodes"] if nodes[n]["kind"] == CHILD}
        adult = any(nodes[n]["kind"] == ADULT for n in event["nodes"])
        hour = event.get("hour")
        night = hour is not None and (hour >= NIGHT_FROM or hour < NIGHT_UNTIL)
        met = len({school.get(c, c) for c in children}) > 1
        day = _ordinal(days, event["date"])
        for place in places:
            signals = found[place]
            signals["children"] |= children
            if event["type"] in FOUND_TYPES:
                signals["found"] |= children
            if event["type"] in CONCERN_TYPES:
                signals["concern"] |= children
            if night:
                signals["night"] |= children
            if met:
                signals["meeting"] |= children
            if adult:
                signals["with_adult"] |= children
                adult_days[place].add(day)
            by_day[place][day] |= children
    return signals_near(found, by_day, adult_days, school)


def signals_near(
    found: Signals,
    by_day: Mapping[str, Mapping[int, Collection[str]]],
    adult_days: Mapping[str, set[int]],
    school: dict[str, str],
) -> Signals:
    """What ``_signals`` adds from the children at a place within TOGETHER_DAYS of each other (``by_day``: place
    -> day -> the children there; ``adult_days``: the days an adult of concern was there), into ``found``."""
    for place, present in by_day.items():
        signals = found[place]
        near_adult = {d + step for d in adult_days.get(place, ()) for step in range(-TOGETHER_DAYS, TOGETHER_DAYS + 1)}
        for day, children in present.items():
            if not children:
                continue
            around = set(children)
            for step in range(1, TOGETHER_DAYS + 1):
                around.update(present.get(day - step, ()))
                around.update(present.get(day + step, ()))
            if len(around) > MEETING_CROWD:
                continue
            if day in near_adult:
                signals["with_adult"].update(children)
            if len(around) > 1 and len({school.get(c, c) for c in around}) > 1:
                signals["meeting"].update(children)
    return found


def _kind(node: dict[str, Any]) -> str:
    return node.get("place_type") or "unknown"


def hotspots(data: GraphData, period: Period) -> list[dict[str, Any]]:
    """Places by what happens there, against what their kind and size would lead one to expect.

    A place's ``signal`` adds up, weighted (``SIGNALS``), the children found there after going missing (or
    who said they had been there), seen there with an adult of concern, meeting children from other schools
    there, there at night, and in concerns or sightings there. Its ``expected`` signal is its children times
    the signal a child brings to the other places of its kind (drawn towards the area's: see
    ``KIND_PRIOR_CHILDREN``). Places rank by ``score``, a cautious reading of signal over expected (the
    lower 10% of its Poisson-Gamma estimate), so a busy shopping centre or school, whose signal is what
    its size brings, does not outrank a flat where missing children are found; ``why`` says why in words.
    Each row keeps the footfall figures too (``children``, ``events`` and the ``change`` against the
    previous period of the same length); places that had children before and none now come last.
    """
    return hotspots_from(
        data, _place_counts(data, period), _place_counts(data, period.previous()), _signals(data, period)
    )


def hotspots_from(
    data: GraphData, now: PlaceCounts, before: PlaceCounts, signals: Signals, *, reasons: bool = True
) -> list[dict[str, Any]]:
    """``hotspots`` from what it counts: the places' counts in the period and the one before (``_place_counts``)
    and their signals (``_signals``). The refresh counts these for all its periods from one reading of the
    events (periodic.py), and stores the rows without ``reasons`` (``why``): a page adds them to the rows it
    shows (``hotspot_why``), the same words from the same figures."""
    nodes = data.nodes
    # Each place's children of each signal, and its signal weighted; its kind, and each kind's totals. The weights
    # are whole numbers, so the sums are exact in any order.
    counted: dict[str, dict[str, int]] = {}
    weighted: dict[str, float] = {}
    kinds: dict[str, str] = {}
    kind_signal: dict[str, float] = defaultdict(float)
    kind_children: dict[str, int] = defaultdict(int)
    for place, held in signals.items():
        counts = counted[place] = dict(_NO_SIGNAL)
        signal = 0.0
        for name, who in held.items():
            weight = SIGNALS.get(name)
            if weight is not None:
                counts[name] = number = len(who)
                signal += weight * number
        weighted[place] = signal
        kind = kinds[place] = _kind(nodes[place])
        kind_signal[kind] += signal
        kind_children[kind] += len(held["children"])
    all_children = sum(kind_children.values())
    area_rate = sum(kind_signal.values()) / all_children if all_children else 0.0
    prior = KIND_PRIOR_CHILDREN * area_rate
    rows = []
    # Each place with children in the period or the one before: its footfall (``_footfall``) and its figures.
    for place, number, earlier, events in _footfall_counts(now, before):
        node = nodes[place]
        at = signals.get(place)
        children = len(at["children"]) if at is not None and "children" in at else 0
        signal = weighted.get(place, 0.0)
        kind = kinds.get(place) or _kind(node)
        rate = (kind_signal[kind] - signal + prior) / (kind_children[kind] - children + KIND_PRIOR_CHILDREN)
        expected = rate * children
        score = _gamma_lower(signal + PRIOR_SIGNAL, expected + PRIOR_SIGNAL) if signal else 0.0
        row = _footfall_row(
            place,
            node,
            number,
            earlier,
            events,
            signal=signal,
            expected=round(expected, 3),
            score=round(score, 4),
            signals=counted[place] if place in counted else dict(_NO_SIGNAL),
        )
        if reasons:
            row["why"] = hotspot_why(row)
        rows.append(row)
    return sorted(
        rows, key=lambda h: (h["children"] == 0, -h["score"], -h["signal"], -h["children"], h["place_name"], h["node"])
    )


# A place no signal holds.
_NO_SIGNAL = dict.fromkeys(SIGNALS, 0)


def hotspot_why(row: dict[str, Any]) -> list[str]:
    """Why a hotspot ranks where it does, in words, from its row's figures: each signal's children, then its
    signal against what a place of its kind seeing as many children would lead one to expect."""
    signal, expected, children = row["signal"], row["expected"], row["children"]
    # In the signals' own order: a row read back from PostgreSQL's jsonb has its keys in another.
    counts = row["signals"]
    why = [f"{n} {'child' if n == 1 else 'children'} {SIGNAL_WHY[name]}" for name in SIGNALS if (n := counts[name])]
    if signal:
        kind = row["place_type"] or "unknown"
        why.append(
            f"signal {signal:g} against about {expected:.1f} expected of a place of its kind "
            f"({kind.replace('_', ' ')}) seeing {children} {'child' if children == 1 else 'children'}"
            + (f": {signal / expected:.1f} times that" if expected > 0 else "")
        )
    elif children:
        why.append(f"nothing of concern recorded here; {children} children passed through")
    return why


def neighbours(data: GraphData, node_id: str, *, cap: int, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The nodes one step from ``node_id`` (those most often linked first), at most ``cap`` of them."""
    events = [event for event in data.events if node_id in event["nodes"]]
    weights: dict[str, int] = defaultdict(int)
    for event in events:
        for other in event["nodes"]:
            if other != node_id:
                weights[other] += 1
    skip = set(exclude)
    ordered = sorted((n for n in weights if n not in skip), key=lambda n: (-weights[n], n))
    return {
        "node": node_id,
        "neighbours": ordered[:cap],
        "weights": {n: weights[n] for n in ordered[:cap]},
        "more": max(0, len(ordered) - cap),
    }
