"""Reads of import batches and rejected rows: each takes the user and returns only what they may see."""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.accounts.models import RoleCode, User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_many

from . import permissions
from .models import ImportBatch, RejectedRow


def batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    """Coordinators see every import; managers their own and their agency's."""
    if not permissions.can_import(user):
        return ImportBatch.objects.none()
    batches = ImportBatch.objects.select_related("agency", "imported_by")
    if user.has_role(RoleCode.COORDINATOR):
        return batches
    return batches.filter(Q(imported_by=user) | Q(agency_id=user.agency_id))


def batch_get(*, user: User, batch_id: UUID) -> ImportBatch:
    try:
        return batches_visible_to(user).get(pk=batch_id)
    except ImportBatch.DoesNotExist:
        raise Http404("No import found") from None


def rejected_row_get(*, user: User, row_id: int) -> RejectedRow:
    try:
        return RejectedRow.objects.select_related("batch").get(pk=row_id, batch__in=batches_visible_to(user))
    except RejectedRow.DoesNotExist:
        raise Http404("No row found") from None


def rejected_rows_open(*, user: User) -> QuerySet[RejectedRow]:
    return RejectedRow.objects.filter(batch__in=batches_visible_to(user), resolved_at__isnull=True).select_related(
        "batch"
    )


def rejected_rows_shown(*, user: User, rows: list[RejectedRow], reason: str) -> list[RejectedRow]:
    """Audit the kept-aside rows shown to the user (they hold a child's id, date of birth, missing dates): one row
    each, in one statement. Returns the rows, for the page."""
    audit_record_many(
        actor=user,
        kind=AuditKind.REJECTED_ROWS_VIEWED,
        rows=[(None, "rejected_row", str(row.pk), reason, {"batch": str(row.batch_id)}) for row in rows],
    )
    return rows
