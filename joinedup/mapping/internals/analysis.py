"""The analyses, with igraph: networks, communities, adults of concern, hotspots and change over time.

Each takes a GraphData (already filtered for whoever will see the result) and a period; an event with no
date (a phone on a person's own record) belongs to every period.
"""

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import igraph as ig

from .build import ADULT, CHILD, HANDLE, PHONE, PLACE, VEHICLE, GraphData

THINGS = {PLACE, VEHICLE, PHONE, HANDLE}
PERSONS = {CHILD, ADULT, "person"}


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


def networks(data: GraphData, period: Period | None = None) -> list[dict[str, Any]]:
    """Connected groups holding two people or more, largest first, each split into Leiden communities."""
    graph = graph_of(data, events_in(data, period))
    found = []
    for component in graph.connected_components(mode="weak"):
        people = [graph.vs[v]["name"] for v in component if graph.vs[v]["kind"] in PERSONS]
        if len(people) < 2:
            continue
        sub = graph.induced_subgraph(component)
        communities = sub.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
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
    graph = graph_of(data, events_in(data, period))
    if graph.vcount() == 0:
        return []
    betweenness = network_betweenness(graph, sources=sources)
    largest = max(betweenness.values(), default=0.0) or 1.0
    kinds, names, adjacent = graph.vs["kind"], graph.vs["name"], graph.get_adjlist()
    ranked = []
    for adult in (v for v, kind in enumerate(kinds) if kind == ADULT):
        children: set[str] = set()
        for neighbour in adjacent[adult]:
            if kinds[neighbour] == CHILD:
                children.add(names[neighbour])
            elif kinds[neighbour] in THINGS:
                children.update(names[n] for n in adjacent[neighbour] if kinds[n] == CHILD)
        ranked.append(
            {
                "node": names[adult],
                "label": data.nodes[names[adult]]["label"],
                "members": _member_list(data, [names[adult]]),
                "children": len(children),
                "child_nodes": sorted(children),
                "betweenness": round(betweenness[adult] / largest, 4),
            }
        )
    return sorted(ranked, key=lambda a: (-a["children"], -a["betweenness"], a["node"]))


def _place_counts(data: GraphData, period: Period) -> dict[str, tuple[set[str], int]]:
    counts: dict[str, tuple[set[str], int]] = {}
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


def hotspots(data: GraphData, period: Period) -> list[dict[str, Any]]:
    """Places by the number of distinct children linked to them in the period, with the change against the
    previous period of the same length; places that had children before and have none now come last."""
    now, before = _place_counts(data, period), _place_counts(data, period.previous())
    found = []
    for place in set(now) | {p for p, (children, _) in before.items() if children}:
        children, events = now.get(place, (set(), 0))
        earlier = len(before.get(place, (set(), 0))[0])
        if not children and not earlier:
            continue
        node = data.nodes[place]
        found.append(
            {
                "node": place,
                "place_name": node.get("place_name", ""),
                "place_postcode": node.get("postcode", ""),
                "place_type": node.get("place_type", ""),
                "lat": node.get("lat"),
                "lon": node.get("lon"),
                "children": len(children),
                "children_before": earlier,
                "events": events,
                "change": change_label(len(children), earlier),
                "child_nodes": sorted(children),
            }
        )
    return sorted(found, key=lambda h: (-h["children"], -h["events"], h["place_name"], h["node"]))


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
