"""Writes for the inspection data pack: asking for one (queued for the worker), building its ZIP, downloading it,
and deleting files past keeping. Each checks the policy (``policy.can_use_data_pack``) and audits in the same
transaction as its write.

The ZIP holds, for the 12 months to the chosen date (``selectors.period_for``):

- ``annex_a_list_8.csv`` and ``ssda903_missing.csv``, written by the missing returns' own builders
  (``imports.returns.return_plan``), so the rows are the same as the Returns page's for that date;
- ``cin_factors.csv``: the children with each CIN census assessment factor (``selectors.factor_children``);
- ``figures.csv``: every oversight figure's count for the period, as the requester sees them;
- ``README.txt``: what each file is and the date.
"""

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.imports.models import ReturnKind
from joinedup.imports.returns import return_plan
from joinedup.jobs.models import Job, JobKind, JobStatus
from joinedup.oversight import figures
from joinedup.spreadsheet import cell_safe

from .models import DataPack
from .selectors import CIN_FACTORS, DATA_PACK_FILE_DAYS, factor_children, period_for

CIN_FACTOR_COLUMNS = ["Factor", "Description", "Children", "How it is counted"]
FIGURE_COLUMNS = ["Section", "Figure", "Counts", "Count", "Period start", "Period end"]
ANNEX_A_NAME = "annex_a_list_8.csv"
SSDA903_NAME = "ssda903_missing.csv"
CIN_FACTORS_NAME = "cin_factors.csv"
FIGURES_NAME = "figures.csv"
README_NAME = "README.txt"


class DataPackOutdated(Exception):
    """The pack holds a child its requester may no longer see: it must be built again."""


def data_pack_file_name(as_at: date) -> str:
    return f"inspection-data-pack-{as_at:%Y%m%d}.zip"


def _csv_text(rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([[cell_safe(str(cell)) for cell in row] for row in rows])
    return buffer.getvalue()


def data_pack_request(*, user: User, as_at: date) -> DataPack:
    """Queue a data pack for the 12 months to ``as_at`` for the worker to build; audited as requested."""
    from .tasks import data_pack_build_task

    if not policy.can_use_data_pack(user):
        raise PermissionDenied
    period = period_for(as_at)
    with transaction.atomic():
        data_packs_delete_expired()
        job = Job.objects.create(kind=JobKind.DATA_PACK_BUILD, requested_by=user, message="Waiting for the worker")
        pack = DataPack.objects.create(
            as_at=as_at,
            period_start=period.start,
            job=job,
            requested_by=user,
            file_name=data_pack_file_name(as_at),
        )
        audit_record(
            actor=user,
            kind=AuditKind.DATA_PACK_REQUESTED,
            object_type="data_pack",
            object_id=str(pack.pk),
            payload={"as_at": as_at.isoformat(), "period_start": period.start.isoformat()},
        )
        transaction.on_commit(lambda: data_pack_build_task.enqueue(str(job.pk)))
    return pack


def _readme(pack: DataPack, user: User, built_at: datetime, counts: dict[str, int]) -> str:
    factor_lines = "\n".join(
        f"  {factor.code} {factor.label}: {counts[factor.code]} children with {factor.derived}."
        for factor in CIN_FACTORS
    )
    return f"""Inspection data pack, as at {dates.day(pack.as_at)}

The 12 months from {dates.day(pack.period_start)} to {dates.day(pack.as_at)} inclusive, in UK (Europe/London) dates.
Built {dates.when(built_at)} UK time for {user.get_username()}, holding only the
children that account may see. Downloading it records each child in its returns in the audit trail.

{ANNEX_A_NAME}
  Ofsted Annex A list 8, the missing columns: one row per looked-after child, with the missing and absent
  episodes that started in the 12 months and whether a return interview was offered and accepted after the last
  missing episode. The same rows as the Returns page builds for this period end.

{SSDA903_NAME}
  The SSDA903 missing table (CHILD, DOB, MISSING, MIS_START, MIS_END) as at the date: every episode of a
  looked-after child with a local authority child id that started by the end of the date; MIS_END is blank where
  the child had not come back by then.

{CIN_FACTORS_NAME}
  Children in need census assessment factors: how many children had each in the 12 months, each child counted
  once a factor (a child may have several factors):
{factor_lines}
  The risk model's indicators are not specific to one form of exploitation, so an assessment alone sets no
  factor. The list behind each count is on the platform's data pack page.

{FIGURES_NAME}
  Every figure on the oversight dashboard, counted over the same 12 months as the requester sees them. Figures
  that are as of today (training coverage) are as of the day the pack was built.

Whether a child is looked after, and who may see them, are as the platform holds them when the pack is built:
the platform keeps no history of either.
"""


def data_pack_build_run(*, job_id: UUID | str) -> DataPack:
    """The worker's half of ``data_pack_request``: write the ZIP, with the job's progress after each chunk of the
    returns and each file, then store it and mark the pack ready. Run again, it starts afresh."""
    pack = DataPack.objects.select_related("job", "requested_by__agency").get(job_id=job_id)
    job, user = pack.job, pack.requested_by

    def job_update(**fields: object) -> None:
        Job.objects.filter(pk=job.pk).update(**fields)

    if not policy.can_use_data_pack(user):
        job_update(
            status=JobStatus.FAILED,
            message="You may no longer ask for the data pack, so it was not built.",
            finished_at=timezone.now(),
        )
        return pack
    try:
        annex_a = return_plan(user=user, kind=ReturnKind.ANNEX_A_MISSING, period_end=pack.as_at)
        ssda903 = return_plan(user=user, kind=ReturnKind.SSDA903_MISSING, period_end=pack.as_at)
        total = annex_a.children_total + ssda903.children_total + 2
        job_update(
            status=JobStatus.RUNNING,
            progress_done=0,
            progress_total=total,
            message="Writing the inspection data pack",
            result_name=pack.file_name,
        )
        buffer = io.BytesIO()
        children: set[UUID] = set()
        done = 0
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, plan in ((ANNEX_A_NAME, annex_a), (SSDA903_NAME, ssda903)):
                with archive.open(name, "w") as member:
                    member.write(plan.header.encode())
                    for chunk in plan.chunks:
                        member.write(chunk.text.encode())
                        children.update(chunk.child_ids)
                        job_update(progress_done=done + chunk.children_done)
                done += plan.children_total
            counts = {
                factor.code: factor_children(user=user, code=factor.code, as_at=pack.as_at).count()
                for factor in CIN_FACTORS
            }
            archive.writestr(
                CIN_FACTORS_NAME,
                _csv_text(
                    [
                        CIN_FACTOR_COLUMNS,
                        *([f.code, f.label, counts[f.code], f"Children with {f.derived}"] for f in CIN_FACTORS),
                    ]
                ),
            )
            done += 1
            job_update(progress_done=done)
            period = figures.Filters(start=pack.period_start, end=pack.as_at, agency=figures.scope_agency(user))
            figure_rows: list[Sequence[object]] = [FIGURE_COLUMNS]
            for section, counted in figures.figure_counts(user=user, filters=period):
                for item in counted:
                    figure_rows.append(
                        [section, item.figure.label, item.figure.counts, item.count, period.start, period.end]
                    )
            archive.writestr(FIGURES_NAME, _csv_text(figure_rows))
            done += 1
            built_at = timezone.now()
            archive.writestr(README_NAME, _readme(pack, user, built_at, counts))
        data = buffer.getvalue()
    except Exception as error:
        job_update(status=JobStatus.FAILED, message=f"The data pack stopped: {error}"[:500], finished_at=timezone.now())
        raise
    with transaction.atomic():
        DataPack.objects.filter(pk=pack.pk).update(
            zip_data=data,
            file_size=len(data),
            ready_at=built_at,
            child_ids=" ".join(sorted(child_id.hex for child_id in children)),
            factor_counts=counts,
        )
        job_update(
            status=JobStatus.DONE,
            progress_done=total,
            message=f"Ready to download: the returns name {len(children)} children",
            finished_at=timezone.now(),
        )
        data_packs_delete_expired()
    pack.refresh_from_db()
    return pack


def data_pack_download(*, user: User, pack: DataPack) -> bytes:
    """Audit the download, and every child the pack's returns name as exported (one INSERT for them all), in one
    transaction; then give the ZIP. Refused (DataPackOutdated) if the user may no longer see every child in it."""
    if not policy.can_use_data_pack(user) or pack.requested_by_id != user.pk:
        raise PermissionDenied
    if not pack.is_ready:
        raise Http404("The data pack is not ready")
    child_ids = [UUID(hex_id) for hex_id in pack.child_ids.split()]
    if not policy.sees_all_children(user):
        visible = set(policy.children_visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True))
        if len(visible) != len(child_ids):
            raise DataPackOutdated
    data = DataPack.objects.filter(pk=pack.pk).values_list("zip_data", flat=True).get()
    if data is None:
        raise Http404("The data pack's file has been deleted")
    reason = f"Inspection data pack downloaded ({pack.file_name})"
    with transaction.atomic():
        audit_record(actor=user, kind=AuditKind.DATA_PACK_DOWNLOADED, object_type="data_pack", object_id=str(pack.pk))
        audit_record_many(
            actor=user,
            kind=AuditKind.CHILD_EXPORTED,
            rows=[(child_id, "child", str(child_id), reason, None) for child_id in child_ids],
        )
    return bytes(data)


def data_packs_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the files of packs asked for more than ``DATA_PACK_FILE_DAYS`` days ago (the pack's date, counts and
    job stay, naming no child); return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=DATA_PACK_FILE_DAYS)
    return DataPack.objects.filter(created_at__lt=cutoff, file_size__gt=0).update(
        zip_data=None, file_size=0, child_ids=""
    )
