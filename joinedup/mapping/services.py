"""Writes: refreshing the mapping, by a command, by the worker or at the coordinator's request.

A refresh builds the graph from every module, writes its nodes and events into indexed tables, runs the
analyses for every standard period (see periods.py) and stores their results, all as a new generation that no
page reads yet; then it makes that generation the current one in one short transaction and deletes the older
ones. Rows go in by bulk INSERTs in transactions of ``CHUNK`` rows, so the web process's own writes (audit
rows) never wait long behind a refresh.
"""

import bisect
import contextlib
import json
import multiprocessing
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.bulk import large_writes, values_insert
from joinedup.jobs.models import Job, JobKind, JobStatus

from . import permissions
from .internals import analysis
from .internals.analysis import Period
from .internals.build import GraphData, graph_data_build
from .internals.periodic import (
    ADULTS,
    HOTSPOTS,
    AnalysisJob,
    EventGraphs,
    PlaceSeen,
    cycles_left_alone,
    hand_over,
    hand_over_pickled,
    job_rows,
    pickled,
    result_rows,
    take_over,
    take_over_pickled,
)
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
from .summaries import network_summary, numpy_marked_absent, read_over_all_time

# Rows written (or deleted) in one transaction.
CHUNK = 20_000
EVENT_FIELDS = ("source", "agency", "record", "type", "date", "nodes")
# A stored result's fields, in the order the writes give them.
RESULT_FIELDS = ("snapshot_id", "kind", "period", "rank", "node", "summary", "data")
# The fields of a result worked out beside the refresh given as JSON text (periodic.result_rows).
ENCODED = ("summary", "data")
# Progress steps before the analyses: build, nodes, events; and after them: the last rows written. Between them a
# step for each period's hotspots, each period's adults of concern and each latest period's networks.
STEPS_BEFORE = 3
STEPS_AFTER = 1


class _Steps:
    """A refresh's steps of progress, each reported as it starts (``progress(done, total, message)``, ``done`` the
    steps started before it), by the refresh or by the thread writing what is worked out beside it, in the order
    they start."""

    def __init__(self, progress: "Progress | None", total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        self.lock = threading.Lock()

    def __call__(self, message: str) -> None:
        with self.lock:
            if self.progress is not None:
                self.progress(self.done, self.total, message)
            self.done += 1


def _step_text(what: str, period: Period, number: int, periods: int) -> str:
    return f"{what} for {dates.day(period.since)} to {dates.day(period.until)} (period {number} of {periods})"


# What each analysis worked out beside is called in the steps of progress.
BESIDE_STEPS = {HOTSPOTS: "Hotspots", ADULTS: "Adults of concern"}

Progress = Callable[[int, int, str], None]


def search_text(node: dict[str, Any]) -> str:
    """What the network view's search looks in: the label and each agency record id, lower case, no spaces."""
    parts = [node.get("label", ""), *(f"{agency}{record}" for agency, record in node.get("members", []))]
    return "\x1f".join(str(part).lower().replace(" ", "") for part in parts)


Values = Iterable[tuple[Any, ...]]
# Lots of results a writer thread may hold waiting to be written (see _Writer).
WRITER_QUEUE = 4
# Lots handed to the writing process before the thread waits for it to have written one (see _Writer).
WRITER_AHEAD = 2
# Results in one lot handed to the writing process (see _Writer).
HANDED_RESULTS = 1_000
# Seconds a process of the refresh's own is given to end once told to, before it is ended.
PROCESS_END_WAIT = 30
# A lot of rows for the writer: the model, its fields, the rows, the JSON fields given as JSON text.
_Lot = tuple[type[models.Model], tuple[str, ...], Values, tuple[str, ...]]


def _insert_values(
    model: type[models.Model], names: tuple[str, ...], values: Values, encoded: tuple[str, ...] = ()
) -> int:
    """Rows given as tuples of the fields ``names`` (see bulk.values_insert; ``encoded``: the JSON fields given as
    JSON text), in transactions of ``CHUNK``."""
    written = 0
    iterator = iter(values)
    while chunk := list(islice(iterator, CHUNK)):
        with transaction.atomic():
            written += values_insert(model, names, chunk, encoded=encoded)
    return written


class _Writer:
    """Where a refresh's rows go. Threaded, a second thread takes them while the refresh goes on: ``insert`` hands
    it the rows as they are given (a generator over the graph, or over a period's results already worked out), and
    the thread makes each row. On SQLite in a file (see ``_written_in_a_process_of_their_own``; not the test
    suite's in-memory SQLite), the thread hands each lot to a process of its own (``joinedup.mapping.writer``) in
    a file of the refresh's own folder, at most ``WRITER_AHEAD`` lots ahead of what it has written, and the process
    writes them in transactions of ``CHUNK`` rows: the database's work and each INSERT's own Python run on another
    core, not sharing Python's lock with the analyses (a failure there is raised as ``WriterFailed``, with its
    traceback).
    Otherwise the thread writes them itself with its own database connection, in transactions of ``CHUNK`` rows.

    Two kinds of rows: the graph's (``bulk``: nodes and events, a million rows and more, written in the order
    given) and the results (a period's each). Any results waiting go before the next chunk of the graph's, so
    what the analyses hand over never waits behind the whole graph: the analyses, here and in the
    process beside (``_Beside``), go on while the graph is written in the gaps. At most ``WRITER_QUEUE`` lots of
    results wait (the memory a refresh holds beyond its own stays small); the graph's rows are generators over
    what the refresh holds anyway. The rows given must not change once given: the graph and the results are only
    read. Not threaded (inside a transaction, as in the tests, whose rows another connection could not see), rows
    are written at once. Leaving the block waits for every row (leaving it on an error, only for the lots being
    written: the rest is dropped); an error in the thread or the process is raised in the refresh (at the next rows
    given, or on leaving), which then deletes the generation as for any other failure."""

    def __init__(self, *, threaded: bool) -> None:
        self.threaded = threaded
        # On SQLite in a file, the thread hands the rows to a process of its own to write.
        self.beside = threaded and _written_in_a_process_of_their_own()
        self.error: BaseException | None = None
        self.changed = threading.Condition()
        self.lots: deque[_Lot] = deque()
        self.bulk: deque[tuple[type[models.Model], tuple[str, ...], Iterator[tuple[Any, ...]], tuple[str, ...]]] = (
            deque()
        )
        self.ended = False
        self.thread = threading.Thread(target=self._run, name="mapping-refresh-writer", daemon=True)

    def __enter__(self) -> "_Writer":
        if self.beside:
            self.pipe, theirs = multiprocessing.Pipe()
            self.folder = tempfile.TemporaryDirectory(prefix="joinedup-mapping-writer-")
            self.process = _own_process("joinedup.mapping.writer", theirs)
        if self.threaded:
            self.thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: Any) -> None:
        if not self.threaded:
            return
        with self.changed:
            self.ended = True
            if kind is not None:
                # The refresh failed and its generation will be deleted: nothing more is written.
                self.lots.clear()
                self.bulk.clear()
            self.changed.notify_all()
        self.thread.join()
        if self.error is not None and kind is None:
            raise self.error

    def insert(
        self,
        model: type[models.Model],
        names: tuple[str, ...],
        values: Values,
        encoded: tuple[str, ...] = (),
        *,
        bulk: bool = False,
    ) -> None:
        if not self.threaded:
            _insert_values(model, names, values, encoded)
            return
        with self.changed:
            while not bulk and len(self.lots) >= WRITER_QUEUE and self.error is None:
                self.changed.wait()
            if self.error is not None:
                raise self.error
            if bulk:
                self.bulk.append((model, names, iter(values), encoded))
            else:
                self.lots.append((model, names, values, encoded))
            self.changed.notify_all()

    def _next(self) -> tuple[_Lot, bool] | None:
        """The next rows to write, and whether they are the graph's: a lot of results if any waits, else the next
        chunk of the graph's rows; None once the refresh has ended and nothing waits."""
        while True:
            with self.changed:
                while not self.lots and not self.bulk and not self.ended:
                    self.changed.wait()
                if self.lots:
                    lot = self.lots.popleft()
                    self.changed.notify_all()
                    return lot, False
                if not self.bulk:
                    return None
                model, names, rows, encoded = self.bulk[0]
            chunk = list(islice(rows, CHUNK))
            if chunk:
                return (model, names, chunk, encoded), True
            with self.changed:
                self.bulk.popleft()

    def _run(self) -> None:
        try:
            if self.beside:
                self._hand_to_process()
            else:
                with large_writes():
                    while (given := self._next()) is not None:
                        _insert_values(*given[0])
        except BaseException as error:
            with self.changed:
                self.error = error
                self.lots.clear()
                self.bulk.clear()
                self.changed.notify_all()
        finally:
            connection.close()
            if self.beside:
                self._process_end()

    def _hand_to_process(self) -> None:
        """Each lot to the writing process (``joinedup.mapping.writer``) in a file of the refresh's own folder
        (``hand_over``: written at once, where a pipe would be read a slice at a time), at most
        ``WRITER_AHEAD`` lots ahead of what it has written."""
        self.pipe.send(connection.settings_dict["NAME"])
        ahead = number = 0
        for (model, names, rows, encoded), graph in iter(self._next, None):
            given = rows if isinstance(rows, list) else list(rows)
            # A chunk of the graph's rows in one lot; a period's results in lots of ``HANDED_RESULTS``: their JSON
            # is the most of what the process holds (a network's row is tens of kilobytes).
            each = len(given) if graph else HANDED_RESULTS
            for start in range(0, len(given), max(1, each)):
                path = hand_over(given[start : start + each], self.folder.name, f"lot-{number}")
                number += 1
                try:
                    self.pipe.send((model._meta.label, names, path, encoded))
                except OSError:
                    self._said("written")  # it ended: what it said before it did
                    raise
                ahead += 1
                if ahead == WRITER_AHEAD:
                    self._said("written")
                    ahead -= 1
        self.pipe.send(None)
        for _ in range(ahead):
            self._said("written")
        self._said("done")

    def _said(self, expected: str) -> None:
        try:
            said, what = self.pipe.recv()
        except (EOFError, OSError):
            said, what = "error", "It ended without a word."
        if said == "error":
            raise WriterFailed(f"Writing the refresh's rows in a process of their own failed:\n{what}")
        if said != expected:
            raise WriterFailed(f"The process writing the refresh's rows said {said!r} where {expected!r} was due.")

    def _process_end(self) -> None:
        """The writing process ends (told so, or on its own after an error, or it is ended), then the folder."""
        with contextlib.suppress(OSError):
            self.pipe.send(None)  # where the thread failed before telling it: it ends after the lot it writes
        _ended(self.process)
        self.pipe.close()
        self.folder.cleanup()


class BesideFailed(RuntimeError):
    """The process working out analyses beside the refresh failed: its traceback is the message."""


class WriterFailed(RuntimeError):
    """The process writing the refresh's rows failed: its traceback is the message."""


def _written_in_a_process_of_their_own() -> bool:
    """Whether the refresh's rows are written by a process of their own: on SQLite in a file. SQLite does its work
    (its B-trees, 44 s of the 1M events' rows) in the process that writes, and that work shared a core and Python's
    lock with the analyses. PostgreSQL does it in its own server process already, and the thread only makes the
    rows it copies: there a process of their own took 202.6 s at 1M events, against 176.6 s the last time with the
    thread (docs/benchmarks.md). An in-memory SQLite (the test suite's) no other process reaches."""
    if connection.vendor != "sqlite":
        return False
    from django.db.backends.sqlite3.base import DatabaseWrapper

    return not cast(DatabaseWrapper, connection).is_in_memory_db()


def _ended(process: subprocess.Popen[bytes]) -> None:
    """Wait for a process of the refresh's own to end, told to already; after ``PROCESS_END_WAIT`` s, end it."""
    try:
        process.wait(timeout=PROCESS_END_WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _own_process(module: str, theirs: Any) -> subprocess.Popen[bytes]:
    """``python -m module FD`` by this interpreter, a new one, not a copy of this one (it holds only what it is
    handed), with the connection ``theirs`` as ``FD`` and this process's settings."""
    from django.conf import settings

    root = str(Path(__file__).resolve().parent.parent.parent)
    path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    env = os.environ | {"PYTHONPATH": path}
    if settings.SETTINGS_MODULE:
        env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
    process = subprocess.Popen(  # noqa: S603 (our own module, by this interpreter)
        [sys.executable, "-m", module, str(theirs.fileno())], pass_fds=(theirs.fileno(),), env=env
    )
    theirs.close()
    return process


# The adults of concern of periods of at most this many days are worked out beside the refresh (see _Beside),
# with every period's hotspots; the longer periods' with their networks in the refresh itself. With the 7-day
# periods' in the refresh instead, its own analyses ended 7 to 15 s after the process beside at 1M events, not 2 to
# 4 s before (docs/benchmarks.md).
ADULTS_BESIDE_DAYS = 28


class _Beside:
    """Analyses worked out beside the refresh: the adults of concern of the periods of at most
    ``ADULTS_BESIDE_DAYS`` days, then the hotspots of every standard period (``jobs``). Threaded (see ``_Writer``),
    they are worked out in a process of their own (``periodic.analyses_process``, a new interpreter,
    internals/beside.py: it reads no database and holds only what it is handed) on the other core, while the
    refresh works out the rest. It is handed an ``EventGraphs`` first and starts on the adults of concern, whose
    rows are few, while the refresh's graph is written; the refresh makes the ``PlaceSeen`` meanwhile and hands it
    over (``hand``), sent as the hotspots begin. A thread of the refresh takes each job's rows as the process hands
    them over, already as JSON text, and gives them to the writing thread. Not threaded, they are worked out and
    written at once. The process claims each hotspots job before it begins it; ``help``, once the refresh's own
    analyses are done, works out in the refresh the hotspots no one has begun, the last first, and the process is
    refused those (``_claim``, ``_take``). ``finish`` waits for every row and raises what failed in the process or
    the thread (as ``BesideFailed``, with the process's traceback); ``stop`` ends the process and the thread, for a
    refresh that failed otherwise, while the writing thread still takes what it is given."""

    def __init__(
        self,
        snapshot: MappingSnapshot,
        data: GraphData,
        graphs: EventGraphs,
        jobs: list[AnalysisJob],
        steps: _Steps,
        periods: list[Period],
        writer: _Writer,
    ) -> None:
        self.threaded, self.writer = writer.threaded, writer
        self.error: BaseException | None = None
        number = {period: i + 1 for i, period in enumerate(periods)}
        self.steps = [
            (steps, _step_text(BESIDE_STEPS.get(what, what), period, number[period], len(periods)))
            for what, period, _, _ in jobs
        ]
        self.jobs = jobs
        if not self.threaded:
            given = result_rows(PlaceSeen(data), graphs, jobs, snapshot.pk)
            for (step, text), rows in zip(self.steps, given, strict=True):
                step(text)
                writer.insert(MappingResult, RESULT_FIELDS, rows, ENCODED)
            return
        self.pipe, theirs = multiprocessing.Pipe()
        # Where the two processes hand each other what they worked out (see periodic.hand_over).
        self.folder = tempfile.TemporaryDirectory(prefix="joinedup-mapping-refresh-")
        self.process = _own_process("joinedup.mapping.internals.beside", theirs)
        self.graphs: EventGraphs | None = graphs
        self.snapshot = snapshot.pk
        # The file of the PlaceSeen the refresh hands over (None: stopped before it did), and the PlaceSeen pickled.
        self.places: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.places_pickled = b""
        # The jobs from ``first`` to ``last`` are no one's yet: the process beside claims them from the first, the
        # refresh takes hotspots from the last (``help``).
        self.lock = threading.Lock()
        self.first, self.last = 0, len(jobs) - 1
        self.thread = threading.Thread(target=self._run, name="mapping-refresh-beside", daemon=True)
        self.thread.start()

    def hand(self, data: GraphData) -> None:
        """The hotspots' reading of ``data``'s events (``PlaceSeen``), made for the process beside and kept, pickled,
        for the refresh to work out the last hotspots itself (``help``); not threaded, nothing (the hotspots were
        worked out at once)."""
        if self.threaded:
            self.places_pickled = pickled(PlaceSeen(data))
            self.places.put(hand_over_pickled(self.places_pickled, self.folder.name, "places"))

    def _claim(self, number: int) -> bool:
        """Whether the process beside may work out job ``number``: not where the refresh took it (``_take``)."""
        with self.lock:
            if number > self.last:
                return False
            self.first = number + 1
            return True

    def _take(self) -> int | None:
        """The last job no one has begun, for the refresh to work out itself, if it is hotspots; else None."""
        with self.lock:
            number = self.last
            if number < self.first or self.jobs[number][0] != HOTSPOTS:
                return None
            self.last = number - 1
            return number

    def help(self) -> None:
        """With the refresh's own analyses done, it works out the hotspots the process beside has not begun, the
        last first, while the process works on from the first: the two end together, whatever either's speed (on
        2 cores the process beside had ended 20 s after the refresh's own analyses on PostgreSQL, whose server took
        its share of the cores). From the ``PlaceSeen`` handed over, so the rows are the same."""
        if not self.threaded:
            return
        places: PlaceSeen | None = None
        while self.error is None and (number := self._take()) is not None:
            if places is None:
                places = take_over_pickled(self.places_pickled)
            step, text = self.steps[number]
            step(text)
            rows = job_rows(places, None, self.jobs[number], self.snapshot)
            self.writer.insert(MappingResult, RESULT_FIELDS, rows, ENCODED)

    def _run(self) -> None:
        folder = self.folder.name
        try:
            self.pipe.send((folder, hand_over(self.graphs, folder, "graphs"), self.jobs, self.snapshot))
            self.graphs = None
            places_sent = False
            while True:
                said, what = self.pipe.recv()
                if said == "error":
                    raise BesideFailed(f"Working out the analyses beside the refresh failed:\n{what}")
                if said == "claim":
                    granted, path = self._claim(what), None
                    if granted and not places_sent:
                        # Sent now: before, the process was handing back rows and would not read what is sent.
                        path = self.places.get()
                        if path is None:
                            return
                        places_sent = True
                    self.pipe.send((granted, path))
                elif said == "rows":
                    number, path = what
                    rows = take_over(path)
                    step, text = self.steps[number]
                    step(text)
                    # To the refresh's one writing thread: two would take SQLite's one lock from each other.
                    self.writer.insert(MappingResult, RESULT_FIELDS, rows, ENCODED)
                else:
                    return
        except BaseException as error:
            self.error = error
        finally:
            self.graphs = None
            self.pipe.close()
            connection.close()

    def finish(self) -> None:
        if not self.threaded:
            return
        self.thread.join()
        _ended(self.process)
        self.folder.cleanup()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        if not self.threaded:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.places.put(None)
        self.thread.join()
        self.folder.cleanup()


def _uuid(text: str) -> UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def _nodes_write(snapshot: MappingSnapshot, data: GraphData, writer: _Writer) -> dict[str, int]:
    ids = {key: snapshot.id_base + i for i, key in enumerate(data.nodes)}
    writer.insert(
        MappingNode,
        ("id", "snapshot_id", "key", "kind", "label", "search", "data"),
        (
            (ids[key], snapshot.pk, key, node["kind"], node["label"], search_text(node), node)
            for key, node in data.nodes.items()
        ),
        bulk=True,
    )
    primary = {(node_id, pk) for pk, node_id in data.child_nodes.items()}
    pairs = {(key, pk) for key, node in data.nodes.items() for pk in node["child_ids"]} | {
        pair for pair in primary if pair[0] in ids
    }
    writer.insert(
        MappingNodeChild,
        ("snapshot_id", "node_id", "child_id", "primary"),
        (
            (snapshot.pk, ids[key], child, (key, pk) in primary)
            for key, pk in sorted(pairs)
            if (child := _uuid(pk)) is not None
        ),
        bulk=True,
    )
    return ids


def _events_write(snapshot: MappingSnapshot, data: GraphData, ids: dict[str, int], writer: _Writer) -> None:
    base, pk = snapshot.id_base, snapshot.pk
    writer.insert(
        MappingEvent,
        ("id", "snapshot_id", "source", "agency", "record", "type", "date", "extra"),
        (
            (
                base + i,
                pk,
                event["source"],
                event["agency"],
                event["record"],
                event["type"],
                date.fromisoformat(event["date"]) if event["date"] else None,
                {name: value for name, value in event.items() if name not in EVENT_FIELDS},
            )
            for i, event in enumerate(data.events)
        ),
        bulk=True,
    )
    writer.insert(
        MappingEventNode,
        ("event_id", "node_id", "position"),
        (
            (base + i, ids[node], position)
            for i, event in enumerate(data.events)
            for position, node in enumerate(event["nodes"])
        ),
        bulk=True,
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


def _networks_write(
    snapshot: MappingSnapshot, data: GraphData, period: Period, found: list[dict[str, Any]], writer: _Writer
) -> None:
    """A period's networks as ``MappingResult`` rows, in the analysis's order, each with its list's summary."""
    key, kind = period_key(period), ResultKind.NETWORK.value
    writer.insert(
        MappingResult,
        RESULT_FIELDS,
        (
            (snapshot.pk, kind, key, rank, (summary := network_summary(data, row))["start"], summary, row)
            for rank, row in enumerate(found)
        ),
    )


def _adults_write(snapshot: MappingSnapshot, period: Period, graphs: EventGraphs, writer: _Writer) -> None:
    """Store the period's adults of concern (the rows ``analysis.adults_ranked`` gives, from ``graphs``' one
    reading of the events for all the periods)."""
    key, pk, adult = period_key(period), snapshot.pk, ResultKind.ADULT.value
    writer.insert(
        MappingResult,
        RESULT_FIELDS,
        ((pk, adult, key, rank, row["node"], {}, row) for rank, row in enumerate(graphs.adults_ranked(period))),
    )


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


def _adults_here_write(
    snapshot: MappingSnapshot, graphs: EventGraphs, periods: list[Period], steps: _Steps, writer: _Writer
) -> None:
    """The adults of concern of the periods longer than ``ADULTS_BESIDE_DAYS``, each with its step of progress,
    from one reading of the events for all the periods (internals/periodic.py). The shorter periods' are worked
    out beside (``_Beside``)."""
    for i, period in enumerate(periods):
        if period.days > ADULTS_BESIDE_DAYS:
            steps(_step_text("Adults of concern", period, i + 1, len(periods)))
            _adults_write(snapshot, period, graphs, writer)


def _networks_here_write(
    snapshot: MappingSnapshot,
    windows: "_Windows",
    periods: list[Period],
    latest: set[Period],
    steps: _Steps,
    writer: _Writer,
) -> None:
    """The networks of the latest periods, each from its window of the events, with its step of progress."""
    for i, period in enumerate(periods):
        if period in latest:
            steps(_step_text("Networks", period, i + 1, len(periods)))
            data = windows.of(period)
            _networks_write(snapshot, data, period, analysis.networks(data, period), writer)


def _beside_jobs(periods: list[Period]) -> list[AnalysisJob]:
    """What is worked out beside the refresh: the adults of concern of the periods of at most
    ``ADULTS_BESIDE_DAYS`` (their rows are few: they go while the graph is written), then every period's hotspots,
    the longest periods first (their counts take the most memory: by the end, as the refresh's own networks take
    theirs, the process beside holds less), each length's in order (a period's counts are the next one's
    "before")."""
    hotspot, adult = ResultKind.HOTSPOT.value, ResultKind.ADULT.value
    adults = [(ADULTS, period, period_key(period), adult) for period in periods if period.days <= ADULTS_BESIDE_DAYS]
    longest_first = sorted(periods, key=lambda period: -period.days)
    return adults + [(HOTSPOTS, period, period_key(period), hotspot) for period in longest_first]


@cycles_left_alone()
def mapping_snapshot_refresh(*, job: Job | None = None, progress: Progress | None = None) -> MappingSnapshot:
    """Build the mapping again from every module, store it and its analyses, and make it the current one.

    ``progress(done, total, message)`` is called before each step: building, writing the nodes, the events,
    then the analyses of each standard period, then the last rows written. Python's collector of reference
    cycles is paused meanwhile (``periodic.cycles_left_alone``).
    """
    started = time.monotonic()
    as_of = timezone.localdate()
    periods = standard_periods(as_of)
    latest = set(latest_periods(as_of))
    steps = _Steps(progress, STEPS_BEFORE + 2 * len(periods) + len(latest) + STEPS_AFTER)
    steps("Collecting people, places and things from every module")
    data = graph_data_build()
    snapshot = MappingSnapshot.objects.create(
        as_of=as_of, complete=False, node_count=len(data.nodes), event_count=len(data.events), job=job
    )
    if not connection.in_atomic_block:
        # The build's reading filled this connection's page cache (64 MB on SQLite): let go of it before the
        # analyses take their memory. Another connection writes the rows.
        connection.close()
    beside: _Beside | None = None
    with large_writes():
        try:
            # Outside a transaction, the rows are written in a thread of their own while the analyses run, and half
            # the analyses are worked out in a process of their own.
            with _Writer(threaded=not connection.in_atomic_block) as writer, numpy_marked_absent():
                graphs = EventGraphs(data)
                beside = _Beside(snapshot, data, graphs, _beside_jobs(periods), steps, periods, writer)
                try:
                    steps(f"Writing {len(data.nodes)} nodes")
                    ids = _nodes_write(snapshot, data, writer)
                    steps(f"Writing {len(data.events)} events")
                    _events_write(snapshot, data, ids, writer)
                    del ids
                    beside.hand(data)
                    _adults_here_write(snapshot, graphs, periods, steps, writer)
                    # The networks read the events themselves: the graphs' memory goes before theirs is taken.
                    del graphs
                    _networks_here_write(snapshot, _Windows(data), periods, latest, steps, writer)
                    del data  # what the refresh holds, before it works out the last hotspots
                    beside.help()
                    beside.finish()
                except BaseException:
                    # Before the writing thread ends: the thread taking the process's rows may wait on its queue.
                    beside.stop()
                    raise
                steps("Storing the last of the results")
            with transaction.atomic():
                snapshot.complete = True
                snapshot.seconds = round(time.monotonic() - started, 3)
                snapshot.save(update_fields=["complete", "seconds"])
        except BaseException:
            if beside is not None:
                beside.stop()  # where the writing thread failed as it ended: nothing to do if stopped already
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
        _networks_write(snapshot, data, period, found, _Writer(threaded=False))
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
