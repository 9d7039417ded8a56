"""Writes about children's education: permission, the write, its audit row and the CME officer's task in one
transaction.

A refused write raises ``PermissionDenied`` and writes nothing; a write the rules refuse (a date in the future, an
end before the start, a case closed without an outcome) raises ``ValidationError`` naming the field and writes
nothing.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.deadlines import london_date
from joinedup.tasks.models import TaskKind
from joinedup.tasks.services import task_close_for, task_open

from .models import (
    OUTCOMES_NEEDING_DETAIL,
    CheckKind,
    CheckResult,
    CmeCheck,
    CmeOutcome,
    CmeReason,
    EducationRecord,
    RecordKind,
)

# The most hours a school week holds (a full-time week is about 32.5): a part-time timetable has fewer.
FULL_TIME_HOURS = Decimal("32.5")
# A pupil may be suspended for up to 45 school days in a school year.
MAX_SUSPENSION_DAYS = 45


def _today() -> date:
    return london_date(timezone.now())


def _not_future(field: str, day: date, after: date | None = None, what: str = "") -> None:
    if day > _today():
        raise ValidationError({field: "The date must be today or in the past."})
    if after is not None and day < after:
        raise ValidationError({field: f"The date must not be before {what}."})


def _audit(user: User, record: EducationRecord, kind: AuditKind, **payload: str) -> None:
    audit_record(
        actor=user,
        kind=kind,
        child_id=record.child_id,
        object_type="education_record",
        object_id=str(record.pk),
        payload=payload,
    )


def _kind_checked(
    kind: str,
    *,
    starts_on: date,
    ends_on: date | None,
    hours_per_week: Decimal | None,
    days: int | None,
    reason: str,
) -> tuple[date | None, Decimal | None, int | None, str]:
    """The fields a kind keeps, checked; the others cleared."""
    if kind == RecordKind.MISSING_EDUCATION:
        if reason not in CmeReason.values:
            raise ValidationError({"reason": "Choose why the child is missing education."})
        return None, None, None, reason
    if kind == RecordKind.PART_TIME:
        if ends_on is None:
            raise ValidationError({"ends_on": "Enter the planned end: a part-time timetable is for a limited time."})
        if ends_on <= starts_on:
            raise ValidationError({"ends_on": "The planned end must be after the start."})
        if hours_per_week is None or not Decimal(0) < hours_per_week < FULL_TIME_HOURS:
            raise ValidationError(
                {"hours_per_week": f"Enter the hours a week, more than 0 and under {FULL_TIME_HOURS}."}
            )
        return ends_on, hours_per_week, None, ""
    if kind == RecordKind.SUSPENSION:
        if ends_on is None:
            raise ValidationError({"ends_on": "Enter the last day of the suspension."})
        if ends_on < starts_on:
            raise ValidationError({"ends_on": "The last day must not be before the first."})
        if days is None or not 1 <= days <= MAX_SUSPENSION_DAYS:
            raise ValidationError({"days": f"Enter the school days of the suspension, 1 to {MAX_SUSPENSION_DAYS}."})
        return ends_on, None, days, ""
    if kind in (RecordKind.EXCLUSION, RecordKind.HOME_EDUCATION):
        return None, None, None, ""
    raise ValidationError({"kind": "Choose what to record."})


def education_record_create(
    *,
    user: User,
    child: Child,
    kind: str,
    school: str,
    starts_on: date,
    ends_on: date | None = None,
    hours_per_week: Decimal | None = None,
    days: int | None = None,
    reason: str = "",
    last_known_address: str = "",
    last_known_postcode: str = "",
    destination: str = "",
    note: str = "",
) -> EducationRecord:
    """Record what a school tells about the child's education. A child missing education opens a case on the
    local authority's CME officer's queue (a task for the recording agency's education service) until it is
    closed with an outcome."""
    if not policy.can_record_education(user, child):
        raise PermissionDenied
    school = school.strip()
    if not school:
        raise ValidationError({"school": "Enter the school."})
    _not_future("starts_on", starts_on)
    ends_on, hours_per_week, days, reason = _kind_checked(
        kind, starts_on=starts_on, ends_on=ends_on, hours_per_week=hours_per_week, days=days, reason=reason
    )
    cme = kind == RecordKind.MISSING_EDUCATION
    assert user.agency is not None  # noqa: S101 (can_record_education asks for an agency)
    with transaction.atomic():
        record = EducationRecord.objects.create(
            child=child,
            kind=kind,
            owning_agency=user.agency,
            school=school[:200],
            starts_on=starts_on,
            ends_on=ends_on,
            hours_per_week=hours_per_week,
            days=days,
            reason=reason,
            last_known_address=last_known_address.strip()[:300] if cme else "",
            last_known_postcode=last_known_postcode.strip().upper()[:10] if cme else "",
            destination=destination.strip()[:300] if cme else "",
            note=note.strip(),
            recorded_by=user,
            recorded_at=timezone.now(),
        )
        _audit(user, record, AuditKind.EDUCATION_RECORDED, record_kind=kind, starts_on=starts_on.isoformat())
        if cme:
            task_open(
                actor=user,
                kind=TaskKind.MISSING_EDUCATION,
                source_id=str(record.pk),
                title=str(TaskKind.MISSING_EDUCATION.label),
                link=reverse("education:case", kwargs={"record_id": record.pk}),
                due_at=None,
                child=child,
                owner_agency=user.agency,
            )
    return record


def _open_case(user: User, record: EducationRecord) -> EducationRecord:
    if not record.is_cme or not policy.can_work_cme_case(user, record.child):
        raise PermissionDenied
    locked = EducationRecord.objects.select_for_update().get(pk=record.pk)
    if locked.closed_on is not None:
        raise ValidationError("The case is closed already.")
    return locked


def cme_check_record(
    *, user: User, record: EducationRecord, kind: str, checked_on: date, result: str, note: str = ""
) -> CmeCheck:
    """Record one of the local authority's enquiries for a child missing education, with its date and result."""
    if not record.is_cme or not policy.can_work_cme_case(user, record.child):
        raise PermissionDenied
    if kind not in CheckKind.values:
        raise ValidationError({"kind": "Choose the check made."})
    if result not in CheckResult.values:
        raise ValidationError({"result": "Choose what the check found."})
    _not_future("checked_on", checked_on, record.starts_on, "the school's notice")
    with transaction.atomic():
        record = _open_case(user, record)
        check = CmeCheck.objects.create(
            record=record,
            kind=kind,
            checked_on=checked_on,
            result=result,
            note=note.strip(),
            checked_by=user,
            recorded_at=timezone.now(),
        )
        _audit(user, record, AuditKind.CME_CHECK_RECORDED, check=kind, result=result)
    return check


def cme_case_close(
    *, user: User, record: EducationRecord, outcome: str, closed_on: date, outcome_detail: str = ""
) -> EducationRecord:
    """Close a child missing education case: only with an outcome (and, for a school found, a move or another
    outcome, where or who was told). The officer's task closes with it."""
    if not record.is_cme or not policy.can_work_cme_case(user, record.child):
        raise PermissionDenied
    if outcome not in CmeOutcome.values:
        raise ValidationError({"outcome": "Choose the outcome: a case is closed only with one."})
    outcome_detail = outcome_detail.strip()
    if outcome in OUTCOMES_NEEDING_DETAIL and not outcome_detail:
        raise ValidationError({"outcome_detail": "Say where the child is, or who was told."})
    _not_future("closed_on", closed_on, record.starts_on, "the school's notice")
    with transaction.atomic():
        record = _open_case(user, record)
        record.outcome, record.outcome_detail = outcome, outcome_detail[:300]
        record.closed_on, record.closed_by = closed_on, user
        record.save(update_fields=["outcome", "outcome_detail", "closed_on", "closed_by"])
        _audit(user, record, AuditKind.CME_CASE_CLOSED, outcome=outcome, closed_on=closed_on.isoformat())
        task_close_for(actor=user, kind=TaskKind.MISSING_EDUCATION, source_id=str(record.pk))
    return record
