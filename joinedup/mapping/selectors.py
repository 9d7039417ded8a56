"""Reads of the mapping, each for one viewer: only figures built from events about children they may see.

Coordinators and leaders see the whole partnership's picture. Practitioners and managers see the events
that concern at least one child they may see; any other child of such an event is left out, as if the
event had not named them. Every read that shows a child is audited, one ``child_listed`` row per child.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_children
from joinedup.children.models import Child

from . import permissions
from .internals import analysis
from .internals.analysis import Period
from .internals.build import ADULT, CHILD, GraphData
from .models import MappingSnapshot

NEIGHBOUR_CAP = 50


def snapshot_latest() -> MappingSnapshot | None:
    return MappingSnapshot.objects.defer("graph").first()


def _graph_current() -> GraphData:
    snapshot = MappingSnapshot.objects.first()
    if snapshot is None:
        from .services import mapping_snapshot_refresh

        snapshot = mapping_snapshot_refresh()
    return GraphData.from_json(snapshot.graph)


def _filtered(data: GraphData, visible: set[str]) -> GraphData:
    def shown(node_id: str) -> bool:
        node = data.nodes[node_id]
        return node["kind"] != CHILD or any(pk in visible for pk in node["child_ids"])

    events = []
    for event in data.events:
        children = [n for n in event["nodes"] if data.nodes[n]["kind"] == CHILD]
        if any(shown(n) for n in children):
            events.append({**event, "nodes": [n for n in event["nodes"] if shown(n)]})
    nodes = {}
    for node_id in {n for event in events for n in event["nodes"]} | {
        n for pk, n in data.child_nodes.items() if pk in visible and n in data.nodes
    }:
        node = data.nodes[node_id]
        nodes[node_id] = {**node, "child_ids": [pk for pk in node["child_ids"] if pk in visible]}
    child_nodes = {pk: n for pk, n in data.child_nodes.items() if pk in visible and n in nodes}
    return GraphData(nodes=nodes, events=events, child_nodes=child_nodes)


def graph_for(*, user: User) -> GraphData:
    """The graph this user may see; empty for anyone who may not use the mapping."""
    if not permissions.can_use_mapping(user):
        return GraphData()
    data = _graph_current()
    if permissions.sees_whole_map(user):
        return data
    visible = {str(pk) for pk in policy.children_visible_to(user).values_list("pk", flat=True)}
    return _filtered(data, visible)


def _audit_children(user: User, data: GraphData, node_ids: Iterable[str], reason: str) -> None:
    child_ids = sorted({pk for n in node_ids if data.nodes[n]["kind"] == CHILD for pk in data.nodes[n]["child_ids"]})
    if child_ids:
        audit_record_children(actor=user, kind=AuditKind.CHILD_LISTED, child_ids=child_ids, reason=reason)  # type: ignore[arg-type]


def evidence_url(node_id: str, *, other: str = "", period: Period | None = None) -> str:
    query = {"node": node_id} | ({"other": other} if other else {})
    if period is not None:
        query |= {"since": period.since.isoformat(), "until": period.until.isoformat()}
    return f"{reverse('mapping:evidence')}?{urlencode(query)}"


def node_json(data: GraphData, node_id: str) -> dict[str, Any]:
    """A node as the network view draws it, with links to the records behind it."""
    node = data.nodes[node_id]
    record_url = ""
    if node["kind"] == CHILD and node["child_ids"]:
        record_url = reverse("children:detail", kwargs={"child_id": node["child_ids"][0]})
    elif node["kind"] == ADULT and node["adult_ids"]:
        record_url = reverse("disruption:adult-detail", kwargs={"adult_id": node["adult_ids"][0]})
    return {
        "id": node_id,
        "kind": node["kind"],
        "label": node["label"],
        "record_url": record_url,
        "evidence_url": evidence_url(node_id),
        "members": [f"{agency} {record_id}" for agency, record_id in node["members"]],
    }


def _node_resolve(data: GraphData, node_id: str) -> str:
    """A node id, or ``child:<id>`` for the node of a child's record; "not found" alike for hidden and absent."""
    if node_id.startswith("child:"):
        node_id = data.child_nodes.get(node_id.removeprefix("child:"), "")
    if node_id not in data.nodes:
        raise Http404("Nothing by that name on the map")
    return node_id


def node_start(*, user: User, node_id: str) -> dict[str, Any]:
    """The node a network view starts from. A child with no events yet is still a node of their own."""
    data = graph_for(user=user)
    pk = node_id.removeprefix("child:")
    if node_id.startswith("child:") and pk not in data.child_nodes:
        child = _visible_child(user, pk)
        _audit_children_ids(user, [child.pk], "Network view")
        return {
            "id": node_id,
            "kind": CHILD,
            "label": child.full_name,
            "record_url": reverse("children:detail", kwargs={"child_id": child.pk}),
            "evidence_url": "",
            "members": [],
        }
    resolved = _node_resolve(data, node_id)
    _audit_children(user, data, [resolved], "Network view")
    return node_json(data, resolved)


def _audit_children_ids(user: User, child_ids: list[Any], reason: str) -> None:
    audit_record_children(actor=user, kind=AuditKind.CHILD_LISTED, child_ids=child_ids, reason=reason)


def network_neighbours(
    *, user: User, node_id: str, drawn: Iterable[str] = (), cap: int = NEIGHBOUR_CAP
) -> dict[str, Any]:
    """One step out from a node: the neighbours not drawn yet (at most ``cap``) and the links to them."""
    data = graph_for(user=user)
    if node_id.startswith("child:") and node_id.removeprefix("child:") not in data.child_nodes:
        child = _visible_child(user, node_id.removeprefix("child:"))
        return {"node": node_id, "nodes": [], "edges": [], "more": 0, "child": str(child.pk)}
    resolved = _node_resolve(data, node_id)
    drawn = set(drawn)
    step = analysis.neighbours(data, resolved, cap=cap, exclude=drawn)
    shown = step["neighbours"]
    _audit_children(user, data, shown, "Network view: one step out")
    on_screen = drawn | set(shown) | {resolved}
    pairs = analysis._pairs(e for e in data.events if resolved in e["nodes"] or set(e["nodes"]) & set(shown))
    edges = [
        {"source": a, "target": b, "weight": weight, "evidence_url": evidence_url(a, other=b)}
        for (a, b), weight in sorted(pairs.items())
        if a in on_screen and b in on_screen and (a in shown or b in shown or resolved in (a, b))
    ]
    return {
        "node": resolved,
        "nodes": [node_json(data, n) for n in shown],
        "edges": edges,
        "more": step["more"],
    }


def _visible_child(user: User, pk: str) -> Child:
    try:
        return policy.children_visible_to(user).get(pk=pk)
    except (Child.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404("Nothing by that name on the map") from error


def node_search(*, user: User, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Nodes whose name, registration, number or postcode holds the text: where a network view can start."""
    wanted = text.strip().lower().replace(" ", "")
    if len(wanted) < 2:
        return []
    data = graph_for(user=user)
    found = [
        n
        for n, node in data.nodes.items()
        if wanted in node["label"].lower().replace(" ", "")
        or any(wanted in f"{a}{r}".lower().replace(" ", "") for a, r in node["members"])
    ]
    found = sorted(found, key=lambda n: (data.nodes[n]["kind"], data.nodes[n]["label"]))[:limit]
    _audit_children(user, data, found, f"Network view: search for {text[:50]}")
    return [node_json(data, n) for n in found]


def hotspots_for(*, user: User, period: Period) -> list[dict[str, Any]]:
    """Hotspots in the period as this user may see them (counts of children, no names: nothing to audit)."""
    data = graph_for(user=user)
    rows = analysis.hotspots(data, period)
    for row in rows:
        row["evidence_url"] = evidence_url(row["node"], period=period)
        row["network_url"] = f"{reverse('mapping:network')}?{urlencode({'node': row['node']})}"
        del row["child_nodes"]
    return rows


def adults_for(*, user: User, period: Period | None = None) -> list[dict[str, Any]]:
    data = graph_for(user=user)
    rows = analysis.adults_ranked(data, period)
    for row in rows:
        row["network_url"] = f"{reverse('mapping:network')}?{urlencode({'node': row['node']})}"
        row["evidence_url"] = evidence_url(row["node"], period=period)
        del row["child_nodes"]
    return rows


def networks_for(*, user: User, period: Period | None = None) -> list[dict[str, Any]]:
    data = graph_for(user=user)
    rows = analysis.networks(data, period)
    for row in rows:
        start = next(n for n in row["nodes"] if data.nodes[n]["kind"] in analysis.PERSONS)
        row["network_url"] = f"{reverse('mapping:network')}?{urlencode({'node': start})}"
    return rows


@dataclass(frozen=True)
class EvidenceShown:
    type: str
    date: str | None
    agency: str
    source: str
    record: str
    record_url: str
    children: list[dict[str, Any]]
    others: list[dict[str, Any]]


def _record_url(event: dict[str, Any], data: GraphData) -> str:
    if event["source"] in {"missing_episode", "return_interview"}:
        return reverse("missing:episode", kwargs={"episode_id": event["record"]})
    if event["source"] == "concern":
        for n in event["nodes"]:
            if data.nodes[n]["kind"] == CHILD and data.nodes[n]["child_ids"]:
                return reverse("children:detail", kwargs={"child_id": data.nodes[n]["child_ids"][0]})
    return ""


def evidence_for(
    *, user: User, node_id: str, other: str = "", period: Period | None = None
) -> tuple[dict[str, Any], list[EvidenceShown]]:
    """The events behind a node (or the link between two nodes) that this user may see, newest first."""
    data = graph_for(user=user)
    if node_id.startswith("child:") and node_id.removeprefix("child:") not in data.child_nodes:
        return node_start(user=user, node_id=node_id), []
    resolved = _node_resolve(data, node_id)
    wanted = {resolved} | ({_node_resolve(data, other)} if other else set())
    events = [e for e in analysis.events_in(data, period) if wanted <= set(e["nodes"])]
    events.sort(key=lambda e: (e["date"] or "", e["agency"], e["record"]), reverse=True)
    shown = []
    named: set[str] = set()
    for event in events:
        children: list[dict[str, Any]] = []
        others: list[dict[str, Any]] = []
        for n in event["nodes"]:
            entry = node_json(data, n)
            (children if data.nodes[n]["kind"] == CHILD else others).append(entry)
            named.add(n)
        shown.append(
            EvidenceShown(
                type=event["type"].replace("_", " "),
                date=event["date"],
                agency=event["agency"],
                source=event["source"].replace("_", " "),
                record=event["record"],
                record_url=_record_url(event, data),
                children=children,
                others=others,
            )
        )
    _audit_children(user, data, named | {resolved}, "Mapping: the records behind a figure")
    return node_json(data, resolved), shown


def child_places_and_people(*, user: User, child: Child) -> dict[str, Any]:
    """A child's own panel: the places, people and things one step from them, most often linked first."""
    if not policy.can_view_child(user, child):
        raise Http404("No child found")
    data = graph_for(user=user)
    node_id = data.child_nodes.get(str(child.pk))
    if node_id is None:
        return {"node": None, "places": [], "people": [], "things": []}
    step = analysis.neighbours(data, node_id, cap=NEIGHBOUR_CAP)
    rows = [node_json(data, n) | {"count": step["weights"][n]} for n in step["neighbours"]]
    for row in rows:
        row["evidence_url"] = evidence_url(node_id, other=row["id"])
    _audit_children(user, data, [r["id"] for r in rows], "Places and people on a child's record")
    return {
        "node": node_id,
        "network_url": f"{reverse('mapping:network')}?{urlencode({'node': node_id})}",
        "places": [r for r in rows if r["kind"] == "place"],
        "people": [r for r in rows if r["kind"] in analysis.PERSONS],
        "things": [r for r in rows if r["kind"] not in analysis.PERSONS and r["kind"] != "place"],
        "more": step["more"],
    }
