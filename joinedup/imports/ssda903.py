"""Importing the SSDA903 missing table (CHILD, DOB, MISSING, MIS_START, MIS_END) as missing episodes.

Each row names a child the importer may see by local authority child id and date of birth; its episode is
made or brought up to date through the missing app's service. A row that breaks a rule is kept aside.
"""

import contextlib
import functools
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.deadlines import london_date
from joinedup.jobs.models import Job, JobKind
from joinedup.missing.models import EpisodeKind, MissingEpisode
from joinedup.missing.services import episode_clash

from . import permissions
from .models import ImportBatch, ImportKind
from .parsers import (
    CsvTable,
    RawRow,
    RowError,
    csv_read,
    formula_check,
    london_midnight,
    ssda903_date_format,
    ssda903_date_parse,
)
from .queued import PROGRESS_CHUNK, chunks_committed, import_job_run, import_queue, rows_cap_check
from .rows import (
    UNCHANGED,
    _apply_row,
    _batch_start,
    _cell,
    _counts_commit,
    _episode_save,
    _finish,
    _Run,
    _sha256,
)

SSDA903_MISSING_COLUMNS = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]


def _ssda903_child(user: User, child_id: str, dob: date) -> Child:
    matches = list(policy.children_visible_to(user).filter(la_child_id=child_id)[:2])
    if not matches:
        raise RowError(
            "CHILD", f"No child with local authority child id {child_id} is known to you. Record the child first."
        )
    if len(matches) > 1:
        raise RowError("CHILD", f"More than one child has local authority child id {child_id}; correct the records.")
    child = matches[0]
    if child.date_of_birth != dob:
        raise RowError(
            "DOB",
            f"The child {child_id} has a different date of birth on record "
            f"({ssda903_date_format(child.date_of_birth) if child.date_of_birth else 'none'}).",
        )
    return child


def _ssda903_row(run: _Run, row: RawRow) -> str:
    formula_check(row.values)
    child_id = _cell(row, "CHILD")
    if not child_id:
        raise RowError("CHILD", "CHILD is blank: give the local authority child id.")
    dates: dict[str, date | None] = {}
    for column in ("DOB", "MIS_START", "MIS_END"):
        text = _cell(row, column)
        if not text:
            if column != "MIS_END":
                raise RowError(column, f"{column} is blank.")
            dates[column] = None
            continue
        try:
            dates[column] = ssda903_date_parse(text)
        except ValueError as error:
            raise RowError(column, f"{column}: {error}.") from None
    kind = _cell(row, "MISSING").upper()
    if kind not in EpisodeKind.values:
        raise RowError(
            "MISSING",
            "MISSING must be M (missing) or A (away from placement without authorisation), "
            f"not {_cell(row, 'MISSING')!r}.",
        )
    start, end = dates["MIS_START"], dates["MIS_END"]
    assert start is not None and dates["DOB"] is not None  # noqa: S101 - blank was refused above
    if end is not None and end < start:
        raise RowError("MIS_END", "MIS_END is before MIS_START: the child must return after going missing.")
    # Two rows of one file for the same episode: the second would silently replace the first that went in.
    key = (child_id, start.isoformat())
    if (first := run.seen.get(key)) is not None:
        raise RowError(
            "MIS_START",
            f"The episode of {child_id} from {ssda903_date_format(start)} appears twice (first on row {first}).",
        )
    child = _ssda903_child(run.user, child_id, dates["DOB"])
    agency = run.user.agency
    assert agency is not None  # noqa: S101 - can_import needs an agency
    source_key = f"ssda903:{child_id}:{start.isoformat()}"
    same_source = MissingEpisode.objects.filter(owning_agency=agency, source_key=source_key).first()
    # SSDA903 counts in days: an episode already recorded (in the app, or by another import) on the same
    # dates is the same episode, and any other episode on those days overlaps it.
    for other in MissingEpisode.objects.filter(child=child, kind=kind).exclude(source_key=source_key):
        other_end = london_date(other.returned_at) if other.returned_at else None
        if london_date(other.started_at) == start and other_end == end:
            run.seen[key] = row.number
            return UNCHANGED
    if end is not None:
        clash = episode_clash(
            child=child,
            started_at=london_midnight(start),
            returned_at=london_midnight(end + timedelta(days=1)),
            exclude=same_source,
        )
        if clash:
            raise RowError("MIS_START", clash)
    outcome = _episode_save(
        run=run,
        child=child,
        agency=agency,
        source_key=source_key,
        kind=kind,
        started_at=london_midnight(start),
        returned_at=london_midnight(end) if end else None,
        start_column="MIS_START",
        end_column="MIS_END",
        reported_by_name=f"SSDA903 return ({run.batch.file_name})"[:200],
    )
    run.seen[key] = row.number
    return outcome


def _ssda903_require(user: User) -> None:
    if not permissions.can_import(user) or user.agency is None:
        raise PermissionDenied


def _ssda903_table(name: str, content: bytes) -> CsvTable:
    table = csv_read(
        content, file_name=name, required=SSDA903_MISSING_COLUMNS, allowed=SSDA903_MISSING_COLUMNS, normalise=str.upper
    )
    rows_cap_check(name, len(table.rows))
    return table


def ssda903_missing_import(
    *, user: User, name: str, content: bytes, progress: Callable[[int, int], None] | None = None
) -> ImportBatch:
    """Import an SSDA903 missing table (CHILD, DOB, MISSING, MIS_START, MIS_END) as missing episodes.

    At once, one transaction; in the worker (``progress`` given, called after each chunk of rows), a short
    transaction for each chunk, so other people's work goes on meanwhile. Rows are idempotent: an import
    stopped half way is finished by importing the same file again.
    Raises ImportFileError, with a message for the user, when the file as a whole cannot be read.
    """
    _ssda903_require(user)
    table = _ssda903_table(name, content)
    total = len(table.rows)
    with transaction.atomic() if progress is None else contextlib.nullcontext():
        with transaction.atomic():
            assert user.agency is not None  # noqa: S101 - required above
            batch = _batch_start(
                user=user, kind=ImportKind.SSDA903_MISSING, name=name, sha256=_sha256(content), agency=user.agency
            )
            run = _Run(batch=batch, user=user)
        counts = functools.partial(_counts_commit, run)
        for chunk in chunks_committed(table.rows, progress, chunk=PROGRESS_CHUNK, committed=counts):
            for row in chunk:
                _apply_row(run, name, row, lambda r: _ssda903_row(run, r))
        with transaction.atomic():
            return _finish(run, total)


def ssda903_missing_import_request(*, user: User, name: str, content: bytes) -> Job:
    """Queue a large SSDA903 missing table for the worker (see ``queued``); raises ImportFileError now for a
    file that cannot be read, as the import at once does."""
    from .tasks import ssda903_missing_import_task

    _ssda903_require(user)
    _ssda903_table(name, content)
    return import_queue(
        user=user,
        kind=JobKind.SSDA903_IMPORT,
        files={name: content},
        enqueue=ssda903_missing_import_task.enqueue,
        payload={"kind": "ssda903_missing"},
    )


def ssda903_missing_import_job_run(*, job_id: UUID | str) -> Job:
    """The worker's half of ``ssda903_missing_import_request``."""

    def run(user: User, files: dict[str, bytes], progress: Callable[[int, int], None]) -> ImportBatch:
        [(name, content)] = files.items()
        return ssda903_missing_import(user=user, name=name, content=content, progress=progress)

    return import_job_run(job_id=job_id, run=run)
