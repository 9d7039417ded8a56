"""Batches and kept-aside rows: what every import shares.

An import starts a batch (ImportBatch), applies each row in a savepoint, keeps aside (RejectedRow) a row
that breaks a rule with the column and the reason, and finishes the batch with its counts and one
IMPORT_RUN audit row. The SSDA903 import (``ssda903``), the agency extract (``extract``) and the
correction of a kept-aside row (``corrections``) are built on these.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.deadlines import london_date
from joinedup.missing.services import missing_episode_import

from .models import EventRecord, ImportBatch, PersonRecord, RejectedRow
from .parsers import RawRow, RowError

# What applying a row did; anything else a row returns (an event type the platform keeps but does not apply)
# is counted in ImportBatch.unhandled.
CREATED, UPDATED, UNCHANGED, WAITING = "created", "updated", "unchanged", "waiting"


@dataclass
class _Run:
    """What one import has done so far."""

    batch: ImportBatch
    user: User
    outcomes: dict[str, int] = field(default_factory=lambda: {CREATED: 0, UPDATED: 0, UNCHANGED: 0, WAITING: 0})
    unhandled: dict[str, int] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)
    children: set[Any] = field(default_factory=set)
    # Rows already read in this import, by what identifies them, to their row number (a second is kept aside).
    seen: dict[tuple[str, ...], int] = field(default_factory=dict)


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _keep_aside(run: _Run, file_name: str, row: RawRow, column: str, reason: str) -> None:
    # A header cell may be longer than the column's name can be (PostgreSQL would refuse it, failing the import).
    run.rejected.append(
        RejectedRow.objects.create(
            batch=run.batch,
            file_name=file_name[:500],
            row_number=row.number,
            column=column[:100],
            reason=reason,
            raw=row.values,
        )
    )


def _apply_row(run: _Run, file_name: str, row: RawRow, apply: Callable[[RawRow], str]) -> str | None:
    """Apply one row in a savepoint; keep it aside with the reason if it breaks a rule."""
    try:
        if row.problem is not None:
            raise row.problem
        with transaction.atomic():
            outcome = apply(row)
    except RowError as error:
        _keep_aside(run, file_name, row, error.column, error.reason)
        return None
    except (ValidationError, IntegrityError) as error:
        reason = (
            "; ".join(error.messages) if isinstance(error, ValidationError) else f"Refused by the database: {error}"
        )
        _keep_aside(run, file_name, row, "", reason)
        return None
    if outcome in run.outcomes:
        run.outcomes[outcome] += 1
    else:
        run.unhandled[outcome] = run.unhandled.get(outcome, 0) + 1
    return outcome


def _counts_set(run: _Run, rows: int) -> ImportBatch:
    batch = run.batch
    batch.rows = rows
    batch.created = run.outcomes[CREATED]
    batch.updated = run.outcomes[UPDATED]
    batch.unchanged = run.outcomes[UNCHANGED]
    batch.unhandled = run.unhandled
    batch.waiting = run.outcomes[WAITING]
    batch.rejected = len(run.rejected)
    return batch


def _counts_commit(run: _Run, rows: int) -> None:
    """Save the counts of the ``rows`` done so far with the chunk that did them (called inside its transaction):
    a batch that stops half way (its worker killed) counts exactly what it committed, and shows unfinished."""
    _counts_set(run, rows).save(
        update_fields=["rows", "created", "updated", "unchanged", "unhandled", "waiting", "rejected"]
    )


def _finish(run: _Run, rows: int) -> ImportBatch:
    batch = _counts_set(run, rows)
    batch.finished_at = timezone.now()
    batch.save()
    audit_record(
        actor=run.user,
        kind=AuditKind.IMPORT_RUN,
        object_type="import_batch",
        object_id=str(batch.pk),
        reason=f"{batch.get_kind_display()}: {batch.file_name}",
        payload={"file_name": batch.file_name, "sha256": batch.sha256, **batch.counts()},
    )
    return batch


def _cell(row: RawRow, column: str) -> str:
    return (row.values.get(column) or "").strip()


def _batch_start(*, user: User, kind: str, name: str, sha256: str, agency: Agency | None) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=kind, file_name=name[:500], sha256=sha256, agency=agency, imported_by=user, started_at=timezone.now()
    )


def _history_update(record: PersonRecord | EventRecord, data: dict[str, str], batch: ImportBatch) -> str:
    if record.data == data:
        return UNCHANGED
    record.history = [
        *record.history,
        {"when": timezone.now().isoformat(), "batch": str(record.batch_id or ""), "data": record.data},
    ]
    record.data = data
    record.batch = batch
    return UPDATED


def _episode_save(
    *,
    run: _Run,
    child: Child,
    agency: Agency,
    source_key: str,
    kind: str,
    started_at: datetime,
    returned_at: datetime | None,
    start_column: str,
    end_column: str,
    reported_by_name: str,
    extra: Mapping[str, str] | None = None,
) -> str:
    """Create the episode a row describes, or bring the one it created before up to date: through the missing
    app's service, which grades and alerts an open episode and audits the change on the child's record.

    An episode that starts before the child was born, or starts or ends in the future, is refused, as it is
    when reported on the page."""
    now = timezone.now()
    if started_at > now:
        raise RowError(start_column, f"{start_column} is in the future: the child cannot have gone missing yet.")
    if returned_at is not None and returned_at > now:
        raise RowError(end_column, f"{end_column} is in the future: record the return once the child is back.")
    if child.date_of_birth is not None and london_date(started_at) < child.date_of_birth:
        raise RowError(start_column, f"{start_column} is before the child's date of birth on record.")
    try:
        outcome, _ = missing_episode_import(
            actor=run.user,
            child=child,
            agency=agency,
            source_key=source_key,
            kind=kind,
            started_at=started_at,
            returned_at=returned_at,
            reported_by_name=reported_by_name,
            extra=extra,
        )
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {"started_at": error.messages}
        field_name, messages = next(iter(fields.items()))
        raise RowError(end_column if field_name == "returned_at" else start_column, " ".join(messages)) from None
    if outcome != UNCHANGED:
        run.children.add(child.pk)
    return outcome
