"""Writes: refreshing the mapping, by a command, by the worker or at the coordinator's request.

A refresh builds the graph from every module, writes its nodes and events into indexed tables, runs the
analyses for every standard period (see periods.py) and stores their results, all as a new generation that no
page reads yet; then it makes that generation the current one in one short transaction and deletes the older
ones. Rows go in by bulk INSERTs in transactions of ``CHUNK`` rows, so the web process's own writes (audit
rows) never wait long behind a refresh.
"""

import bisect
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.bulk import rows_insert
from joinedup.jobs.models import Job, JobKind, JobStatus

from . import permissions
from .internals import analysis
from .internals.analysis import Period
from .internals.build import GraphData, graph_data_build
from .internals.periodic import PeriodAnalyses
from .models import (
    ID_SPAN,
    MappingEvent,
    MappingEventNode,
    MappingNode,
    MappingNodeChild,
    MappingPeriodNetworks,
    MappingResult,
    MappingSnapshot,
    ResultKind,
)
from .periods import latest_periods, period_key, period_of_key, standard_periods
from .summaries import network_summary, numpy_marked_absent, read_over_all_time, result_data

# Rows written (or deleted) in one transaction.
CHUNK = 20_000
EVENT_FIELDS = ("source", "agency", "record", "type", "date", "nodes")
# Progress steps before the analyses: build, nodes, events.
STEPS_BEFORE = 3

Progress = Callable[[int, int, str], None]


def search_text(node: dict[str, Any]) -> str:
    """What the network view's search looks in: the label and each agency record id, lower case, no spaces."""
    parts = [node.get("label", ""), *(f"{agency}{record}" for agency, record in node.get("members", []))]
    return "\x1f".join(str(part).lower().replace(" ", "") for part in parts)


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _insert(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    written = 0
    for chunk in _chunks(rows):
        with transaction.atomic():
            written += rows_insert(model, chunk)
    return written


def _uuid(text: str) -> UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def _nodes_write(snapshot: MappingSnapshot, data: GraphData) -> dict[str, int]:
    ids = {key: snapshot.id_base + i for i, key in enumerate(data.nodes)}
    _insert(
        MappingNode,
        (
            {
                "id": ids[key],
                "snapshot_id": snapshot.pk,
                "key": key,
                "kind": node["kind"],
                "label": node["label"],
                "search": search_text(node),
                "data": node,
            }
            for key, node in data.nodes.items()
        ),
    )
    primary = {(node_id, pk) for pk, node_id in data.child_nodes.items()}
    pairs = {(key, pk) for key, node in data.nodes.items() for pk in node["child_ids"]} | {
        pair for pair in primary if pair[0] in ids
    }
    _insert(
        MappingNodeChild,
        (
            {"snapshot_id": snapshot.pk, "node_id": ids[key], "child_id": child, "primary": (key, pk) in primary}
            for key, pk in sorted(pairs)
            if (child := _uuid(pk)) is not None
        ),
    )
    return ids


def _events_write(snapshot: MappingSnapshot, data: GraphData, ids: dict[str, int]) -> None:
    base = snapshot.id_base
    _insert(
        MappingEvent,
        (
            {
                "id": base + i,
                "snapshot_id": snapshot.pk,
                "source": event["source"],
                "agency": event["agency"],
                "record": event["record"],
                "type": event["type"],
                "date": date.fromisoformat(event["date"]) if event["date"] else None,
                "extra": {name: value for name, value in event.items() if name not in EVENT_FIELDS},
            }
            for i, event in enumerate(data.events)
        ),
    )
    _insert(
        MappingEventNode,
        (
            {"event_id": base + i, "node_id": ids[node], "position": position}
            for i, event in enumerate(data.events)
            for position, node in enumerate(event["nodes"])
        ),
    )


class _Windows:
    """The events the analyses of one period read: those dated in it or in the period before it (hotspots compare
    the two), those with no date (in every period) and those read over all time (``read_over_all_time``), in
    the build's order. The analyses of a period leave out any other event (they take ``events_in`` the period
    and the one before), so each runs over a window of the events, not all of them."""

    def __init__(self, data: GraphData) -> None:
        self.data = data
        self.always = [i for i, event in enumerate(data.events) if not event["date"] or read_over_all_time(data, event)]
        always = set(self.always)
        self.dated = sorted((i for i, e in enumerate(data.events) if e["date"] and i not in always), key=self._day)
        self.days = [data.events[i]["date"] for i in self.dated]

    def _day(self, i: int) -> str:
        return str(self.data.events[i]["date"])

    def of(self, period: Period) -> GraphData:
        low = bisect.bisect_left(self.days, period.previous().since.isoformat())
        high = bisect.bisect_right(self.days, period.until.isoformat())
        chosen = sorted(self.always + self.dated[low:high])
        events = [self.data.events[i] for i in chosen]
        return GraphData(nodes=self.data.nodes, events=events, child_nodes=self.data.child_nodes)


def _networks_write(snapshot: MappingSnapshot, data: GraphData, period: Period, found: list[dict[str, Any]]) -> int:
    """A period's networks as ``MappingResult`` rows, in the analysis's order, each with its list's summary."""
    common = {"snapshot_id": snapshot.pk, "period": period_key(period), "kind": ResultKind.NETWORK}
    return _insert(
        MappingResult,
        (
            {
                **common,
                "rank": rank,
                "node": (summary := network_summary(data, row))["start"],
                "summary": summary,
                "data": row,
            }
            for rank, row in enumerate(found)
        ),
    )


def _results_write(
    snapshot: MappingSnapshot, data: GraphData, period: Period, *, whole: bool, shared: PeriodAnalyses | None = None
) -> int:
    """Store the period's hotspots and adults of concern; with ``whole`` (a latest period, see
    periods.latest_periods) its networks too. With ``shared``, the hotspots and adults come from its one reading
    of the events for all the periods (the same rows), and ``data`` is read for the networks only."""
    key = period_key(period)
    common = {"snapshot_id": snapshot.pk, "period": key}
    written = _insert(
        MappingResult,
        (
            {**common, "kind": ResultKind.HOTSPOT, "rank": rank, "node": row["node"], "data": result_data(row)}
            for rank, row in enumerate(
                shared.hotspots(period) if shared is not None else analysis.hotspots(data, period)
            )
        ),
    )
    written += _insert(
        MappingResult,
        (
            {**common, "kind": ResultKind.ADULT, "rank": rank, "node": row["node"], "data": result_data(row)}
            for rank, row in enumerate(
                shared.adults_ranked(period) if shared is not None else analysis.adults_ranked(data, period)
            )
        ),
    )
    if not whole:
        return written
    return written + _networks_write(snapshot, data, period, analysis.networks(data, period))


def _generation_delete(snapshot: MappingSnapshot) -> None:
    """Every row of one generation, in transactions of ``CHUNK`` events or nodes, then its header row."""
    base = snapshot.pk * ID_SPAN
    events = MappingEvent.objects.filter(snapshot_id=snapshot.pk)
    last_event = events.aggregate(last=models.Max("id"))["last"]
    for low in range(base, (last_event or base - 1) + 1, CHUNK):
        with transaction.atomic():
            MappingEventNode.objects.filter(event_id__gte=low, event_id__lt=low + CHUNK).delete()
            MappingEvent.objects.filter(id__gte=low, id__lt=low + CHUNK).delete()
    with transaction.atomic():
        MappingNodeChild.objects.filter(snapshot_id=snapshot.pk).delete()
        MappingResult.objects.filter(snapshot_id=snapshot.pk).delete()
        # The periods worked out on request go with their generation: stale once a newer one is current.
        MappingPeriodNetworks.objects.filter(snapshot_id=snapshot.pk).delete()
    last_node = MappingNode.objects.filter(snapshot_id=snapshot.pk).aggregate(last=models.Max("id"))["last"]
    for low in range(base, (last_node or base - 1) + 1, CHUNK):
        with transaction.atomic():
            MappingNode.objects.filter(id__gte=low, id__lt=low + CHUNK).delete()
    MappingSnapshot.objects.filter(pk=snapshot.pk).delete()


def _periods_write(
    snapshot: MappingSnapshot,
    windows: "_Windows",
    periods: list[Period],
    latest: set[Period],
    report: Callable[[int, str], None],
) -> None:
    """Each standard period's stored results, with its step of progress: hotspots and adults of concern from one
    reading of the events for all the periods (internals/periodic.py), networks from the period's window."""
    shared = PeriodAnalyses(windows.data)
    for i, period in enumerate(periods):
        what = "Hotspots, adults of concern and networks" if period in latest else "Hotspots and adults of concern"
        report(
            STEPS_BEFORE + i,
            f"{what} for {dates.day(period.since)} to {dates.day(period.until)} (period {i + 1} of {len(periods)})",
        )
        whole = period in latest
        _results_write(snapshot, windows.of(period) if whole else windows.data, period, whole=whole, shared=shared)


def mapping_snapshot_refresh(*, job: Job | None = None, progress: Progress | None = None) -> MappingSnapshot:
    """Build the mapping again from every module, store it and its analyses, and make it the current one.

    ``progress(done, total, message)`` is called before each step: building, writing the nodes, the events,
    then the analyses of each standard period.
    """
    started = time.monotonic()
    as_of = timezone.localdate()
    periods = standard_periods(as_of)
    total = STEPS_BEFORE + len(periods)

    def report(done: int, message: str) -> None:
        if progress is not None:
            progress(done, total, message)

    report(0, "Collecting people, places and things from every module")
    data = graph_data_build()
    snapshot = MappingSnapshot.objects.create(
        as_of=as_of, complete=False, node_count=len(data.nodes), event_count=len(data.events), job=job
    )
    try:
        report(1, f"Writing {len(data.nodes)} nodes")
        ids = _nodes_write(snapshot, data)
        report(2, f"Writing {len(data.events)} events")
        _events_write(snapshot, data, ids)
        del ids
        windows = _Windows(data)
        latest = set(latest_periods(as_of))
        with numpy_marked_absent():
            _periods_write(snapshot, windows, periods, latest, report)
        with transaction.atomic():
            snapshot.complete = True
            snapshot.seconds = round(time.monotonic() - started, 3)
            snapshot.save(update_fields=["complete", "seconds"])
    except BaseException:
        _generation_delete(snapshot)
        raise
    for older in MappingSnapshot.objects.filter(pk__lt=snapshot.pk):
        _generation_delete(older)
    return snapshot


def mapping_refresh_request(*, user: User) -> Job:
    """Queue a refresh for the worker (see tasks.py); the coordinator watches its progress."""
    from .tasks import mapping_refresh_task

    if not permissions.can_refresh_mapping(user):
        raise PermissionDenied
    with transaction.atomic():
        job = Job.objects.create(kind=JobKind.MAPPING_REFRESH, requested_by=user, progress_total=1)
        transaction.on_commit(lambda: mapping_refresh_task.enqueue(str(job.pk)))
    return job


def mapping_refresh_queue(*, requested_by: User) -> Job:
    """Queue a refresh the platform itself asks for (after new records are linked); no permission to check."""
    from .tasks import mapping_refresh_task

    with transaction.atomic():
        job = Job.objects.create(kind=JobKind.MAPPING_REFRESH, requested_by=requested_by, progress_total=1)
        transaction.on_commit(lambda: mapping_refresh_task.enqueue(str(job.pk)))
    return job


def mapping_refresh_run(*, job_id: UUID | str) -> Job:
    """The worker's half of a refresh: run it, with its progress on the job for the requester to watch."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, message="Building the mapping")

    def progress(done: int, total: int, message: str) -> None:
        Job.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total, message=message[:500])

    try:
        snapshot = mapping_snapshot_refresh(job=job, progress=progress)
    except Exception as error:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=f"The refresh failed: {error}"[:500], finished_at=timezone.now()
        )
        raise
    summary = {"built_at": snapshot.built_at.isoformat(), "nodes": snapshot.node_count, "events": snapshot.event_count}
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        progress_done=models.F("progress_total"),
        message=f"Mapping refreshed: {snapshot.node_count} nodes, {snapshot.event_count} events",
        finished_at=timezone.now(),
        result_name=f"mapping-{timezone.localtime(snapshot.built_at):%Y%m%d-%H%M}.json",
        result_text=json.dumps(summary),
    )
    job.refresh_from_db()
    return job


# The networks of a period no refresh stored, worked out by the worker when a page first asks (issue 14).
# A page asks on its own as it is opened, so what it may ask is bounded: periods of at most a year, and at most
# PERIOD_NETWORKS_MAX periods a generation (the slider offers 48; the rest are shared links' dates).
PERIOD_NETWORKS_MAX = 200
PERIOD_NETWORKS_MAX_DAYS = 366
# The worker's steps: reading the period's events, working out its networks, storing them.
PERIOD_NETWORKS_STEPS = 3
WAITING = "Waiting for the worker"


class _Taken(Exception):
    """Another request replaced the failed job first."""


def period_networks_request(*, user: User, period: Period, retry_failed: bool = True) -> MappingPeriodNetworks | None:
    """Ask the worker, once for each mapping, to work out and store the networks of a period the refresh did not
    store; returns the period's row (its job shows the progress), or None where none is asked for: no mapping
    yet, a latest period (the refresh stored it), a period longer than ``PERIOD_NETWORKS_MAX_DAYS`` or the
    generation's ``PERIOD_NETWORKS_MAX`` periods already asked for. A row whose job failed is asked for again
    with ``retry_failed`` (a page opened, not its fragment polling). Two requests at once make one job: the
    row is unique by generation and period, and a failed job is replaced by a conditional update."""
    from .tasks import mapping_period_networks_task

    if not permissions.can_request_period_networks(user):
        raise PermissionDenied
    snapshot = MappingSnapshot.objects.filter(complete=True).first()
    if snapshot is None or period.days > PERIOD_NETWORKS_MAX_DAYS or period in latest_periods(snapshot.as_of):
        return None
    asked = MappingPeriodNetworks.objects.filter(snapshot_id=snapshot.pk, period=period_key(period))
    work = asked.select_related("job").first()
    if work is not None and (not work.failed or not retry_failed):
        return work
    if work is None and MappingPeriodNetworks.objects.filter(snapshot_id=snapshot.pk).count() >= PERIOD_NETWORKS_MAX:
        return None
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=JobKind.MAPPING_PERIOD_NETWORKS,
                requested_by=user,
                progress_total=PERIOD_NETWORKS_STEPS,
                message=WAITING,
            )
            if work is None:
                work = MappingPeriodNetworks.objects.create(snapshot_id=snapshot.pk, period=period_key(period), job=job)
            elif not MappingPeriodNetworks.objects.filter(
                models.Q(job__isnull=True) if work.job_id is None else models.Q(job_id=work.job_id),
                pk=work.pk,
                complete=False,
            ).update(job=job, requested_at=timezone.now()):
                raise _Taken
            transaction.on_commit(lambda: mapping_period_networks_task.enqueue(str(job.pk)))
    except (IntegrityError, _Taken):
        return asked.select_related("job").first()
    work.job = job
    return work


def _job_update(job: Job, **fields: Any) -> None:
    if "message" in fields:
        fields["message"] = str(fields["message"])[:500]
    Job.objects.filter(pk=job.pk).update(**fields)


def period_networks_run(*, job_id: UUID | str) -> Job:
    """The worker's half: read the period's events from the indexed tables, work out its networks and store them
    as the refresh stores a latest period's, with the job's progress; then mark the period's row complete, in
    the short transaction that also finishes the job. If a refresh replaced the mapping meanwhile, what was
    written for the older one is deleted and the job says so (the page asks again for the new mapping)."""
    from .selectors import period_window

    job = Job.objects.get(pk=job_id)
    work = MappingPeriodNetworks.objects.filter(job_id=job.pk).first()
    snapshot = MappingSnapshot.objects.filter(pk=work.snapshot_id).first() if work is not None else None
    if work is None or snapshot is None:
        _job_update(
            job,
            status=JobStatus.DONE,
            progress_done=models.F("progress_total"),
            message="Not needed: the mapping was refreshed after this was asked for, and pages ask again for it",
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
        return job
    period = period_of_key(work.period)
    span = f"{dates.day(period.since)} to {dates.day(period.until)}"
    _job_update(job, status=JobStatus.RUNNING, progress_done=0, message=f"Reading the events from {span}")
    try:
        with numpy_marked_absent():
            data = period_window(snapshot, period)
            _job_update(
                job, progress_done=1, message=f"Working out the networks from {span} ({len(data.events)} events)"
            )
            found = analysis.networks(data, period)
        _job_update(job, progress_done=2, message=f"Storing the {len(found)} networks from {span}")
        stored = MappingResult.objects.filter(snapshot_id=snapshot.pk, kind=ResultKind.NETWORK, period=work.period)
        with transaction.atomic():
            stored.delete()  # what an earlier try that failed half way wrote
        _networks_write(snapshot, data, period, found)
        with transaction.atomic():
            kept = MappingPeriodNetworks.objects.filter(pk=work.pk, job_id=job.pk).update(
                complete=True, networks=len(found)
            )
            if not kept and not MappingPeriodNetworks.objects.filter(pk=work.pk).exists():
                stored.delete()
            _job_update(
                job,
                status=JobStatus.DONE,
                progress_done=PERIOD_NETWORKS_STEPS,
                message=(
                    f"{len(found)} networks from {span} worked out: the hotspot map and the network view list them"
                    if kept
                    else f"Not kept: the mapping was refreshed (or the period asked for again) while the networks "
                    f"from {span} were worked out"
                ),
                finished_at=timezone.now(),
            )
    except Exception as error:
        _job_update(
            job,
            status=JobStatus.FAILED,
            message=f"Working out the networks from {span} failed: {error}",
            finished_at=timezone.now(),
        )
        raise
    job.refresh_from_db()
    return job
