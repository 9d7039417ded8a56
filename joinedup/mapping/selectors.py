"""Reads of the mapping, each for one viewer: only figures built from events about children they may see.

Coordinators and leaders see the whole partnership's picture. Practitioners and managers see the events
that concern at least one child they may see; any other child of such an event is left out, as if the
event had not named them. Every read that shows a child is audited, one ``child_listed`` row per child,
all of a page's rows in one statement.

They read the current generation the last refresh stored (see models.py), never a whole graph: for the whole
picture, the stored analyses of the standard periods and indexed lookups of a node's events (one step of the
network view, a node's records); for a viewer who sees part of it, the events about the children they may
see, found through the index of children by node, with the analyses run over just those.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_many
from joinedup.children.models import Child

from . import permissions
from .internals import analysis
from .internals.analysis import Period
from .internals.build import ADULT, CHILD, PLACE, GraphData
from .models import (
    MappingEvent,
    MappingEventNode,
    MappingNode,
    MappingNodeChild,
    MappingPeriodNetworks,
    MappingResult,
    MappingSnapshot,
    ResultKind,
)
from .periods import latest_periods, period_key, standard_periods
from .summaries import SCHOOL, network_summary

NEIGHBOUR_CAP = 50
HOTSPOTS_PER_PAGE = 50
NETWORKS_SHOWN = 50
ADULTS_SHOWN = 20
EVIDENCE_PER_PAGE = 100


@dataclass
class Listing:
    """One page of a ranked list: its rows, how many there are in all, the page and how many pages."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0
    page: int = 1
    per_page: int = 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page


def _page_of(count: int, page: int, per_page: int) -> Listing:
    listing = Listing(count=count, per_page=per_page)
    listing.page = min(max(1, page), listing.pages)
    return listing


def snapshot_latest() -> MappingSnapshot | None:
    """The current generation: the newest refresh that finished writing."""
    return MappingSnapshot.objects.filter(complete=True).first()


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


def _graph_load(event_ids: QuerySet[Any], extra_nodes: QuerySet[Any] | None = None) -> GraphData:
    """The events these ids name, in the build's order, and every node they join (and ``extra_nodes``)."""
    nodes_of_events = MappingEventNode.objects.filter(event_id__in=event_ids).values("node_id")
    wanted = Q(id__in=nodes_of_events) | (Q(id__in=extra_nodes) if extra_nodes is not None else Q(pk__in=[]))
    keys: dict[int, str] = {}
    nodes: dict[str, dict[str, Any]] = {}
    for pk, key, data in MappingNode.objects.filter(wanted).values_list("id", "key", "data"):
        keys[pk] = key
        nodes[key] = data
    joined: dict[int, list[str]] = defaultdict(list)
    links = MappingEventNode.objects.filter(event_id__in=event_ids).order_by("event_id", "position")
    for event_id, node_id in links.values_list("event_id", "node_id"):
        joined[event_id].append(keys[node_id])
    events = [
        {
            "source": source,
            "agency": agency,
            "record": record,
            "type": type_,
            "date": day.isoformat() if day else None,
            "nodes": joined[pk],
            **extra,
        }
        for pk, source, agency, record, type_, day, extra in MappingEvent.objects.filter(id__in=event_ids)
        .order_by("id")
        .values_list("id", "source", "agency", "record", "type", "date", "extra")
    ]
    return GraphData(nodes=nodes, events=events)


class _Map:
    """The mapping as one viewer may see it, for the length of one request."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.snapshot = snapshot_latest()
        self.whole = permissions.sees_whole_map(user)
        self._visible: GraphData | None = None

    @property
    def visible(self) -> GraphData:
        """For a viewer who sees part of the map: the events about children they may see, filtered."""
        if self._visible is None:
            self._visible = self._visible_load()
        return self._visible

    def _visible_load(self) -> GraphData:
        if self.snapshot is None:
            return GraphData()
        theirs = MappingNodeChild.objects.filter(
            snapshot_id=self.snapshot.pk, child_id__in=policy.children_visible_to(self.user).values("pk")
        )
        visible = {str(pk) for pk in theirs.values_list("child_id", flat=True)}
        events = MappingEventNode.objects.filter(node_id__in=theirs.values("node_id")).values("event_id")
        data = _graph_load(events, extra_nodes=theirs.filter(primary=True).values("node_id"))
        data.child_nodes = {
            str(pk): key for pk, key in theirs.filter(primary=True).values_list("child_id", "node__key")
        }
        return _filtered(data, visible)

    def nodes_by_key(self, keys: Iterable[str]) -> dict[str, tuple[int, dict[str, Any]]]:
        """For the whole map: these nodes' ids and data, by key."""
        if self.snapshot is None:
            return {}
        rows = MappingNode.objects.filter(snapshot_id=self.snapshot.pk, key__in=list(keys))
        return {key: (pk, data) for pk, key, data in rows.values_list("id", "key", "data")}

    def child_node(self, pk: str) -> tuple[int, str, dict[str, Any]] | None:
        """For the whole map: the node a child's record is drawn as."""
        if self.snapshot is None:
            return None
        try:
            row = (
                MappingNodeChild.objects.filter(snapshot_id=self.snapshot.pk, child_id=pk, primary=True)
                .values_list("node_id", "node__key", "node__data")
                .first()
            )
        except (ValueError, ValidationError):
            return None
        return row


def _audit_children(user: User, data: GraphData, node_ids: Iterable[str], reason: str) -> None:
    child_ids = sorted({pk for n in node_ids if data.nodes[n]["kind"] == CHILD for pk in data.nodes[n]["child_ids"]})
    if child_ids:
        audit_record_many(
            actor=user,
            kind=AuditKind.CHILD_LISTED,
            rows=[(UUID(pk), "child", pk, reason, None) for pk in child_ids],
        )


def _audit_children_ids(user: User, child_ids: list[Any], reason: str) -> None:
    audit_record_many(
        actor=user, kind=AuditKind.CHILD_LISTED, rows=[(pk, "child", str(pk), reason, None) for pk in child_ids]
    )


def evidence_url(node_id: str, *, other: str = "", period: Period | None = None) -> str:
    query = {"node": node_id} | ({"other": other} if other else {})
    if period is not None:
        query |= {"since": period.since.isoformat(), "until": period.until.isoformat()}
    return f"{reverse('mapping:evidence')}?{urlencode(query)}"


def network_url(node_id: str) -> str:
    return f"{reverse('mapping:network')}?{urlencode({'node': node_id})}"


def node_json(data: GraphData, node_id: str) -> dict[str, Any]:
    """A node as the network view draws it, with links to the records behind it."""
    node = data.nodes[node_id]
    record_url = ""
    if node["kind"] == CHILD and node["child_ids"]:
        record_url = reverse("children:detail", kwargs={"child_id": node["child_ids"][0]})
    elif node["kind"] == ADULT and node["adult_ids"]:
        record_url = reverse("disruption:adult-detail", kwargs={"adult_id": node["adult_ids"][0]})
    shown = {
        "id": node_id,
        "kind": node["kind"],
        "label": node["label"],
        "record_url": record_url,
        "evidence_url": evidence_url(node_id),
        "members": [f"{agency} {record_id}" for agency, record_id in node["members"]],
    }
    if node["kind"] == PLACE and node.get("lat") is not None and node.get("lon") is not None:
        shown |= {"lat": node["lat"], "lon": node["lon"]}  # for the network view's street map
    return shown


def _node_resolve(data: GraphData, node_id: str) -> str:
    """A node id, or ``child:<id>`` for the node of a child's record; "not found" alike for hidden and absent."""
    if node_id.startswith("child:"):
        node_id = data.child_nodes.get(node_id.removeprefix("child:"), "")
    if node_id not in data.nodes:
        raise Http404("Nothing by that name on the map")
    return node_id


def _resolve_whole(view: _Map, node_id: str) -> tuple[int, str, GraphData] | None:
    """For the whole map: the node's id, key and a graph holding just it; None for a child with no node yet."""
    if node_id.startswith("child:"):
        found = view.child_node(node_id.removeprefix("child:"))
        if found is None:
            return None
        pk, key, data = found
    else:
        by_key = view.nodes_by_key([node_id])
        if node_id not in by_key:
            raise Http404("Nothing by that name on the map")
        key = node_id
        pk, data = by_key[node_id]
    return pk, key, GraphData(nodes={key: data})


def _child_start(user: User, pk: str) -> dict[str, Any]:
    child = _visible_child(user, pk)
    _audit_children_ids(user, [child.pk], "Network view")
    return {
        "id": f"child:{pk}",
        "kind": CHILD,
        "label": child.full_name,
        "record_url": reverse("children:detail", kwargs={"child_id": child.pk}),
        "evidence_url": "",
        "members": [],
    }


def node_start(*, user: User, node_id: str) -> dict[str, Any]:
    """The node a network view starts from. A child with no events yet is still a node of their own."""
    if not permissions.can_use_mapping(user):
        raise Http404("Nothing by that name on the map")
    view = _Map(user)
    pk = node_id.removeprefix("child:")
    if view.whole:
        found = _resolve_whole(view, node_id)
        if found is None:
            return _child_start(user, pk)
        _, resolved, data = found
    else:
        data = view.visible
        if node_id.startswith("child:") and pk not in data.child_nodes:
            return _child_start(user, pk)
        resolved = _node_resolve(data, node_id)
    _audit_children(user, data, [resolved], "Network view")
    return node_json(data, resolved)


def _step_whole(view: _Map, pk: int, drawn: set[int], cap: int) -> tuple[list[tuple[int, int]], int]:
    """For the whole map: the nodes one step from node ``pk`` and not drawn, most often linked first (then by
    key), at most ``cap``, each with the number of events joining them; and how many more there are."""
    theirs = MappingEventNode.objects.filter(node_id=pk).values("event_id")
    others = MappingEventNode.objects.filter(event_id__in=theirs).exclude(node_id=pk)
    if drawn:
        others = others.exclude(node_id__in=drawn)
    grouped = others.values("node_id").annotate(weight=Count("id"))
    total = grouped.count()
    top = [(row["node_id"], row["weight"]) for row in grouped.order_by("-weight", "node__key")[:cap]]
    return top, max(0, total - cap)


def _pairs_whole(among: list[int], on_screen: list[int]) -> dict[tuple[int, int], int]:
    """For the whole map: the events joining each node of ``among`` to each other node of ``on_screen``."""
    if not among or not on_screen:
        return {}
    table = connection.ops.quote_name(MappingEventNode._meta.db_table)
    sql = (
        f"SELECT a.node_id, b.node_id, COUNT(*) FROM {table} a JOIN {table} b ON b.event_id = a.event_id "  # noqa: S608 (names from the model)
        f"WHERE a.node_id IN ({', '.join(['%s'] * len(among))}) "
        f"AND b.node_id IN ({', '.join(['%s'] * len(on_screen))}) AND b.node_id <> a.node_id "
        "GROUP BY a.node_id, b.node_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*among, *on_screen])
        return {(a, b): weight for a, b, weight in cursor.fetchall()}


def network_neighbours(
    *, user: User, node_id: str, drawn: Iterable[str] = (), cap: int = NEIGHBOUR_CAP
) -> dict[str, Any]:
    """One step out from a node: the neighbours not drawn yet (at most ``cap``) and the links to them."""
    if not permissions.can_use_mapping(user):
        raise Http404("Nothing by that name on the map")
    view = _Map(user)
    drawn = set(drawn)
    if not view.whole:
        return _neighbours_visible(user, view.visible, node_id, drawn, cap)
    found = _resolve_whole(view, node_id)
    if found is None:
        child = _visible_child(user, node_id.removeprefix("child:"))
        return {"node": node_id, "nodes": [], "edges": [], "more": 0, "child": str(child.pk)}
    pk, resolved, data = found
    drawn_rows = view.nodes_by_key(drawn - {resolved})
    top, more = _step_whole(view, pk, {p for p, _ in drawn_rows.values()}, cap)
    shown_rows = MappingNode.objects.filter(id__in=[p for p, _ in top]).values_list("id", "key", "data")
    keys = {pk: resolved} | {p: key for p, key, _ in shown_rows} | {p: key for key, (p, _) in drawn_rows.items()}
    data.nodes |= {key: node for _, key, node in shown_rows}
    shown = [keys[p] for p, _ in top]
    _audit_children(user, data, shown, "Network view: one step out")
    pairs: dict[tuple[str, str], int] = {}
    for (a, b), weight in _pairs_whole([pk, *(p for p, _ in top)], list(keys)).items():
        pairs[(min(keys[a], keys[b]), max(keys[a], keys[b]))] = weight
    edges = [
        {"source": a, "target": b, "weight": weight, "evidence_url": evidence_url(a, other=b)}
        for (a, b), weight in sorted(pairs.items())
    ]
    return {"node": resolved, "nodes": [node_json(data, n) for n in shown], "edges": edges, "more": more}


def _neighbours_visible(user: User, data: GraphData, node_id: str, drawn: set[str], cap: int) -> dict[str, Any]:
    if node_id.startswith("child:") and node_id.removeprefix("child:") not in data.child_nodes:
        child = _visible_child(user, node_id.removeprefix("child:"))
        return {"node": node_id, "nodes": [], "edges": [], "more": 0, "child": str(child.pk)}
    resolved = _node_resolve(data, node_id)
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
    if len(wanted) < 2 or not permissions.can_use_mapping(user):
        return []
    view = _Map(user)
    if view.whole:
        if view.snapshot is None:
            return []
        rows = (
            MappingNode.objects.filter(snapshot_id=view.snapshot.pk, search__contains=wanted)
            .order_by("kind", "label")
            .values_list("key", "data")[:limit]
        )
        data = GraphData(nodes=dict(rows))
        found = list(data.nodes)
    else:
        data = view.visible
        found = [
            n
            for n, node in data.nodes.items()
            if wanted in node["label"].lower().replace(" ", "")
            or any(wanted in f"{a}{r}".lower().replace(" ", "") for a, r in node["members"])
        ]
        found = sorted(found, key=lambda n: (data.nodes[n]["kind"], data.nodes[n]["label"]))[:limit]
    _audit_children(user, data, found, f"Network view: search for {text[:50]}")
    return [node_json(data, n) for n in found]


def period_window(snapshot: MappingSnapshot, period: Period) -> GraphData:
    """For the whole map and a period no refresh stored: the events an analysis of it reads, from the index
    (see ``services._Windows``)."""
    schools = MappingNode.objects.filter(snapshot_id=snapshot.pk, kind=PLACE, data__place_type=SCHOOL)
    at_schools = MappingEventNode.objects.filter(node_id__in=schools.values("id")).values("event_id")
    events = MappingEvent.objects.filter(snapshot_id=snapshot.pk).filter(
        Q(date__isnull=True) | Q(date__range=(period.previous().since, period.until)) | Q(id__in=at_schools)
    )
    return _graph_load(events.values("id"))


def _stored(view: _Map, period: Period, kind: ResultKind = ResultKind.HOTSPOT) -> bool:
    """Whether the refresh stored this kind of result for the period (see periods.latest_periods)."""
    if not view.whole or view.snapshot is None:
        return False
    if kind in (ResultKind.HOTSPOT, ResultKind.ADULT):
        return period in standard_periods(view.snapshot.as_of)
    return period in latest_periods(view.snapshot.as_of)


def _computed(view: _Map, period: Period) -> GraphData:
    """The graph to analyse for a period this viewer's page needs computed now."""
    if not view.whole:
        return view.visible
    return period_window(view.snapshot, period) if view.snapshot is not None else GraphData()


def _results(view: _Map, kind: ResultKind, period: Period) -> QuerySet[MappingResult]:
    snapshot_id = view.snapshot.pk if view.snapshot is not None else None
    return MappingResult.objects.filter(snapshot_id=snapshot_id, kind=kind, period=period_key(period))


def hotspots_for(*, user: User, period: Period, page: int = 1, per_page: int | None = None) -> Listing:
    """One page of the hotspots in the period as this user may see them (counts of children, no names:
    nothing to audit)."""
    per_page = per_page or HOTSPOTS_PER_PAGE
    view = _Map(user)
    if _stored(view, period):
        results = _results(view, ResultKind.HOTSPOT, period)
        listing = _page_of(results.count(), page, per_page)
        stored = results.order_by("rank").only("data")[listing.first : listing.first + per_page]
        listing.rows = [row.data | {"why": analysis.hotspot_why(row.data)} for row in stored]
    else:
        rows = analysis.hotspots(_computed(view, period), period)
        listing = _page_of(len(rows), page, per_page)
        listing.rows = rows[listing.first : listing.first + per_page]
    for row in listing.rows:
        row["evidence_url"] = evidence_url(row["node"], period=period)
        row["network_url"] = network_url(row["node"])
    return listing


def adults_for(*, user: User, period: Period, limit: int = ADULTS_SHOWN) -> list[dict[str, Any]]:
    """The adults of concern linked to the most children in the period, at most ``limit``."""
    view = _Map(user)
    if _stored(view, period, ResultKind.ADULT):
        rows = [row.data for row in _results(view, ResultKind.ADULT, period).order_by("rank").only("data")[:limit]]
    else:
        rows = analysis.adults_ranked(_computed(view, period), period)[:limit]
    for row in rows:
        row["network_url"] = network_url(row["node"])
        row["evidence_url"] = evidence_url(row["node"], period=period)
    return rows


def networks_ready(*, user: User, period: Period) -> bool:
    """Whether the period's networks are read without asking the worker for them: stored by the refresh (the
    latest period of each length), or the viewer's own part of the map. Any other period's are worked out by the
    worker once, when a page first asks (services.period_networks_request), and read by ``networks_shown`` with
    that row of work once it is complete."""
    view = _Map(user)
    return not view.whole or _stored(view, period, ResultKind.NETWORK)


def networks_work(view: "_Map", period: Period) -> MappingPeriodNetworks | None:
    """For the whole map: the period's row of work asked of the worker for the current mapping, with its job."""
    if view.snapshot is None:
        return None
    asked = MappingPeriodNetworks.objects.filter(snapshot_id=view.snapshot.pk, period=period_key(period))
    return asked.select_related("job").first()


def _networks(
    view: _Map, period: Period, limit: int, work: MappingPeriodNetworks | None, *, compute: bool
) -> Listing | None:
    if not view.whole:
        data = view.visible
        found = analysis.networks(data, period)
        listing = _page_of(len(found), 1, limit)
        listing.rows = [network_summary(data, row) for row in found[:limit]]
    elif view.snapshot is None:
        listing = Listing(per_page=limit)
    else:
        stored = _stored(view, period, ResultKind.NETWORK)
        if not stored:
            work = work if work is not None else networks_work(view, period)
            stored = work is not None and work.complete and work.snapshot_id == view.snapshot.pk
        if stored:
            results = _results(view, ResultKind.NETWORK, period)
            listing = _page_of(results.count(), 1, limit)
            listing.rows = [row.summary for row in results.order_by("rank").only("summary")[:limit]]
        elif compute:
            data = _computed(view, period)
            found = analysis.networks(data, period)
            listing = _page_of(len(found), 1, limit)
            listing.rows = [network_summary(data, row) for row in found[:limit]]
        else:
            return None
    for row in listing.rows:
        row["network_url"] = network_url(row["start"])
    return listing


def networks_for(*, user: User, period: Period, limit: int = NETWORKS_SHOWN) -> Listing:
    """The largest networks of the period, at most ``limit``, each as its summary (see summaries.py): stored (by
    the refresh, or by the worker for a period a page asked for), else computed over the period's events. For
    the worker's own work (a problem profile); a page reads ``networks_shown``, which never computes them for
    the whole map."""
    listing = _networks(_Map(user), period, limit, None, compute=True)
    return listing if listing is not None else Listing()  # with compute, never None


def networks_shown(
    *, user: User, period: Period, work: MappingPeriodNetworks | None = None, limit: int = NETWORKS_SHOWN
) -> Listing | None:
    """What a page's networks table shows: the viewer's own part of the map computed for them; for the whole map
    the stored networks (of a latest period, or of ``work``, the period's row of work, looked up when not given,
    once complete), else None, and the page shows the work's progress."""
    return _networks(_Map(user), period, limit, work, compute=False)


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
    if event["source"] == "missing_education":
        return reverse("education:case", kwargs={"record_id": event["record"]})
    if event["source"] == "concern":
        for n in event["nodes"]:
            if data.nodes[n]["kind"] == CHILD and data.nodes[n]["child_ids"]:
                return reverse("children:detail", kwargs={"child_id": data.nodes[n]["child_ids"][0]})
    return ""


def _evidence_whole(
    view: _Map, node_id: str, other: str, period: Period | None, page: int
) -> tuple[str, GraphData, Listing, list[dict[str, Any]]] | None:
    """For the whole map: one page of the events joining the node (and ``other``), newest first, from the
    index, with the nodes they join."""
    found = _resolve_whole(view, node_id)
    if found is None:
        return None
    pk, resolved, _ = found
    events = MappingEvent.objects.filter(id__in=MappingEventNode.objects.filter(node_id=pk).values("event_id"))
    if other:
        with_other = _resolve_whole(view, other)
        if with_other is None:
            raise Http404("Nothing by that name on the map")
        events = events.filter(id__in=MappingEventNode.objects.filter(node_id=with_other[0]).values("event_id"))
    if period is not None:
        events = events.filter(Q(date__isnull=True) | Q(date__range=(period.since, period.until)))
    listing = _page_of(events.count(), page, EVIDENCE_PER_PAGE)
    ordered = events.order_by(F("date").desc(nulls_last=True), "-agency", "-record")
    chosen = ordered.values_list("id", flat=True)[listing.first : listing.first + EVIDENCE_PER_PAGE]
    data = _graph_load(MappingEvent.objects.filter(id__in=list(chosen)).values("id"), extra_nodes=None)
    if resolved not in data.nodes:
        data.nodes[resolved] = found[2].nodes[resolved]
    events_shown = sorted(data.events, key=lambda e: (e["date"] or "", e["agency"], e["record"]), reverse=True)
    return resolved, data, listing, events_shown


def evidence_for(
    *, user: User, node_id: str, other: str = "", period: Period | None = None, page: int = 1
) -> tuple[dict[str, Any], list[EvidenceShown], Listing]:
    """The events behind a node (or the link between two nodes) that this user may see, newest first, one
    page of them."""
    if not permissions.can_use_mapping(user):
        raise Http404("Nothing by that name on the map")
    view = _Map(user)
    if view.whole:
        whole = _evidence_whole(view, node_id, other, period, page)
        if whole is None:
            return node_start(user=user, node_id=node_id), [], Listing()
        resolved, data, listing, events = whole
    else:
        data = view.visible
        if node_id.startswith("child:") and node_id.removeprefix("child:") not in data.child_nodes:
            return node_start(user=user, node_id=node_id), [], Listing()
        resolved = _node_resolve(data, node_id)
        wanted = {resolved} | ({_node_resolve(data, other)} if other else set())
        events = [e for e in analysis.events_in(data, period) if wanted <= set(e["nodes"])]
        events.sort(key=lambda e: (e["date"] or "", e["agency"], e["record"]), reverse=True)
        listing = _page_of(len(events), page, EVIDENCE_PER_PAGE)
        events = events[listing.first : listing.first + EVIDENCE_PER_PAGE]
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
    return node_json(data, resolved), shown, listing


def child_places_and_people(*, user: User, child: Child) -> dict[str, Any]:
    """A child's own panel: the places, people and things one step from them, most often linked first."""
    if not policy.can_view_child(user, child) or not permissions.can_use_mapping(user):
        raise Http404("No child found")
    view = _Map(user)
    if view.whole:
        found = view.child_node(str(child.pk))
        if found is None:
            return {"node": None, "places": [], "people": [], "things": []}
        pk, node_id, node = found
        top, more = _step_whole(view, pk, set(), NEIGHBOUR_CAP)
        rows_of = MappingNode.objects.filter(id__in=[p for p, _ in top]).values_list("id", "key", "data")
        keys = {p: key for p, key, _ in rows_of}
        data = GraphData(nodes={node_id: node} | {key: value for _, key, value in rows_of})
        weights = {keys[p]: weight for p, weight in top}
        neighbours = [keys[p] for p, _ in top]
    else:
        data = view.visible
        if str(child.pk) not in data.child_nodes:
            return {"node": None, "places": [], "people": [], "things": []}
        node_id = data.child_nodes[str(child.pk)]
        step = analysis.neighbours(data, node_id, cap=NEIGHBOUR_CAP)
        weights, neighbours, more = step["weights"], step["neighbours"], step["more"]
    rows = [node_json(data, n) | {"count": weights[n]} for n in neighbours]
    for row in rows:
        row["evidence_url"] = evidence_url(node_id, other=row["id"])
    _audit_children(user, data, [r["id"] for r in rows], "Places and people on a child's record")
    return {
        "node": node_id,
        "network_url": network_url(node_id),
        "places": [r for r in rows if r["kind"] == "place"],
        "people": [r for r in rows if r["kind"] in analysis.PERSONS],
        "things": [r for r in rows if r["kind"] not in analysis.PERSONS and r["kind"] != "place"],
        "more": more,
    }
