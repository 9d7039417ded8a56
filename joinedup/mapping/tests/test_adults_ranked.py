"""Adults of concern ranked: children reached exactly, betweenness per network, estimated in large ones."""

from datetime import date

import igraph as ig
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.mapping.internals.analysis import Period, adults_ranked, graph_of, network_betweenness
from joinedup.mapping.internals.build import ADULT, CHILD, PLACE, GraphData

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))


def _area(events: list[list[str]]) -> GraphData:
    """Nodes named by kind (``child:``, ``adult:``, ``place:``), one dated October event for each list."""
    data = GraphData()
    for number, nodes in enumerate(events):
        for node_id in nodes:
            kind = node_id.split(":")[0]
            data.nodes[node_id] = {
                "id": node_id,
                "kind": kind,
                "label": node_id,
                "members": [["POL", node_id.split(":")[1]]],
                "child_ids": [],
                "adult_ids": [],
            }
        data.events.append(
            {"source": "extract", "agency": "POL", "record": f"E{number}", "type": "sighting", "date": "2026-10-05"}
            | {"nodes": nodes}
        )
    return data


def _planted_area() -> GraphData:
    """A large network: adult X meets children C1..C3 at the Hub, adult Y is the only link between the Hub's
    children and children C4 and C5 at the Den, and a chain of children L0..L2 runs on from C5 (twelve nodes
    in all). A small network apart: adult Z and child S1 at the Yard. A child alone at the Shed: no adult."""
    events = [["child:C1", "adult:X", "place:Hub"], ["child:C2", "place:Hub"], ["child:C3", "place:Hub"]]
    events += [["adult:Y", "child:C3"], ["adult:Y", "child:C4", "place:Den"], ["child:C5", "place:Den"]]
    events += [["child:C5", "child:L0"], ["child:L0", "child:L1"], ["child:L1", "child:L2"]]
    events += [["adult:Z", "child:S1", "place:Yard"], ["child:T1", "place:Shed"]]
    return _area(events)


def test_adults_are_ranked_by_children_reached_then_by_betweenness_even_when_it_is_estimated():
    data = _planted_area()
    exact = adults_ranked(data, OCTOBER, sources=None)
    estimated = adults_ranked(data, OCTOBER, sources=5)
    assert [(a["node"], a["children"]) for a in exact] == [("adult:Y", 3), ("adult:X", 3), ("adult:Z", 1)]
    # Estimating betweenness can only reorder adults who reach as many children in a large network.
    assert {a["node"]: a["children"] for a in estimated} == {a["node"]: a["children"] for a in exact}
    assert estimated[-1]["node"] == "adult:Z"
    # Y, the bridge of the large network, is the most central node of any network holding an adult.
    assert {a["node"]: a["betweenness"] for a in exact}["adult:Y"] == 1.0
    assert estimated == adults_ranked(data, OCTOBER, sources=5)


def test_an_adult_with_as_many_children_but_more_between_them_ranks_first():
    # X and Y both reach the same two children; only Y also links them, through another person, to more.
    data = _area(
        [
            ["adult:X", "child:C1", "child:C2"],
            ["adult:Y", "child:C1"],
            ["adult:Y", "child:C2"],
            ["adult:Y", "person:P"],
            ["person:P", "child:C3"],
            ["child:C3", "child:C4"],
        ]
    )
    ranked = adults_ranked(data, OCTOBER)
    assert [(a["node"], a["children"]) for a in ranked] == [("adult:Y", 2), ("adult:X", 2)]
    assert ranked[0]["betweenness"] > ranked[1]["betweenness"]


def test_networks_without_an_adult_are_left_out_and_small_ones_are_exact():
    graph = graph_of(_planted_area(), _planted_area().events)
    figures = network_betweenness(graph, sources=5)
    names = graph.vs["name"]
    assert {names[v] for v in figures} >= {"adult:X", "adult:Y", "adult:Z", "child:S1", "place:Yard"}
    assert not {"child:T1", "place:Shed"} & {names[v] for v in figures}
    whole = graph.betweenness(directed=False)
    small = {v for v in figures if names[v] in {"adult:Z", "child:S1", "place:Yard"}}
    assert all(figures[v] == pytest.approx(whole[v]) for v in small)


@settings(max_examples=40, deadline=None)
@given(
    edges=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29)), max_size=60),
    adults=st.sets(st.integers(0, 29), max_size=4),
    sources=st.integers(1, 40),
)
def test_network_betweenness_is_exact_for_each_network_holding_an_adult_up_to_its_source_count(
    edges: list[tuple[int, int]], adults: set[int], sources: int
) -> None:
    graph = ig.Graph(n=30, edges=[(a, b) for a, b in edges if a != b]).simplify()
    graph.vs["name"] = [f"n{i:02d}" for i in range(30)]
    graph.vs["kind"] = [ADULT if i in adults else CHILD if i % 2 else PLACE for i in range(30)]
    whole = graph.betweenness(directed=False)
    exact = network_betweenness(graph, sources=None)
    held = {v for component in graph.connected_components() if adults & set(component) for v in component}
    assert set(exact) == held
    assert all(exact[v] == pytest.approx(whole[v]) for v in held)
    estimated = network_betweenness(graph, sources=sources)
    assert set(estimated) == held
    for component in graph.connected_components():
        if adults & set(component) and len(component) <= sources:
            assert all(estimated[v] == pytest.approx(whole[v]) for v in component)
