import csv
import io
import os
import socket
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.spreadsheet import cell_safe

from .models import Job, JobKind, JobStatus

PROGRESS_EVERY = 20
EXPORT_COLUMNS = [
    "child_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "la_child_id",
    "owning_agency",
]


def children_export_request(*, user: User) -> Job:
    """Queue an export of every child the user may see; the worker builds it (see tasks.py)."""
    from .tasks import children_export_run

    if not policy.can_export_children(user):
        raise PermissionDenied
    with transaction.atomic():
        job = Job.objects.create(kind=JobKind.CHILDREN_EXPORT, requested_by=user)
        audit_record(actor=user, kind=AuditKind.EXPORT_REQUESTED, object_type="job", object_id=str(job.pk))
        transaction.on_commit(lambda: children_export_run.enqueue(str(job.pk)))
    return job


def _progress(job: Job, **fields: object) -> None:
    Job.objects.filter(pk=job.pk).update(**fields)


def children_export_build(*, job_id: UUID | str) -> Job:
    """Build the CSV for a queued export, reporting progress and auditing each child exported."""
    job = Job.objects.select_related("requested_by__agency").get(pk=job_id)
    user = job.requested_by
    children = (
        policy.children_visible_to(user).select_related("owning_agency").order_by("family_name", "given_name", "pk")
    )
    total = children.count()
    _progress(job, status=JobStatus.RUNNING, progress_total=total, progress_done=0, message="Building the export")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    batch: list[UUID] = []
    done = 0
    try:
        for child in children.iterator(chunk_size=200):
            writer.writerow(
                cell_safe(cell)
                for cell in [
                    child.pk,
                    child.given_name,
                    child.family_name,
                    child.date_of_birth.isoformat() if child.date_of_birth else "",
                    child.sex,
                    child.postcode,
                    child.la_child_id,
                    child.owning_agency.code,
                ]
            )
            batch.append(child.pk)
            done += 1
            if len(batch) >= PROGRESS_EVERY:
                audit_record_children(
                    actor=user, kind=AuditKind.CHILD_EXPORTED, child_ids=batch, reason=f"Export {job.pk}"
                )
                batch = []
                _progress(job, progress_done=done)
        audit_record_children(actor=user, kind=AuditKind.CHILD_EXPORTED, child_ids=batch, reason=f"Export {job.pk}")
    except Exception as error:
        _progress(job, status=JobStatus.FAILED, message=f"The export failed: {error}", finished_at=timezone.now())
        raise
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    _progress(
        job,
        status=JobStatus.DONE,
        progress_done=done,
        message=f"{done} children exported",
        finished_at=timezone.now(),
        result_name=f"children-{stamp}.csv",
        result_text=buffer.getvalue(),
    )
    job.refresh_from_db()
    return job


def export_download_record(*, user: User, job: Job) -> None:
    audit_record(actor=user, kind=AuditKind.EXPORT_DOWNLOADED, object_type="job", object_id=str(job.pk))


WORKER_STOPPED = (
    "The worker stopped while this was running (found when a worker started again, {at} UK time). Ask for it again: "
    "what was finished stands, and an import picks up where it stopped."
)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


def worker_gone(worker: str) -> bool:
    """Whether the process a "host:pid" names has died: only known for this host (False for another's, or for
    no name)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname():
        return False
    return not pid.isdigit() or not _process_alive(int(pid))


def jobs_orphaned_fail() -> int:
    """Mark failed every unfinished job whose worker, on this host, has died (run as a worker starts); a job on
    another host is left to that host's worker. Returns how many were marked."""
    host = socket.gethostname()
    stopped = []
    for job in Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], worker__startswith=f"{host}:"):
        pid = job.worker.rsplit(":", 1)[1]
        if not pid.isdigit() or not _process_alive(int(pid)):
            stopped.append(job.pk)
    now = timezone.now()
    message = WORKER_STOPPED.format(at=dates.when(now))
    return Job.objects.filter(pk__in=stopped).update(status=JobStatus.FAILED, message=message, finished_at=now)
