"""A subject access export: asked for by the coordinator, built by the worker, downloaded by its requester.

- ``subject_access_request`` (the page's POST): checks the policy, creates the job and the export, and writes one
  ``export_requested`` audit row naming the child, all in one transaction; the worker is queued on commit.
- ``subject_access_build`` (the worker): assembles the document (``document.subject_access_document``), renders
  the JSON and the PDF, and writes one ``child_exported`` row for the child with the counts.
- ``subject_access_download``: one ``export_downloaded`` row per download, naming the child and the format.

An export is a copy of the whole record, so it is kept ``EXPORT_DAYS`` days and then deleted
(``subject_access_exports_delete_expired``, run with every request and build).
"""

from datetime import datetime, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.jobs.models import Job, JobKind, JobStatus

from .document import SECTIONS, subject_access_document
from .models import SubjectAccessExport
from .render import export_pdf, export_zip

EXPORT_DAYS = 7
FORMATS = {
    "json": ("application/json", "json"),
    "zip": ("application/zip", "zip"),
    "pdf": ("application/pdf", "pdf"),
}


def subject_access_request(*, user: User, child: Child, reason: str) -> SubjectAccessExport:
    """Queue the export of everything held about the child; ``child`` is one the user may see (``child_find``)."""
    from .tasks import subject_access_task

    if not policy.can_answer_subject_access(user):
        raise PermissionDenied
    with transaction.atomic():
        subject_access_exports_delete_expired()
        job = Job.objects.create(
            kind=JobKind.SUBJECT_ACCESS_EXPORT, requested_by=user, message="Waiting for the worker"
        )
        export = SubjectAccessExport.objects.create(child=child, job=job, requested_by=user, reason=reason)
        audit_record(
            actor=user,
            kind=AuditKind.EXPORT_REQUESTED,
            child_id=child.pk,
            object_type="subject_access_export",
            object_id=str(export.pk),
            reason=reason,
        )
        transaction.on_commit(lambda: subject_access_task.enqueue(str(job.pk)))
    return export


def subject_access_build(*, job_id: UUID | str) -> SubjectAccessExport:
    """The worker's half: build the files, with the job's progress a section at a time, and audit the export."""
    export = SubjectAccessExport.objects.select_related("job", "child", "requested_by__agency").get(job_id=job_id)
    user = export.requested_by

    def job_update(**fields: object) -> None:
        Job.objects.filter(pk=export.job_id).update(**fields)

    if not policy.can_answer_subject_access(user):
        job_update(
            status=JobStatus.FAILED,
            message="You no longer answer subject access requests, so the export was not built.",
            finished_at=timezone.now(),
        )
        return export
    total = len(SECTIONS) + 1
    job_update(status=JobStatus.RUNNING, progress_done=0, progress_total=total, message="Gathering the record")
    try:
        document = subject_access_document(
            child=export.child, progress=lambda done, _total: job_update(progress_done=done)
        )
        job_update(message="Writing the PDF")
        json_text = document.as_json()
        pdf = export_pdf(document)
    except Exception as error:
        job_update(status=JobStatus.FAILED, message=f"The export stopped: {error}"[:500], finished_at=timezone.now())
        raise
    items, marked = document.item_count, document.marked_count
    with transaction.atomic():
        SubjectAccessExport.objects.filter(pk=export.pk).update(
            json_text=json_text, pdf=pdf, items=items, marked=marked, ready_at=timezone.now()
        )
        audit_record(
            actor=user,
            kind=AuditKind.CHILD_EXPORTED,
            child_id=export.child_id,
            object_type="subject_access_export",
            object_id=str(export.pk),
            reason=export.reason,
            payload={"items": items, "marked": marked, "records": document.record_ids},
        )
        job_update(
            status=JobStatus.DONE,
            progress_done=total,
            message=f"{items} items, {marked} details marked for the reviewer, ready to download",
            finished_at=timezone.now(),
            result_name=export.file_stem,
        )
    export.refresh_from_db()
    return export


def subject_access_download(*, user: User, export: SubjectAccessExport, file_format: str) -> tuple[bytes, str, str]:
    """The file's bytes, content type and name; each download is audited against the child."""
    if file_format not in FORMATS or not export.is_ready:
        raise ValueError(file_format)
    content_type, extension = FORMATS[file_format]
    if file_format == "json":
        content = export.json_text.encode()
    elif file_format == "zip":
        content = export_zip(export.json_text, stem=export.file_stem)
    else:
        content = bytes(export.pdf)
    audit_record(
        actor=user,
        kind=AuditKind.EXPORT_DOWNLOADED,
        child_id=export.child_id,
        object_type="subject_access_export",
        object_id=str(export.pk),
        reason=f"Subject access export downloaded as {file_format.upper()}",
    )
    return content, content_type, f"{export.file_stem}.{extension}"


def subject_access_exports_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the exports asked for more than ``EXPORT_DAYS`` days ago; their jobs and audit rows stay."""
    cutoff = (now or timezone.now()) - timedelta(days=EXPORT_DAYS)
    deleted, _ = SubjectAccessExport.objects.filter(created_at__lt=cutoff).delete()
    return deleted
