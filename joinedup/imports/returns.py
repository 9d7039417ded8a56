"""The missing returns: the SSDA903 missing table and Ofsted Annex A list 8 (missing columns), as CSV.

Each covers only the looked-after children the user may see. A return is written a chunk of
``RETURN_CHUNK_CHILDREN`` children at a time, so its memory does not grow with the area:

- on the **Returns** page, ``return_build_request`` queues a job; the worker (``return_build_run``) writes the
  file's chunks into the database, each with the job's progress in its own short transaction, and downloading
  it (``return_file_download``) audits every child in it, one INSERT per chunk;
- ``return_csv_write`` writes a return straight to a file (the export commands), auditing as it goes.

A file is kept ``RETURN_FILE_DAYS`` days after it was asked for, then deleted (``return_files_delete_expired``,
run with every build and by ``manage.py delete_expired_returns``); it is downloaded only by the user who asked
for it, while they may still export returns and see every child in it.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TextIO
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.children.models import Child
from joinedup.deadlines import london_date
from joinedup.jobs.models import Job, JobKind, JobStatus
from joinedup.missing.models import EpisodeKind, InterviewResponse, MissingEpisode
from joinedup.spreadsheet import cell_safe

from . import permissions
from .models import ReturnFile, ReturnFileChunk, ReturnKind
from .parsers import london_midnight, ssda903_date_format
from .ssda903 import SSDA903_MISSING_COLUMNS

# Children per chunk: the batch `rows_insert` sends in one INSERT, so the audit of a downloaded chunk is one
# statement, and well under SQLite's limit of parameters for the episodes of a chunk's children.
RETURN_CHUNK_CHILDREN = 2000
# How long a built return is kept for its requester to download, counted from when they asked for it.
RETURN_FILE_DAYS = 7

ANNEX_A_COLUMNS = [
    "Child unique ID",
    "Number of missing episodes in the last 12 months",
    "Number of absent episodes in the last 12 months",
    "Was the child offered a return interview after the last missing episode?",
    "Did the child accept the return interview?",
]


csv_cell_safe = cell_safe  # the returns' name for it


@dataclass
class ReturnChunk:
    text: str
    child_ids: list[UUID] = field(default_factory=list)
    rows: int = 0
    children_done: int = 0


@dataclass
class ReturnPlan:
    """What writing one return needs: its header, how many children it goes through, and its chunks."""

    header: str
    children_total: int
    chunks: Iterator[ReturnChunk]
    reason: str


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([csv_cell_safe(cell) for cell in cells])
    return buffer.getvalue()


def _children_in_chunks(children: QuerySet[Child]) -> Iterator[list[tuple[UUID, str, date | None]]]:
    """The children as (id, local authority child id, date of birth), ordered by local authority child id then
    id, ``RETURN_CHUNK_CHILDREN`` at a time.

    Each chunk is its own query, taken after the last one (keyset), not one cursor held open across the worker's
    commits: on SQLite an open read would keep its snapshot and the next write could fail as "database is
    locked" once anyone else had written; on PostgreSQL it would be kept whole on the server at the first commit.
    """
    ordered = children.order_by("la_child_id", "pk").values_list("pk", "la_child_id", "date_of_birth")
    after: Q | None = None
    while True:
        chunk = list((ordered.filter(after) if after is not None else ordered)[:RETURN_CHUNK_CHILDREN])
        if not chunk:
            return
        yield chunk
        last_pk, last_la, _ = chunk[-1]
        after = Q(la_child_id__gt=last_la) | Q(la_child_id=last_la, pk__gt=last_pk)


def _ssda903_plan(user: User, as_at: date | None = None) -> ReturnPlan:
    """Every episode; with ``as_at`` (the inspection data pack), those started by the end of that UK day, with
    ``MIS_END`` blank where the child came back after it."""
    children = policy.children_visible_to(user).filter(looked_after=True).exclude(la_child_id="")
    until = london_midnight(as_at + timedelta(days=1)) if as_at is not None else None

    def chunks() -> Iterator[ReturnChunk]:
        done = 0
        for chunk in _children_in_chunks(children):
            episodes: dict[UUID, list[tuple[str, datetime, datetime | None]]] = {}
            episodes_of_chunk = MissingEpisode.objects.filter(child_id__in=[pk for pk, _, _ in chunk])
            if until is not None:
                episodes_of_chunk = episodes_of_chunk.filter(started_at__lt=until)
            for child_id, kind, started_at, returned_at in episodes_of_chunk.order_by("started_at", "pk").values_list(
                "child_id", "kind", "started_at", "returned_at"
            ):
                episodes.setdefault(child_id, []).append((kind, started_at, returned_at))
            lines: list[str] = []
            shown: list[UUID] = []
            for pk, la_child_id, date_of_birth in chunk:
                mine = episodes.get(pk, [])
                if mine:
                    shown.append(pk)
                born = ssda903_date_format(date_of_birth) if date_of_birth else ""
                for kind, started_at, returned_at in mine:
                    back = until is None or (returned_at is not None and returned_at < until)
                    ended = ssda903_date_format(london_date(returned_at)) if returned_at and back else ""
                    lines.append(
                        _csv_line([la_child_id, born, kind, ssda903_date_format(london_date(started_at)), ended])
                    )
            done += len(chunk)
            yield ReturnChunk(text="".join(lines), child_ids=shown, rows=len(lines), children_done=done)

    return ReturnPlan(
        header=_csv_line(SSDA903_MISSING_COLUMNS),
        children_total=children.count(),
        chunks=chunks(),
        reason="SSDA903 missing table export",
    )


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _annex_a_plan(user: User, period_end: date) -> ReturnPlan:
    since = london_midnight(_year_before(period_end) + timedelta(days=1))
    until = london_midnight(period_end + timedelta(days=1))
    children = policy.children_visible_to(user).filter(looked_after=True)

    def chunks() -> Iterator[ReturnChunk]:
        done = 0
        for chunk in _children_in_chunks(children):
            episodes: dict[UUID, list[tuple[str, Any, Any]]] = {}
            for child_id, kind, offered_at, response in (
                MissingEpisode.objects.filter(
                    child_id__in=[pk for pk, _, _ in chunk], started_at__gte=since, started_at__lt=until
                )
                .order_by("started_at", "pk")
                .values_list("child_id", "kind", "interview__offered_at", "interview__response")
            ):
                episodes.setdefault(child_id, []).append((kind, offered_at, response))
            lines = []
            for pk, la_child_id, _ in chunk:
                mine = episodes.get(pk, [])
                missing = [e for e in mine if e[0] == EpisodeKind.MISSING]
                offered = accepted = ""
                if missing:
                    _, offered_at, response = missing[-1]
                    # No interview row: a left join gives no response at all.
                    was_offered = response is not None and (
                        offered_at is not None or response != InterviewResponse.NOT_OFFERED
                    )
                    offered = "Y" if was_offered else "N"
                    accepted = "Y" if response == InterviewResponse.ACCEPTED else "N"
                away = len([e for e in mine if e[0] == EpisodeKind.AWAY])
                lines.append(_csv_line([la_child_id or str(pk), str(len(missing)), str(away), offered, accepted]))
            done += len(chunk)
            yield ReturnChunk(
                text="".join(lines), child_ids=[pk for pk, _, _ in chunk], rows=len(lines), children_done=done
            )

    return ReturnPlan(
        header=_csv_line(ANNEX_A_COLUMNS),
        children_total=children.count(),
        chunks=chunks(),
        reason=f"Annex A list 8 missing columns, 12 months to {period_end.isoformat()}",
    )


def _plan(user: User, kind: str, period_end: date | None) -> ReturnPlan:
    if kind == ReturnKind.ANNEX_A_MISSING:
        return _annex_a_plan(user, period_end or timezone.localdate())
    # The Returns page's SSDA903 files have no period end, so they hold every episode.
    return _ssda903_plan(user, as_at=period_end)


def return_plan(*, user: User, kind: str, period_end: date | None = None) -> ReturnPlan:
    """A return's header and chunks, for another file to hold (the inspection data pack, joinedup.datapack): Annex A
    for the 12 months to ``period_end``, the SSDA903 table as at ``period_end`` (every episode without one). Nothing
    is audited here: whoever serves the rows audits the children (``ReturnChunk.child_ids``)."""
    if not permissions.can_export_missing(user):
        raise PermissionDenied
    return _plan(user, kind, period_end)


def _audit_children(user: User, child_ids: list[UUID], reason: str) -> None:
    audit_record_many(
        actor=user,
        kind=AuditKind.CHILD_EXPORTED,
        rows=[(child_id, "child", str(child_id), reason, None) for child_id in child_ids],
    )


def return_file_name(kind: str, period_end: date | None, *, built: date | None = None) -> str:
    """The download's name: ``ssda903-missing-YYYYMMDD.csv`` (the day it was built) or
    ``annex-a-list-8-missing-YYYYMMDD.csv`` (the period end)."""
    if kind == ReturnKind.ANNEX_A_MISSING:
        return f"annex-a-list-8-missing-{(period_end or timezone.localdate()):%Y%m%d}.csv"
    return f"ssda903-missing-{(built or timezone.localdate()):%Y%m%d}.csv"


# --- Written at once: the export commands -------------------------------------------------------------------


def return_csv_write(*, user: User, kind: str, out: TextIO, period_end: date | None = None) -> tuple[int, int]:
    """Write a return to ``out`` a chunk at a time, auditing each chunk's children as it is written; return the
    rows and the children written."""
    if not permissions.can_export_missing(user):
        raise PermissionDenied
    plan = _plan(user, kind, period_end)
    out.write(plan.header)
    rows = children = 0
    for chunk in plan.chunks:
        _audit_children(user, chunk.child_ids, plan.reason)
        out.write(chunk.text)
        rows += chunk.rows
        children += len(chunk.child_ids)
    return rows, children


def ssda903_missing_export(*, user: User) -> str:
    """The SSDA903 missing table of the looked-after children this user may see, as CSV text.

    Rows ordered by CHILD then MIS_START; each child exported is audited.
    """
    out = io.StringIO()
    return_csv_write(user=user, kind=ReturnKind.SSDA903_MISSING, out=out)
    return out.getvalue()


def annex_a_missing_export(*, user: User, period_end: date | None = None) -> str:
    """Ofsted Annex A list 8, missing columns, for the 12 months to ``period_end`` (England dates).

    One row per looked-after child the user may see. The return interview columns are blank
    when the child had no missing episode in the period.
    """
    out = io.StringIO()
    return_csv_write(user=user, kind=ReturnKind.ANNEX_A_MISSING, out=out, period_end=period_end)
    return out.getvalue()


# --- Built in the worker: the Returns page ------------------------------------------------------------------


def return_build_request(*, user: User, kind: str, period_end: date | None = None) -> ReturnFile:
    """Queue a return for the worker to build; the user watches its progress on the file's page."""
    from .tasks import return_build_task

    if not permissions.can_export_missing(user):
        raise PermissionDenied
    kind = ReturnKind(kind)
    # Annex A covers the 12 months to its period end (default today); the SSDA903 table every episode.
    period_end = (period_end or timezone.localdate()) if kind == ReturnKind.ANNEX_A_MISSING else None
    with transaction.atomic():
        return_files_delete_expired()
        job = Job.objects.create(kind=JobKind.RETURN_BUILD, requested_by=user, message="Waiting for the worker")
        return_file = ReturnFile.objects.create(
            kind=kind,
            period_end=period_end,
            job=job,
            requested_by=user,
            file_name=return_file_name(kind, period_end),
        )
        audit_record(
            actor=user,
            kind=AuditKind.EXPORT_REQUESTED,
            object_type="return_file",
            object_id=str(return_file.pk),
            payload={"kind": kind.value, "period_end": period_end.isoformat() if period_end else None},
        )
        transaction.on_commit(lambda: return_build_task.enqueue(str(job.pk)))
    return return_file


def return_build_run(*, job_id: UUID | str) -> ReturnFile:
    """The worker's half of ``return_build_request``: write the file's chunks, each with the job's progress in
    its own short transaction, then mark the file ready. Run again, it starts the file afresh."""
    return_file = ReturnFile.objects.select_related("job", "requested_by__agency").get(job_id=job_id)
    job = return_file.job
    user = return_file.requested_by

    def job_update(**fields: object) -> None:
        Job.objects.filter(pk=job.pk).update(**fields)

    if not permissions.can_export_missing(user):
        job_update(
            status=JobStatus.FAILED,
            message="You may no longer export returns, so the file was not built.",
            finished_at=timezone.now(),
        )
        return return_file
    try:
        ReturnFileChunk.objects.filter(return_file=return_file).delete()
        plan = _plan(user, return_file.kind, return_file.period_end)
        job_update(
            status=JobStatus.RUNNING,
            progress_done=0,
            progress_total=plan.children_total,
            message=f"Writing the {return_file.get_kind_display()}",
            result_name=return_file.file_name,
        )
        ReturnFileChunk.objects.create(return_file=return_file, number=0, text=plan.header)
        rows = children = 0
        for number, chunk in enumerate(plan.chunks, start=1):
            with transaction.atomic():
                ReturnFileChunk.objects.create(
                    return_file=return_file,
                    number=number,
                    text=chunk.text,
                    child_ids=" ".join(child_id.hex for child_id in chunk.child_ids),
                )
                job_update(progress_done=chunk.children_done)
            rows += chunk.rows
            children += len(chunk.child_ids)
    except Exception as error:
        job_update(status=JobStatus.FAILED, message=f"The return stopped: {error}"[:500], finished_at=timezone.now())
        raise
    with transaction.atomic():
        ReturnFile.objects.filter(pk=return_file.pk).update(ready_at=timezone.now(), rows=rows, children=children)
        job_update(
            status=JobStatus.DONE,
            progress_done=plan.children_total,
            message=f"{rows} rows about {children} children, ready to download",
            finished_at=timezone.now(),
        )
        return_files_delete_expired()
    return_file.refresh_from_db()
    return return_file


def return_files_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the return files asked for more than ``RETURN_FILE_DAYS`` days ago, with their chunks; return how
    many files. Their jobs stay, holding no child's information."""
    cutoff = (now or timezone.now()) - timedelta(days=RETURN_FILE_DAYS)
    chunks = ReturnFileChunk.objects.filter(return_file__created_at__lt=cutoff)
    with transaction.atomic():
        chunks.delete()
        deleted, _ = ReturnFile.objects.filter(created_at__lt=cutoff).delete()
    return deleted


class ReturnFileOutdated(Exception):
    """The file holds a child its requester may no longer see: it must be built again."""


def return_file_download(*, user: User, return_file: ReturnFile) -> Iterator[str]:
    """Audit every child in a ready file as exported, one INSERT per chunk, all in one transaction; then give
    the file's text a chunk at a time. Refused (ReturnFileOutdated) if the user may no longer see every child in
    it."""
    if not permissions.can_export_missing(user) or return_file.requested_by_id != user.pk:
        raise PermissionDenied
    if not return_file.is_ready:
        raise Http404("The return is not ready")
    visible = policy.children_visible_to(user)
    sees_all = policy.sees_all_children(user)
    reason = f"{return_file.get_kind_display()} downloaded ({return_file.file_name})"
    with transaction.atomic():
        for text in return_file.chunks.exclude(child_ids="").values_list("child_ids", flat=True).iterator():
            child_ids = [UUID(hex_id) for hex_id in text.split()]
            if not sees_all and visible.filter(pk__in=child_ids).count() != len(child_ids):
                raise ReturnFileOutdated
            _audit_children(user, child_ids, reason)
    texts = return_file.chunks.order_by("number").values_list("text", flat=True)
    return texts.iterator(chunk_size=4)


# --- Reads: a user's own return files ------------------------------------------------------------------------


def return_files_for(*, user: User) -> QuerySet[ReturnFile]:
    """The return files this user asked for that are still kept, newest first; none for a user who may not
    export returns."""
    if not permissions.can_export_missing(user):
        return ReturnFile.objects.none()
    cutoff = timezone.now() - timedelta(days=RETURN_FILE_DAYS)
    return ReturnFile.objects.filter(requested_by=user, created_at__gte=cutoff).select_related("job")


def return_file_get(*, user: User, file_id: UUID) -> ReturnFile:
    """One of the user's own kept return files; anyone else's, or one deleted or past keeping, is not found."""
    if not permissions.can_export_missing(user):
        raise PermissionDenied
    try:
        return return_files_for(user=user).get(pk=file_id)
    except ReturnFile.DoesNotExist:
        raise Http404("No return file found") from None


def return_file_latest(*, user: User, kind: str, period_end: date | None = None) -> ReturnFile | None:
    """The user's newest kept file of this kind (for Annex A, of this period end) that is ready; else the newest
    still being built; else None."""
    files = return_files_for(user=user).filter(kind=kind)
    if period_end is not None:
        files = files.filter(period_end=period_end)
    ready = files.filter(ready_at__isnull=False).order_by("-created_at").first()
    if ready is not None:
        return ready
    return files.filter(job__status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).order_by("-created_at").first()
