"""Full mapping refresh on 1M synthetic events: graph, networks (components and communities), adults of
concern ranked, hotspots.

The events are made in memory as the mapping's own ``GraphData`` (what ``graph_data_build`` hands the
analyses): children, adults of concern and other people, places, vehicles and phones, grouped into local
scenes so there are networks to find, spread over two 31-day periods so hotspots have a change to show.

joinedup's side runs the real analyses (``joinedup.mapping.internals.analysis``: ``graph_of``, ``networks``
with igraph's Leiden, ``adults_ranked``, ``hotspots``), what the hotspots page and ``map_patterns`` run over
the refreshed snapshot. The baseline runs the same analysis in networkx: the same weighted graph, connected
components, and Louvain communities (networkx's Leiden needs a backend); adults ranked by the children they
reach within two steps, then by betweenness computed per network holding an adult, exactly in a network of
at most ``BETWEENNESS_SOURCES`` nodes and from that many sampled sources in a larger one
(``networkx.betweenness_centrality(k=...)``, the estimator igraph's side uses; the samples differ). Hotspots
use no graph library, so both sides time the same code there.

Checks: the same components as networkx; every adult reaches the same children; where betweenness is exact
on both sides (networks of at most ``BETWEENNESS_SOURCES`` nodes) the same figures and the same top adults;
for the estimated part, how far the top adults agree with networkx's estimate, and, while the largest
network is small enough (``--exact-up-to``), with exact betweenness.
"""

import random
import time
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from _common import arguments, progress, timed

SINCE, UNTIL = date(2026, 10, 1), date(2026, 10, 31)
SCENE_SIZE = 400


def synthetic_graph(n_events: int, seed: int = 5) -> Any:
    """Events between nodes of the same scene, with a few crossing scenes."""
    from joinedup.mapping.internals.build import ADULT, CHILD, PERSON, PHONE, PLACE, VEHICLE, GraphData

    rng = random.Random(seed)
    data = GraphData()
    counts = {CHILD: n_events // 10, ADULT: n_events // 60, PERSON: n_events // 40}
    counts |= {PLACE: n_events // 30, VEHICLE: n_events // 150, PHONE: n_events // 80}
    scenes = max(1, n_events // SCENE_SIZE)
    by_scene: dict[tuple[str, int], list[str]] = {}
    for kind, count in counts.items():
        for i in range(max(1, count)):
            node_id = f"{'person' if kind in {CHILD, ADULT, PERSON} else kind}:{kind}{i}"
            data.nodes[node_id] = {
                "id": node_id,
                "kind": kind,
                "label": node_id,
                "members": [["POL", node_id]],
                "child_ids": [str(i)] if kind == CHILD else [],
                "adult_ids": [],
                "place_name": f"Place {i}" if kind == PLACE else "",
                "postcode": f"WB{i % 9 + 1} {i % 7 + 1}AB" if kind == PLACE else "",
            }
            by_scene.setdefault((kind, rng.randrange(scenes)), []).append(node_id)
    everyone = {kind: [n for (k, _), ids in by_scene.items() if k == kind for n in ids] for kind in counts}
    start = UNTIL - timedelta(days=61)

    def pick(kind: str, scene: int) -> str:
        local = by_scene.get((kind, scene))
        return rng.choice(local) if local and rng.random() < 0.9995 else rng.choice(everyone[kind])

    for i in range(n_events):
        scene = rng.randrange(scenes)
        nodes = [pick(CHILD, scene)]
        if rng.random() < 0.3:
            nodes.append(pick(CHILD, scene))
        if rng.random() < 0.8:
            nodes.append(pick(PLACE, scene))
        if rng.random() < 0.25:
            nodes.append(pick(ADULT, scene))
        if rng.random() < 0.15:
            nodes.append(pick(PERSON, scene))
        if rng.random() < 0.1:
            nodes.append(pick(VEHICLE, scene))
        if rng.random() < 0.1:
            nodes.append(pick(PHONE, scene))
        day = None if rng.random() < 0.02 else (start + timedelta(days=rng.randrange(62))).isoformat()
        data.events.append(
            {
                "source": "extract",
                "agency": "POL",
                "record": f"E{i}",
                "type": "sighting",
                "date": day,
                "nodes": list(dict.fromkeys(nodes)),
            }
        )
    return data


def networkx_networks(data: Any, period: Any) -> list[dict[str, Any]]:
    """``analysis.networks`` with networkx: components of two people or more, each split into communities."""
    import networkx as nx

    from joinedup.mapping.internals.analysis import PERSONS, _pairs, events_in

    graph = nx.Graph()
    events = events_in(data, period)
    graph.add_nodes_from({n for event in events for n in event["nodes"]})
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in _pairs(events).items())
    found = []
    for component in nx.connected_components(graph):
        people = [n for n in component if data.nodes[n]["kind"] in PERSONS]
        if len(people) < 2:
            continue
        communities = nx.community.louvain_communities(graph.subgraph(component), weight="weight", seed=5)
        found.append(
            {
                "nodes": sorted(component),
                "communities": sorted(
                    (sorted(group) for group in communities if len(group) > 1), key=lambda g: (-len(g), g)
                ),
            }
        )
    return sorted(found, key=lambda n: (-len(n["nodes"]), n["nodes"]))


def networkx_adults(data: Any, period: Any) -> tuple[list[dict[str, Any]], dict[str, float], set[str]]:
    """``analysis.adults_ranked`` with networkx: the ranked adults, raw betweenness by node, and the nodes whose
    betweenness is exact (networks of at most ``BETWEENNESS_SOURCES`` nodes)."""
    import networkx as nx

    from joinedup.mapping.internals.analysis import BETWEENNESS_SOURCES, THINGS, _pairs, events_in
    from joinedup.mapping.internals.build import ADULT, CHILD

    graph = nx.Graph()
    events = events_in(data, period)
    graph.add_nodes_from({n for event in events for n in event["nodes"]})
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in _pairs(events).items())
    kind = {n: data.nodes[n]["kind"] for n in graph}
    betweenness: dict[str, float] = {}
    exact: set[str] = set()
    for component in nx.connected_components(graph):
        if not any(kind[n] == ADULT for n in component):
            continue
        if len(component) <= BETWEENNESS_SOURCES:
            betweenness |= nx.betweenness_centrality(graph.subgraph(component), normalized=False)
            exact |= component
        else:
            sub = graph.subgraph(component).copy()
            betweenness |= nx.betweenness_centrality(sub, k=BETWEENNESS_SOURCES, normalized=False, seed=5)
    largest = max(betweenness.values(), default=0.0) or 1.0
    ranked = []
    for adult in (n for n in graph if kind[n] == ADULT):
        children = set()
        for neighbour in graph[adult]:
            if kind[neighbour] == CHILD:
                children.add(neighbour)
            elif kind[neighbour] in THINGS:
                children.update(n for n in graph[neighbour] if kind[n] == CHILD)
        ranked.append({"node": adult, "children": len(children), "betweenness": round(betweenness[adult] / largest, 4)})
    ranked.sort(key=lambda a: (-a["children"], -a["betweenness"], a["node"]))
    return ranked, betweenness, exact


def agreement(ours: Iterable[str], theirs: Iterable[str], top: int) -> str:
    """How the first ``top`` of two rankings agree: adults in common, and the rank to which the order is the same."""
    first, second = list(ours)[:top], list(theirs)[:top]
    same_to = next(
        (i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), min(len(first), len(second))
    )
    return f"{len(set(first) & set(second))}/{len(first)} same adults, same order to rank {same_to}"


def main() -> None:
    args = arguments(
        __doc__ or "",
        1_000_000,
        exact_up_to=(20_000, "compare with exact betweenness while the largest network has at most this many nodes"),
        top=(20, "how many top adults to compare"),
    )
    from joinedup.mapping.internals import analysis

    times: dict[str, float] = {}
    with timed(f"generate {args.size} events", times):
        data = synthetic_graph(args.size)
    period = analysis.Period(SINCE, UNTIL)
    progress(f"{len(data.nodes)} nodes, {len(data.events)} events")

    ig_times: dict[str, float] = {}
    start = time.perf_counter()
    graph = analysis.graph_of(data, analysis.events_in(data, period))
    ig_times["graph"] = time.perf_counter() - start
    progress(f"igraph graph: {graph.vcount()} nodes, {graph.ecount()} edges, {ig_times['graph']:.2f}s")
    start = time.perf_counter()
    ig_networks = analysis.networks(data, period)
    ig_times["networks"] = time.perf_counter() - start
    progress(f"igraph networks: {len(ig_networks)}, {ig_times['networks']:.2f}s")
    start = time.perf_counter()
    ig_adults = analysis.adults_ranked(data, period)
    ig_times["adults"] = time.perf_counter() - start
    progress(f"igraph adults ranked: {len(ig_adults)}, {ig_times['adults']:.2f}s")
    start = time.perf_counter()
    spots = analysis.hotspots(data, period)
    ig_times["hotspots"] = time.perf_counter() - start
    progress(f"hotspots: {len(spots)}, {ig_times['hotspots']:.2f}s")

    import networkx as nx

    from joinedup.mapping.internals.analysis import _pairs, events_in

    nx_times: dict[str, float] = {}
    start = time.perf_counter()
    events = events_in(data, period)
    nx_graph = nx.Graph()
    nx_graph.add_nodes_from(sorted({n for event in events for n in event["nodes"]}))
    nx_graph.add_weighted_edges_from((a, b, w) for (a, b), w in _pairs(events).items())
    nx_times["graph"] = time.perf_counter() - start
    progress(f"networkx graph: {nx_times['graph']:.2f}s")
    start = time.perf_counter()
    nx_networks = networkx_networks(data, period)
    nx_times["networks"] = time.perf_counter() - start
    progress(f"networkx networks: {len(nx_networks)}, {nx_times['networks']:.2f}s")
    start = time.perf_counter()
    nx_adults, nx_betweenness, exact_nodes = networkx_adults(data, period)
    nx_times["adults"] = time.perf_counter() - start
    progress(f"networkx adults ranked: {len(nx_adults)}, {nx_times['adults']:.2f}s")
    start = time.perf_counter()
    analysis.hotspots(data, period)
    nx_times["hotspots"] = time.perf_counter() - start

    # The checks, untimed. igraph's raw betweenness again: network_betweenness is repeatable.
    ig_raw = analysis.network_betweenness(graph)
    ig_betweenness = {graph.vs[v]["name"]: value for v, value in ig_raw.items()}
    same_children = {a["node"]: a["children"] for a in ig_adults} == {a["node"]: a["children"] for a in nx_adults}
    same_exact = set(ig_betweenness) == set(nx_betweenness) and all(
        abs(ig_betweenness[n] - nx_betweenness[n]) <= 1e-6 * max(1.0, abs(nx_betweenness[n])) for n in exact_nodes
    )

    def exact_order(adults: list[dict[str, Any]], raw: dict[str, float]) -> list[str]:
        kept = [a for a in adults if a["node"] in exact_nodes]
        return [a["node"] for a in sorted(kept, key=lambda a: (-a["children"], -round(raw[a["node"]], 6), a["node"]))]

    ig_exact_top = exact_order(ig_adults, ig_betweenness)[: args.top]
    same_exact_top = ig_exact_top == exact_order(nx_adults, nx_betweenness)[: args.top]
    estimated = agreement((a["node"] for a in ig_adults), (a["node"] for a in nx_adults), args.top)
    largest = max(graph.connected_components(mode="weak").sizes(), default=0)
    if largest <= args.exact_up_to:
        start = time.perf_counter()
        exact_adults = analysis.adults_ranked(data, period, sources=None)
        against_exact = (
            f"top {args.top} against exact betweenness (igraph, "
            f"{time.perf_counter() - start:.2f}s): "
            f"{agreement((a['node'] for a in ig_adults), (a['node'] for a in exact_adults), args.top)}"
        )
    else:
        against_exact = f"exact betweenness not run (largest network {largest} nodes > {args.exact_up_to})"

    same = sorted(n["nodes"] for n in ig_networks) == sorted(n["nodes"] for n in nx_networks)
    total_ig, total_nx = sum(ig_times.values()), sum(nx_times.values())
    phases = "; ".join(
        f"{phase} igraph={ig_times[phase]:.2f}s networkx={nx_times[phase]:.2f}s "
        f"ratio={ig_times[phase] / nx_times[phase]:.2f}"
        for phase in ("graph", "networks", "adults", "hotspots")
    )
    print(
        f"mapping_refresh: {len(data.events)} events, {len(data.nodes)} nodes, period {SINCE}..{UNTIL}; "
        f"total igraph={total_ig:.2f}s networkx={total_nx:.2f}s ratio igraph/networkx={total_ig / total_nx:.2f}; "
        f"{phases}; {len(ig_networks)} networks, same components as networkx: {'yes' if same else 'NO'}; "
        f"{len(ig_adults)} adults, betweenness from at most {analysis.BETWEENNESS_SOURCES} sources a network "
        f"(largest {largest} nodes), same children reached as networkx: {'yes' if same_children else 'NO'}, "
        f"same exact betweenness in the {len(exact_nodes)} nodes of networks computed exactly: "
        f"{'yes' if same_exact else 'NO'}, same top {len(ig_exact_top)} adults there: "
        f"{'yes' if same_exact_top else 'NO'}; top {args.top} against networkx's estimate: {estimated}; "
        f"{against_exact}",
        flush=True,
    )


if __name__ == "__main__":
    main()
