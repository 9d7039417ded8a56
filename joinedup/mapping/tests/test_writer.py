"""The refresh as the worker runs it, outside a transaction: its rows are written by a second thread while the
analyses run, half the analyses are worked out in a process of their own, and they are the same rows; a write
that fails in a thread, or an analysis that fails in the process, leaves nothing behind and the mapping before it
stays the one the pages read."""

import contextlib
import gc
import os
import sqlite3
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from joinedup.mapping import services
from joinedup.mapping.internals import analysis
from joinedup.mapping.internals.build import graph_data_build
from joinedup.mapping.models import (
    ID_SPAN,
    MappingEvent,
    MappingEventNode,
    MappingNode,
    MappingNodeChild,
    MappingResult,
    MappingSnapshot,
    ResultKind,
)
from joinedup.mapping.periods import latest_periods, period_key, standard_periods
from joinedup.mapping.summaries import network_summary

from .planted import plant
from .test_stored import _roundtrip, grow

# Outside a transaction, as the worker and `manage.py refresh_mapping` run it: another connection sees the rows.
# On PostgreSQL a transactional test's flush would meet the audit trail's append-only rows that planting the area
# writes; there the writes themselves (COPY) are the other tests' and bench/mapping_refresh.py's.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="A transactional test's flush meets the append-only audit rows: the SQLite run covers the thread.",
    ),
]


def _threads_writing(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The thread that wrote each chunk of rows and the model's name (the real writes, only watched)."""
    writing: list[tuple[str, str]] = []
    real = services.values_insert

    def watched(model: type, *args: object, **kwargs: object) -> int:
        writing.append((threading.current_thread().name, model.__name__))
        return real(model, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "values_insert", watched)
    return writing


def _handed_folders(monkeypatch: pytest.MonkeyPatch) -> set[Path]:
    """The folders the refresh handed the process beside its files in (the real hand-over, only watched)."""
    folders: set[Path] = set()
    real = services.hand_over

    def watched(value: object, folder: str, name: str) -> str:
        folders.add(Path(folder))
        return real(value, folder, name)

    monkeypatch.setattr(services, "hand_over", watched)
    return folders


def _popen_watched(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The processes the refresh starts (the real ones, only watched)."""
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def watched_popen(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(real_popen(args, **kwargs))
        return started[-1]

    monkeypatch.setattr(services.subprocess, "Popen", watched_popen)
    return started


def _modules(started: list[subprocess.Popen[bytes]]) -> list[str]:
    return [str(process.args[2]) for process in started]  # type: ignore[index]


def _stored_equal_a_fresh_computation(snapshot: MappingSnapshot) -> None:
    assert MappingSnapshot.objects.get().pk == snapshot.pk and snapshot.complete
    data = graph_data_build()
    assert MappingNode.objects.filter(snapshot_id=snapshot.pk).count() == len(data.nodes)
    assert MappingEvent.objects.filter(snapshot_id=snapshot.pk).count() == len(data.events)
    assert MappingEventNode.objects.count() == sum(len(event["nodes"]) for event in data.events)
    latest = latest_periods(snapshot.as_of)
    compared = 0
    for period in standard_periods(snapshot.as_of):
        stored = MappingResult.objects.filter(snapshot_id=snapshot.pk, period=period_key(period)).order_by("rank")
        by_kind = {kind: [row for row in stored if row.kind == kind] for kind in ResultKind}
        spots = [row.data | {"why": analysis.hotspot_why(row.data)} for row in by_kind[ResultKind.HOTSPOT]]
        assert spots == _roundtrip(analysis.hotspots(data, period))
        assert [row.data for row in by_kind[ResultKind.ADULT]] == _roundtrip(analysis.adults_ranked(data, period))
        fresh_networks = analysis.networks(data, period) if period in latest else []
        assert [row.data for row in by_kind[ResultKind.NETWORK]] == _roundtrip(fresh_networks)
        assert [row.summary for row in by_kind[ResultKind.NETWORK]] == _roundtrip(
            [network_summary(data, row) for row in fresh_networks]
        )
        compared += len(stored)
    assert compared > 50


def test_a_refresh_outside_a_transaction_writes_from_a_second_thread_the_rows_of_a_fresh_computation(monkeypatch):
    """The test suite's database is in memory, which no other process reaches: the thread writes the rows itself."""
    planted = plant()
    grow(planted, 12)
    writing = _threads_writing(monkeypatch)
    started = _popen_watched(monkeypatch)
    folders = _handed_folders(monkeypatch)
    collecting: list[bool] = []
    snapshot = services.mapping_snapshot_refresh(progress=lambda *_: collecting.append(gc.isenabled()))
    # Python's collector of reference cycles paused at every step of the refresh, and resumed once it is done.
    assert collecting and not any(collecting) and gc.isenabled()
    # Handed over in files of a folder of the refresh's own, removed once done.
    assert len(folders) == 1 and not any(folder.exists() for folder in folders)
    assert all(folder.parent == Path(tempfile.gettempdir()) for folder in folders)
    # Every row from the one writing thread; the hotspots and the shorter periods' adults of concern worked out in
    # a process of their own.
    assert {thread for thread, _ in writing} == {"mapping-refresh-writer"}
    assert _modules(started) == ["joinedup.mapping.internals.beside"]
    _stored_equal_a_fresh_computation(snapshot)
    assert not any(thread.name.startswith("mapping-refresh-") for thread in threading.enumerate())


def test_hotspots_the_process_beside_has_not_begun_are_worked_out_by_the_refresh_once_its_own_are_done(monkeypatch):
    """The refresh takes the last hotspots itself once its own analyses are done, and the process beside is refused
    them: here the process is held at its first hotspots until the refresh has taken all of them."""
    planted = plant()
    grow(planted, 12)
    started = _popen_watched(monkeypatch)
    helped = threading.Event()
    real_help, real_claim, real_rows = services._Beside.help, services._Beside._claim, services.job_rows
    claims: list[tuple[int, bool]] = []

    def help_then_tell(self: services._Beside) -> None:
        real_help(self)
        helped.set()

    def claim_once_helped(self: services._Beside, number: int) -> bool:
        assert helped.wait(120)
        claims.append((number, real_claim(self, number)))
        return claims[-1][1]

    worked_here: list[tuple[str, str]] = []

    def rows_watched(places: Any, graphs: Any, job: Any, snapshot: int) -> Any:
        worked_here.append((threading.current_thread().name, job[0]))
        return real_rows(places, graphs, job, snapshot)

    monkeypatch.setattr(services._Beside, "help", help_then_tell)
    monkeypatch.setattr(services._Beside, "_claim", claim_once_helped)
    monkeypatch.setattr(services, "job_rows", rows_watched)
    snapshot = services.mapping_snapshot_refresh()
    periods = standard_periods(snapshot.as_of)
    # Every period's hotspots worked out here, in the refresh's own thread; the process beside refused its first
    # claim, and ended well.
    assert sorted(worked_here) == sorted([(threading.main_thread().name, "hotspots")] * len(periods))
    assert len(claims) == 1 and claims[0][1] is False
    assert all(process.poll() == 0 for process in started)
    _stored_equal_a_fresh_computation(snapshot)
    assert not any(thread.name.startswith("mapping-refresh-") for thread in threading.enumerate())


@pytest.fixture
def on_a_file(tmp_path: Path) -> Iterator[Callable[[], Path]]:
    """A database other processes reach, as the worker's is: ``move()`` copies the test's database (in memory,
    which no other process reaches) to a file and points the connection at it, until the test ends."""
    name = connection.settings_dict["NAME"]
    # An in-memory database lasts while a connection holds it: this one, while the connection reads the file.
    keeper = sqlite3.connect(name, uri=True)
    file = tmp_path / "joinedup.sqlite3"

    def move() -> Path:
        with contextlib.closing(sqlite3.connect(file)) as target:
            keeper.backup(target)
        connection.settings_dict["NAME"] = str(file)
        connection.close()
        return file

    yield move
    connection.close()
    connection.settings_dict["NAME"] = name
    connection.ensure_connection()
    keeper.close()


def test_a_refresh_whose_database_another_process_reaches_writes_its_rows_from_a_process_of_their_own(
    monkeypatch, on_a_file
):
    planted = plant()
    grow(planted, 12)
    file = on_a_file()
    writing = _threads_writing(monkeypatch)
    started = _popen_watched(monkeypatch)
    folders = _handed_folders(monkeypatch)
    snapshot = services.mapping_snapshot_refresh()
    # Not one row written in this process: the writing process wrote them all, to the file.
    assert writing == []
    assert _modules(started) == ["joinedup.mapping.writer", "joinedup.mapping.internals.beside"]
    assert all(process.poll() == 0 for process in started)
    assert connection.settings_dict["NAME"] == str(file)
    assert len(folders) == 2 and not any(folder.exists() for folder in folders)
    _stored_equal_a_fresh_computation(snapshot)
    assert not any(thread.name.startswith("mapping-refresh-") for thread in threading.enumerate())


def test_a_write_that_fails_in_the_writing_process_leaves_nothing_and_the_mapping_before_stays(monkeypatch, on_a_file):
    planted = plant()
    grow(planted, 6)
    on_a_file()
    before = services.mapping_snapshot_refresh()
    # A row already where the next generation's events go: the writing process's INSERT fails on it, in the
    # database, as a full disk or a lost connection would fail.
    MappingEvent.objects.create(
        id=(before.pk + 1) * ID_SPAN + 3, snapshot_id=before.pk, source="extract", agency="POL", record="in the way"
    )
    counts = [model.objects.count() for model in (MappingNode, MappingEvent, MappingEventNode, MappingResult)]
    started = _popen_watched(monkeypatch)
    with pytest.raises(services.WriterFailed, match=r"UNIQUE constraint failed: mapping_mappingevent\.id"):
        services.mapping_snapshot_refresh()
    assert _modules(started) == ["joinedup.mapping.writer", "joinedup.mapping.internals.beside"]
    assert all(process.poll() is not None for process in started)  # both ended, not left running
    assert list(MappingSnapshot.objects.values_list("pk", "complete")) == [(before.pk, True)]
    assert [model.objects.count() for model in (MappingNode, MappingEvent, MappingEventNode, MappingResult)] == counts
    assert MappingNodeChild.objects.exclude(snapshot_id=before.pk).count() == 0
    assert not any(thread.name.startswith("mapping-refresh-") for thread in threading.enumerate())


def test_analyses_that_fail_in_the_process_beside_leave_nothing_and_the_mapping_before_stays(monkeypatch):
    planted = plant()
    grow(planted, 6)
    before = services.mapping_snapshot_refresh()
    counts = [model.objects.count() for model in (MappingNode, MappingEvent, MappingEventNode, MappingResult)]
    real = services._beside_jobs
    # An analysis the process does not know: it fails there, in a process of its own, as any error in it would.
    monkeypatch.setattr(services, "_beside_jobs", lambda periods: [*real(periods), ("nonsense", *real(periods)[0][1:])])
    folders = _handed_folders(monkeypatch)
    with pytest.raises(services.BesideFailed, match="Nothing to work out nonsense from"):
        services.mapping_snapshot_refresh()
    assert folders and not any(folder.exists() for folder in folders)
    assert list(MappingSnapshot.objects.values_list("pk", "complete")) == [(before.pk, True)]
    assert [model.objects.count() for model in (MappingNode, MappingEvent, MappingEventNode, MappingResult)] == counts
    assert MappingNodeChild.objects.exclude(snapshot_id=before.pk).count() == 0
    assert not any(thread.name.startswith("mapping-refresh-") for thread in threading.enumerate())


def test_a_write_that_fails_in_the_writing_thread_leaves_nothing_and_the_mapping_before_stays(monkeypatch):
    planted = plant()
    grow(planted, 6)
    before = services.mapping_snapshot_refresh()
    counts = [model.objects.count() for model in (MappingNode, MappingEvent, MappingEventNode, MappingResult)]
    real = services.values_insert
    written: list[str] = []

    def failing_on_event_nodes(model: type, names: tuple[str, ...], chunk: list[tuple[object, ...]], **kw: Any) -> int:
        if model is MappingEventNode:
            raise RuntimeError("the disk is full")
        written.append(threading.current_thread().name)
        return real(model, names, chunk, **kw)

    monkeypatch.setattr(services, "values_insert", failing_on_event_nodes)
    with pytest.raises(RuntimeError, match="the disk is full"):
        services.mapping_snapshot_refresh()
    assert written and set(written) == {"mapping-refresh-writer"}  # it got as far as the events, from the thread
    assert list(MappingSnapshot.objects.values_list("pk", "complete")) == [(before.pk, True)]
    assert [model.objects.count() for model in (MappingNode, MappingEvent, MappingEventNode, MappingResult)] == counts
    assert MappingNodeChild.objects.exclude(snapshot_id=before.pk).count() == 0
    assert not any(thread.name.startswith("mapping-refresh-") for thread in threading.enumerate())


def test_an_analysis_that_fails_in_the_refresh_ends_the_process_beside_and_leaves_nothing(monkeypatch):
    planted = plant()
    grow(planted, 6)
    before = services.mapping_snapshot_refresh()
    counts = [model.objects.count() for model in (MappingNode, MappingEvent, MappingEventNode, MappingResult)]
    started = _popen_watched(monkeypatch)

    def failing(*args: object, **kwargs: object) -> list[dict[str, Any]]:
        raise RuntimeError("out of memory")

    monkeypatch.setattr(services.analysis, "networks", failing)
    folders = _handed_folders(monkeypatch)
    with pytest.raises(RuntimeError, match="out of memory"):
        services.mapping_snapshot_refresh()
    assert gc.isenabled()  # the collector resumed after a failed refresh too
    assert folders and not any(folder.exists() for folder in folders)
    assert len(started) == 1 and started[0].poll() is not None  # the process beside is ended, not left running
    assert list(MappingSnapshot.objects.values_list("pk", "complete")) == [(before.pk, True)]
    assert [model.objects.count() for model in (MappingNode, MappingEvent, MappingEventNode, MappingResult)] == counts
    assert not any(thread.name.startswith("mapping-refresh-") for thread in threading.enumerate())


def test_results_handed_while_the_graph_is_written_go_before_the_rest_of_the_graph(monkeypatch):
    """The analyses (here and in the process beside) never wait behind the whole graph: a lot of results handed to
    the writing thread while it writes the graph is written after the chunk it is writing, and the graph after."""
    snapshot = MappingSnapshot.objects.create(as_of=date(2026, 12, 5), complete=False, node_count=0, event_count=50)
    monkeypatch.setattr(services, "CHUNK", 10)
    writing, handed = threading.Event(), threading.Event()
    order: list[str] = []
    real = services.values_insert

    def watched(model: type, names: tuple[str, ...], chunk: list[tuple[object, ...]], **kw: Any) -> int:
        if model is MappingEvent and not order:
            writing.set()
            assert handed.wait(30)
        order.append(model.__name__)
        return real(model, names, chunk, **kw)

    monkeypatch.setattr(services, "values_insert", watched)
    fields = ("id", "snapshot_id", "source", "agency", "record", "type", "date", "extra")
    events: Iterator[tuple[object, ...]] = (
        (snapshot.id_base + i, snapshot.pk, "extract", "POL", f"E{i}", "sighting", None, {}) for i in range(50)
    )
    result: tuple[object, ...] = (
        snapshot.pk,
        ResultKind.HOTSPOT.value,
        "2026-11-29/2026-12-05",
        0,
        "place:x",
        {},
        {"node": "place:x"},
    )
    with services._Writer(threaded=True) as writer:
        writer.insert(MappingEvent, fields, events, bulk=True)
        assert writing.wait(30)  # the first chunk of the graph's rows is being written
        writer.insert(MappingResult, services.RESULT_FIELDS, [result])
        handed.set()
    assert order == ["MappingEvent", "MappingResult", *["MappingEvent"] * 4]
    assert MappingEvent.objects.filter(snapshot_id=snapshot.pk).count() == 50
    assert list(MappingResult.objects.filter(snapshot_id=snapshot.pk).values_list("node", flat=True)) == ["place:x"]
    assert not any(thread.name.startswith("mapping-refresh-") for thread in threading.enumerate())
