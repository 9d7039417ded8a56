"""Imports the worker runs: the files wait in a spool folder, the worker imports them a chunk at a time with
progress the importer watches, and the job's page links to the batch when it is done.

Used by the agency extract (``extract.agency_extract_import_request``) and the SSDA903 missing table
(``ssda903.ssda903_missing_import_request``) alike.
"""

import bisect
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.jobs.models import Job, JobStatus

from .models import ImportBatch
from .parsers import ImportFileError

# Rows imported between two progress reports (and commits) when an import runs in the worker.
PROGRESS_CHUNK = 500
# On SQLite, where a chunk holds the only write lock while it runs, the worker aims to hold it at most this long a
# chunk (the next chunk has fewer rows when one took longer), and after each chunk leaves the database free for half
# as long as the chunk held it, at most WRITERS_PAUSE_SECONDS, so that pages waiting to write wait a fraction of a
# second, not the whole import (``writers_let_in``).
SQLITE_CHUNK_SECONDS = 0.5
WRITERS_PAUSE_SECONDS = 0.15

Progress = Callable[[int, int], None]
_Row = TypeVar("_Row")
# What the worker runs: the importer, the files by name and a progress callback, to the batch it made.
Importer = Callable[[User, dict[str, bytes], Progress], ImportBatch]


def import_queue(
    *, user: User, kind: str, files: Mapping[str, bytes], enqueue: Callable[[str], Any], payload: dict[str, Any]
) -> Job:
    """Spool the files to ``IMPORT_SPOOL_DIR/<job id>/`` (outside anything served), audit the request and queue
    the worker's task (``enqueue(job_id)``) once the transaction commits."""
    with transaction.atomic():
        job = Job.objects.create(kind=kind, requested_by=user, message="Waiting for the worker")
        spool = Path(settings.IMPORT_SPOOL_DIR) / str(job.pk)
        spool.mkdir(parents=True, exist_ok=False)
        for name, content in files.items():
            (spool / Path(name).name).write_bytes(content)
        audit_record(
            actor=user,
            kind=AuditKind.IMPORT_RUN,
            object_type="job",
            object_id=str(job.pk),
            payload={"queued": sorted(files), **payload},
        )
        transaction.on_commit(lambda: enqueue(str(job.pk)))
    return job


def import_job_run(*, job_id: UUID | str, run: Importer) -> Job:
    """The worker's half of ``import_queue``: import the spooled files, report progress, remove the files."""
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    spool = Path(settings.IMPORT_SPOOL_DIR) / str(job.pk)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, message="Importing")

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    try:
        files = {path.name: path.read_bytes() for path in sorted(spool.iterdir())}
        batch = run(job.requested_by, files, progress)
    except (ImportFileError, PermissionDenied, OSError) as error:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=f"The import failed: {error}"[:500], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    except Exception as error:
        # Anything else is a fault to see in the worker's log; the page still says the import stopped.
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=f"The import stopped: {error}"[:500], finished_at=timezone.now()
        )
        raise
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE,
        message=f"{batch.created} created, {batch.updated} updated, {batch.unchanged} unchanged, "
        f"{batch.rejected} kept aside",
        finished_at=timezone.now(),
        result_url=reverse("imports:batch-detail", args=[batch.pk]),
    )
    job.refresh_from_db()
    return job


def writers_let_in(held: float) -> None:
    """Between two chunks of an import in the worker, on SQLite, give the other writers their turn.

    SQLite lets one connection write at a time; a page that writes (every signed-in page saves its session) waits
    for the lock, trying again every 100 ms at most. A worker that begins its next chunk as soon as it commits
    wins every time, so the pages waited for the whole import and, past the 20 s busy timeout, failed with
    "database is locked" (``bench/pages.py``, issue 11). A writer that has waited ``t`` tries again within about
    ``t / 2`` (100 ms at most), so pausing half as long as the chunk held the lock (``held`` seconds), at least
    20 ms and at most 150 ms, lets them in at a bounded cost to the import; ``chunks_committed`` also keeps each
    chunk short there (``SQLITE_CHUNK_SECONDS``), as a waiting page waits for the chunk under way."""
    if connection.vendor == "sqlite":
        time.sleep(min(WRITERS_PAUSE_SECONDS, max(0.02, held / 2)))


def chunks_committed(
    rows: Sequence[_Row], progress: Progress | None, *, chunk: int, committed: Callable[[int], None] | None = None
) -> Iterator[Sequence[_Row]]:
    """The rows a chunk at a time, each chunk inside a transaction of its own, with progress reported once it
    commits: in the worker (``progress`` given) ``chunk`` rows at a time (fewer on SQLite while a chunk takes
    longer than ``SQLITE_CHUNK_SECONDS``, with a pause after each: ``writers_let_in``); at once, all rows as one
    chunk.

    ``committed(rows done)`` runs at the end of each chunk, inside its transaction (the batch's counts so far),
    so what a stopped import shows is exactly what it committed."""
    total = len(rows)
    step = max(1, total) if progress is None else chunk
    start = 0
    while start < total:
        begun = time.monotonic()
        with transaction.atomic():
            yield rows[start : start + step]
            if committed is not None:
                committed(min(total, start + step))
        start += step
        if progress is not None:
            held = time.monotonic() - begun
            progress(min(total, start), total)
            writers_let_in(held)
            if connection.vendor == "sqlite":
                # Fewer rows next time when this chunk held the lock too long; back towards ``chunk`` when quick.
                if held > SQLITE_CHUNK_SECONDS:
                    step = min(step, max(10, int(step * SQLITE_CHUNK_SECONDS / held)))
                elif held < SQLITE_CHUNK_SECONDS / 2:
                    step = min(chunk, step * 2)


def chunks_committed_timed(
    rows: Sequence[_Row],
    progress: Progress | None,
    *,
    chunk: int,
    committed: Callable[[int], None] | None = None,
    first: int,
    seconds: float,
    kind: Callable[[_Row], object] = lambda row: None,
) -> Iterator[Sequence[_Row]]:
    """``chunks_committed`` for rows whose cost varies (an extract's people, then its events, several times
    slower a row): on SQLite in the worker, each transaction ends once it has held the lock ``seconds`` or done
    ``chunk`` rows, whichever comes first, rather than after a number of rows guessed from the last chunk.

    The rows come a piece at a time inside the transaction, ``first`` rows the first piece, then as many as took
    about a quarter of ``seconds`` (so a transaction overshoots ``seconds`` by a piece at most); the transaction
    commits between pieces only. A piece holds rows of one ``kind`` (a person, an event): the first piece of the
    next kind is ``first`` rows again, as its rows' cost is not known yet. Measured (docs/benchmarks.md): with
    ``chunks_committed`` a first chunk of 500 rows, or one that went on from people rows to event rows, held the
    lock 1.4 to 2.9 s.

    Elsewhere (PostgreSQL, or at once) the same as ``chunks_committed``."""
    if progress is None or connection.vendor != "sqlite":
        yield from chunks_committed(rows, progress, chunk=chunk, committed=committed)
        return
    total = len(rows)
    # Where each run of rows of one kind ends.
    kind_ends = [n for n in range(1, total) if kind(rows[n]) != kind(rows[n - 1])] + [total]
    piece = max(1, min(chunk, first))
    start = 0
    while start < total:
        begun = time.monotonic()
        end = start
        with transaction.atomic():
            while end < total and end - start < chunk:
                kind_end = kind_ends[bisect.bisect_right(kind_ends, end)]
                piece_begun = time.monotonic()
                part = rows[end : min(end + piece, start + chunk, kind_end)]
                yield part
                end += len(part)
                took = time.monotonic() - piece_begun
                if end == kind_end:
                    piece = max(1, min(chunk, first))
                # About a quarter of ``seconds`` a piece: fewer rows when slower, more (up to ``chunk``) when quick.
                elif took > seconds / 4:
                    piece = max(1, int(len(part) * seconds / 4 / took))
                elif took < seconds / 8 and len(part) == piece:
                    piece = min(chunk, piece * 2)
                if time.monotonic() - begun >= seconds:
                    break
            if committed is not None:
                committed(end)
        start = end
        held = time.monotonic() - begun
        progress(start, total)
        writers_let_in(held)


def rows_cap_check(file_name: str, rows: int) -> None:
    """Refuse a file of more than ``IMPORT_MAX_ROWS`` rows as a whole, with what to do instead."""
    if rows > settings.IMPORT_MAX_ROWS:
        raise ImportFileError(
            f"{file_name} has {rows:,} rows; the platform takes at most {settings.IMPORT_MAX_ROWS:,} in one file. "
            "Split it into smaller files and import each."
        )
