"""Full mapping refresh on 1M synthetic events: graph, networks (components and communities), adults of
concern ranked, hotspots; then the whole refresh through the database and the pages that read what it stored.

Through the database (``--through-db 1``, the default): the same events go into a temporary SQLite database (with
``--postgresql 1``, a throwaway PostgreSQL server started as ``bench/pages.py`` starts one) as
agency extract rows (``PersonRecord``, ``EventRecord``), ``manage.py refresh_mapping`` runs in a process of its
own (build from the database, the analyses of all 52 standard periods, every row stored), timed with its peak
memory; then, as a coordinator through Django's test client, the hotspots page (the standard periods) and one
step of the network view (``/mapping/network/neighbours/``, from random places and people) are requested
``--requests`` times each, p50 and p95; then the hotspots page for periods whose networks no refresh stored, first
opened (the page asks the worker for them) and once the worker stored them, against working them out in the request
(``--period-pages``). Their baselines, measured in the same run on the same events: what each
request did before the analyses were stored (the period's hotspots, networks and adults of concern computed over
the graph in memory, leaving out the parsing of the snapshot it also did; one step of ``analysis.neighbours``
and the pairs of the node's events over the graph in memory).

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

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _common import ROOT, arguments, p95, progress, timed

SINCE, UNTIL = date(2026, 10, 1), date(2026, 10, 31)
SCENE_SIZE = 400
GOAL_REFRESH_S = 180
GOAL_PEAK_GB = 2.0
GOAL_PAGE_MS = 300


def synthetic_graph(n_events: int, seed: int = 5, *, until: date = UNTIL, days: int = 62) -> Any:
    """Events between nodes of the same scene, with a few crossing scenes, over ``days`` days to ``until``."""
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
    start = until - timedelta(days=days - 1)

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
        day = None if rng.random() < 0.02 else (start + timedelta(days=rng.randrange(days))).isoformat()
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


def _record_id(node_id: str) -> str:
    return node_id.split(":", 1)[1]


def database_load(data: Any) -> dict[str, Any]:
    """The synthetic events as one police extract (people and events) in the database, as an import leaves them:
    each person node a person record, each event an event row naming its people, place, vehicles and phones."""
    from django.db import transaction

    from joinedup.agencies.models import Agency, AgencyKind
    from joinedup.bulk import rows_insert
    from joinedup.imports.models import EventRecord, PersonRecord, PersonType
    from joinedup.mapping.internals.build import ADULT, CHILD, PHONE, PLACE, VEHICLE

    agency = Agency.objects.create(code="POL", name="Police", kind=AgencyKind.POLICE)
    types = {CHILD: PersonType.CHILD, ADULT: PersonType.ADULT_OF_CONCERN}
    people = [
        {
            "agency_id": agency.pk,
            "record_id": _record_id(node_id),
            "person_type": types.get(node["kind"], PersonType.OTHER),
            "data": {"given_name": _record_id(node_id), "family_name": "Bench"},
        }
        for node_id, node in data.nodes.items()
        if node_id.startswith("person:")
    ]
    with transaction.atomic():
        rows_insert(PersonRecord, people)
    kinds = {node_id: node["kind"] for node_id, node in data.nodes.items()}
    chunk: list[dict[str, Any]] = []
    written = 0
    for event in data.events:
        persons = [_record_id(n) for n in event["nodes"] if n.startswith("person:")]
        places = [data.nodes[n] for n in event["nodes"] if kinds[n] == PLACE]
        row = {
            "event_id": event["record"],
            "agency": "POL",
            "event_type": event["type"],
            "occurred_at": f"{event['date']}T{20 + len(chunk) % 4}:15:00" if event["date"] else "",
            "subject_record_id": persons[0] if persons else "",
            "other_record_ids": ";".join(persons[1:]),
            "vehicles": ";".join(f"BN{n.rsplit('e', 1)[-1]}X" for n in event["nodes"] if kinds[n] == VEHICLE),
            "phones": ";".join(f"07700{int(n.rsplit('e', 1)[-1]):06d}" for n in event["nodes"] if kinds[n] == PHONE),
        }
        if places:
            row |= {"place_name": places[0]["place_name"], "place_postcode": places[0]["postcode"]}
        chunk.append({"agency_id": agency.pk, "event_id": event["record"], "event_type": event["type"], "data": row})
        if len(chunk) >= 20_000:
            with transaction.atomic():
                written += rows_insert(EventRecord, chunk)
            chunk = []
    with transaction.atomic():
        written += rows_insert(EventRecord, chunk)
    return {"people": len(people), "events": written}


def _rss_kib(pid: int) -> int:
    """A process's resident memory now (KiB), 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
    except (OSError, ValueError):
        return 0


def _descendants(pid: int) -> list[int]:
    """A process and every process it started that is still running (Linux's /proc)."""
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    waiting += [int(child) for child in children.read().split()]
        except OSError:
            continue
    return found


def refresh_through_database() -> dict[str, Any]:
    """``manage.py refresh_mapping`` in a process of its own: seconds, peak memory, what it printed. The refresh
    works out half its analyses in a process it starts (``mapping.services._Beside``): the peak is the larger of
    the largest single process's (``ru_maxrss``) and all of them together, read every quarter of a second."""
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
    start = time.perf_counter()
    refresh = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, str(ROOT / "manage.py"), "refresh_mapping"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    together = [0]
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.25):
            together[0] = max(together[0], sum(_rss_kib(pid) for pid in _descendants(refresh.pid)))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = refresh.communicate()
    stop.set()
    watcher.join()
    seconds = time.perf_counter() - start
    if refresh.returncode:
        raise SystemExit(f"refresh_mapping failed:\n{stdout}\n{stderr}")
    # ru_maxrss is in KiB on Linux: the largest of the children waited for, here the refresh or its process beside.
    single_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    together_gb = together[0] / 1024 / 1024
    return {
        "seconds": seconds,
        "peak_gb": max(single_gb, together_gb),
        "single_gb": single_gb,
        "together_gb": together_gb,
        "output": stdout.strip().splitlines()[-1],
    }


def pages_timed(requests: int, seed: int = 5) -> dict[str, list[float]]:
    """The hotspots page over the standard periods and one step of the network view from random nodes, as a
    coordinator, each request timed (seconds)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from joinedup.accounts.models import RoleCode
    from joinedup.accounts.tests.factories import PASSWORD, UserFactory
    from joinedup.mapping.models import MappingNode
    from joinedup.mapping.periods import PERIOD_LENGTHS, PERIODS_BACK

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(seed)
    client = Client()
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    # Through the real sign-in page, as a coordinator does (a bare force_login is sent back to it).
    if client.post("/sign-in/", {"username": coordinator.username, "password": PASSWORD}).status_code != 302:
        raise SystemExit("could not sign in")
    keys = list(MappingNode.objects.filter(kind__in=["place", "child", "adult"]).values_list("key", flat=True))
    times: dict[str, list[float]] = {"hotspots": [], "expansion": []}
    for i in range(requests + 1):
        days, back = rng.choice(PERIOD_LENGTHS), rng.randrange(PERIODS_BACK + 1)
        for name, url, query in (
            ("hotspots", reverse("mapping:hotspots"), {"days": days, "back": back}),
            ("expansion", reverse("mapping:neighbours"), {"node": rng.choice(keys)}),
        ):
            start = time.perf_counter()
            response = client.get(url, query)
            elapsed = time.perf_counter() - start
            if response.status_code != 200:
                raise SystemExit(f"{url} {query}: {response.status_code}")
            if i:  # the first of each warms the caches
                times[name].append(elapsed)
    return times


def period_pages_timed(requests: int, seed: int = 7) -> str:
    """The hotspots page for periods whose networks no refresh stored (the standard periods 1 to 12 back, issue 14):
    first opened, when the page asks the worker for them and shows progress; then, once the worker has stored
    them, read like a latest period's. Baseline, in the same run: what each such request did when it worked the
    period's networks out itself (``selectors.networks_for`` over the period's indexed events, timed alone)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from joinedup.accounts.models import RoleCode
    from joinedup.accounts.tests.factories import PASSWORD, UserFactory
    from joinedup.mapping import selectors, services
    from joinedup.mapping.models import MappingPeriodNetworks
    from joinedup.mapping.periods import PERIOD_LENGTHS, PERIODS_BACK, period_back, period_key

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(seed)
    client = Client()
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    if client.post("/sign-in/", {"username": coordinator.username, "password": PASSWORD}).status_code != 302:
        raise SystemExit("could not sign in")
    snapshot = selectors.snapshot_latest()
    if snapshot is None:
        raise SystemExit("no mapping refreshed")
    # Periods no page asked for yet (the standard pages above asked for some).
    asked_before = set(MappingPeriodNetworks.objects.values_list("period", flat=True))
    earlier = [
        (days, back)
        for days in PERIOD_LENGTHS
        for back in range(1, PERIODS_BACK + 1)
        if period_key(period_back(snapshot.as_of, days, back)) not in asked_before
    ]
    chosen = rng.sample(earlier, min(requests + 1, len(earlier)))
    url = reverse("mapping:hotspots")
    load_before = os.getloadavg()

    def page(days: int, back: int) -> tuple[float, str]:
        start = time.perf_counter()
        response = client.get(url, {"days": days, "back": back})
        elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise SystemExit(f"{url} days={days} back={back}: {response.status_code}")
        return elapsed, response.content.decode()

    asked = []
    for i, (days, back) in enumerate(chosen):
        elapsed, html = page(days, back)
        if 'id="networks-working"' not in html:
            raise SystemExit(f"days={days} back={back}: the page did not say the networks are being worked out")
        if i:  # the first warms the caches
            asked.append(elapsed)
    computed = []
    for days, back in chosen[1:]:
        start = time.perf_counter()
        selectors.networks_for(user=coordinator, period=period_back(snapshot.as_of, days, back))
        computed.append(time.perf_counter() - start)
    worker = []
    for work in MappingPeriodNetworks.objects.filter(snapshot_id=snapshot.pk, job__isnull=False).order_by("pk"):
        start = time.perf_counter()
        services.period_networks_run(job_id=str(work.job_id))
        worker.append(time.perf_counter() - start)
    stored = []
    for days, back in chosen[1:]:
        elapsed, html = page(days, back)
        if 'id="network-table"' not in html and "No networks in this period" not in html:
            raise SystemExit(f"days={days} back={back}: the stored networks are not shown")
        stored.append(elapsed)
    load_after = os.getloadavg()
    ms = 1000

    def spread(values: list[float]) -> str:
        return f"p50={statistics.median(values) * ms:.0f}ms p95={p95(values) * ms:.0f}ms"

    old = [a + c for a, c in zip(asked, computed, strict=True)]
    return (
        f"hotspots page for a period whose networks no refresh stored ({len(asked)} periods, 1 to {PERIODS_BACK} "
        f"back): first opened (asks the worker, shows progress) {spread(asked)}; once stored {spread(stored)} "
        f"(goal p95 <= {GOAL_PAGE_MS}ms: {'met' if p95(stored) * ms <= GOAL_PAGE_MS else 'NOT met'}); baseline, "
        f"the networks worked out in the request: the networks alone {spread(computed)}, page and networks "
        f"{spread(old)}; ratio of p95 first opened / page and networks = {p95(asked) / p95(old):.3f}, once stored "
        f"/ page and networks = {p95(stored) / p95(old):.3f}; the worker per period p50="
        f"{statistics.median(worker):.2f}s max={max(worker):.2f}s; load average (1, 5, 15 min) before "
        f"{load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}, after {load_after[0]:.1f} "
        f"{load_after[1]:.1f} {load_after[2]:.1f}"
    )


def old_expansion_timed(data: Any, requests: int, seed: int = 5) -> list[float]:
    """What one step of the network view cost before: neighbours and the pairs of their events, over the whole
    graph in memory (the snapshot already parsed)."""
    from joinedup.mapping.internals import analysis

    rng = random.Random(seed)
    keys = [k for k, node in data.nodes.items() if node["kind"] in {"place", "child", "adult"}]
    times = []
    for _ in range(requests):
        node = rng.choice(keys)
        start = time.perf_counter()
        step = analysis.neighbours(data, node, cap=50)
        shown = set(step["neighbours"])
        analysis._pairs(e for e in data.events if node in e["nodes"] or set(e["nodes"]) & shown)
        times.append(time.perf_counter() - start)
    return times


def through_database(data: Any, args: Any, old_page: float) -> str:
    from django.db import connection

    times: dict[str, float] = {}
    with timed(f"load {len(data.events)} events into the database", times):
        loaded = database_load(data)
    progress(f"{loaded['people']} person records, {loaded['events']} event records")
    with timed("refresh_mapping through the database", times):
        refresh = refresh_through_database()
    progress(refresh["output"])
    pages = pages_timed(args.requests)
    old_step = old_expansion_timed(data, max(5, args.requests // 3))
    hot95, step95 = p95(pages["hotspots"]) * 1000, p95(pages["expansion"]) * 1000
    hot50, step50 = statistics.median(pages["hotspots"]) * 1000, statistics.median(pages["expansion"]) * 1000
    old_step_ms = statistics.median(old_step) * 1000
    periods = f"; {period_pages_timed(args.requests)}" if args.period_pages else ""
    return (
        f"mapping_refresh through the database ({connection.vendor}): {loaded['events']} event records; "
        f"refresh_mapping "
        f"{refresh['seconds']:.1f}s (goal <= {GOAL_REFRESH_S}s: "
        f"{'met' if refresh['seconds'] <= GOAL_REFRESH_S else 'NOT met'}), "
        f"peak memory {refresh['peak_gb']:.2f} GB (goal <= {GOAL_PEAK_GB} GB: "
        f"{'met' if refresh['peak_gb'] <= GOAL_PEAK_GB else 'NOT met'}; the largest process "
        f"{refresh['single_gb']:.2f} GB, all its processes together {refresh['together_gb']:.2f} GB); "
        f"[{refresh['output']}]; "
        f"hotspots page p50={hot50:.0f}ms p95={hot95:.0f}ms (goal p95 <= {GOAL_PAGE_MS}ms: "
        f"{'met' if hot95 <= GOAL_PAGE_MS else 'NOT met'}), ratio against the analyses each request ran before "
        f"({old_page:.2f}s) = {hot95 / 1000 / old_page:.4f}; network expansion p50={step50:.0f}ms "
        f"p95={step95:.0f}ms (goal p95 <= {GOAL_PAGE_MS}ms: {'met' if step95 <= GOAL_PAGE_MS else 'NOT met'}), "
        f"ratio against one step over the graph in memory (median {old_step_ms:.0f}ms) = "
        f"{step95 / old_step_ms:.2f}; {args.requests} requests each{periods}"
    )


def main() -> None:
    workdir = tempfile.TemporaryDirectory(prefix="bench-mapping-")
    # Asked for before Django starts, which reads DATABASE_URL: the same option is parsed again below.
    wanted = argparse.ArgumentParser(add_help=False)
    wanted.add_argument("--postgresql", type=int, default=0)
    if wanted.parse_known_args()[0].postgresql:
        from pages import _pg_bin, postgresql

        pg_bin = _pg_bin()
        if pg_bin is None:
            print("mapping_refresh (postgresql): skipped, no PostgreSQL (initdb) on this machine", flush=True)
            return
        with postgresql(Path(workdir.name), pg_bin) as url:
            os.environ["DATABASE_URL"] = url
            run()
        return
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    run()


def run() -> None:
    args = arguments(
        __doc__ or "",
        1_000_000,
        exact_up_to=(20_000, "compare with exact betweenness while the largest network has at most this many nodes"),
        top=(20, "how many top adults to compare"),
        days=(365, "days the events spread over, ending today"),
        through_db=(1, "0 leaves out the refresh through the database and the pages"),
        networkx=(1, "0 leaves out networkx (the baseline of the analyses)"),
        requests=(30, "requests timed of each page"),
        period_pages=(1, "0 leaves out the hotspots page of periods whose networks are worked out on request"),
        postgresql=(0, "1: the database a throwaway PostgreSQL server, as bench/pages.py starts one, not SQLite"),
    )
    from django.core.management import call_command
    from django.utils import timezone

    from joinedup.mapping.internals import analysis

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    times: dict[str, float] = {}
    with timed(f"generate {args.size} events", times):
        data = synthetic_graph(args.size, until=today, days=args.days)
    period = analysis.Period(today - timedelta(days=30), today)
    progress(f"{len(data.nodes)} nodes, {len(data.events)} events")

    ig_times: dict[str, float] = {}
    start = time.perf_counter()
    graph = analysis.graph_of(data, analysis.events_in(data, period))
    ig_times["graph"] = time.perf_counter() - start
    progress(f"igraph graph: {graph.vcount()} nodes, {graph.ecount()} edges, {ig_times['graph']:.2f}s")
    # networkx's side finds components and their communities: the igraph side of that comparison is the same.
    by_component = getattr(analysis, "networks_by_component", analysis.networks)
    start = time.perf_counter()
    ig_networks = by_component(data, period)
    ig_times["networks"] = time.perf_counter() - start
    progress(f"igraph networks (components): {len(ig_networks)}, {ig_times['networks']:.2f}s")
    page_networks = ig_times["networks"]
    if by_component is not analysis.networks:
        start = time.perf_counter()
        found = analysis.networks(data, period)
        page_networks = time.perf_counter() - start
        progress(f"networks as the pages show them: {len(found)}, {page_networks:.2f}s")
    start = time.perf_counter()
    ig_adults = analysis.adults_ranked(data, period)
    ig_times["adults"] = time.perf_counter() - start
    progress(f"igraph adults ranked: {len(ig_adults)}, {ig_times['adults']:.2f}s")
    start = time.perf_counter()
    spots = analysis.hotspots(data, period)
    ig_times["hotspots"] = time.perf_counter() - start
    progress(f"hotspots: {len(spots)}, {ig_times['hotspots']:.2f}s")
    old_page = page_networks + ig_times["adults"] + ig_times["hotspots"]
    if args.through_db:
        print(through_database(data, args, old_page), flush=True)
    if args.networkx:
        networkx_compare(data, period, graph, args, ig_times, ig_networks, ig_adults)


def networkx_compare(
    data: Any,
    period: Any,
    graph: Any,
    args: Any,
    ig_times: dict[str, float],
    ig_networks: list[dict[str, Any]],
    ig_adults: list[dict[str, Any]],
) -> None:
    import networkx as nx

    from joinedup.mapping.internals import analysis
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
        f"mapping_refresh: {len(data.events)} events, {len(data.nodes)} nodes, period {period.since}..{period.until}; "
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
