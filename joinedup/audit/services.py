"""Writing the audit trail. Every read of a child's information and every write calls here."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db import DatabaseError, transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.bulk import rows_insert

from .context import current_origin
from .models import AuditEvent, AuditKind


class AuditWriteFailed(Exception):
    """The audit row could not be written, so the information must not be served."""


def _event(
    *,
    actor: User | None,
    kind: AuditKind,
    child_id: UUID | None,
    object_type: str,
    object_id: str,
    reason: str,
    payload: dict[str, Any] | None,
) -> AuditEvent:
    origin = current_origin()
    return AuditEvent(
        occurred_at=timezone.now(),
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_username=actor.get_username() if actor is not None else "",
        actor_agency_code=actor.agency.code if actor is not None and actor.agency else "",
        child_id=child_id,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        ip_address=origin.ip_address,
        user_agent=origin.user_agent[:300],
        path=origin.path[:500],
        payload=payload or {},
    )


def _event_common(*, actor: User | None, kind: AuditKind) -> dict[str, Any]:
    """The columns ``_event`` fills alike for all the rows one actor writes at once, as part of a plain row for
    ``rows_insert``: an import writes thousands, and building an AuditEvent for each cost more than its INSERT."""
    origin = current_origin()
    return {
        "kind": kind,
        "actor_id": actor.pk if actor is not None and actor.pk else None,
        "actor_username": actor.get_username() if actor is not None else "",
        "actor_agency_code": actor.agency.code if actor is not None and actor.agency else "",
        "ip_address": origin.ip_address,
        "user_agent": origin.user_agent[:300],
        "path": origin.path[:500],
    }


def audit_record(
    *,
    actor: User | None,
    kind: AuditKind,
    child_id: UUID | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row; raise AuditWriteFailed if the database refuses it."""
    event = _event(
        actor=actor,
        kind=kind,
        child_id=child_id,
        object_type=object_type,
        object_id=object_id,
        reason=reason,
        payload=payload,
    )
    try:
        # A savepoint, so a refused write leaves the surrounding transaction usable for the error page.
        with transaction.atomic():
            event.save(force_insert=True)
    except DatabaseError as error:
        raise AuditWriteFailed(str(error)) from error
    return event


def audit_record_children(*, actor: User, kind: AuditKind, child_ids: Iterable[UUID], reason: str = "") -> int:
    """Write one audit row per child, e.g. for each row of a list or an export."""
    events = [
        _event(
            actor=actor,
            kind=kind,
            child_id=child_id,
            object_type="child",
            object_id=str(child_id),
            reason=reason,
            payload=None,
        )
        for child_id in child_ids
    ]
    try:
        with transaction.atomic():
            AuditEvent.objects.bulk_create(events)
    except DatabaseError as error:
        raise AuditWriteFailed(str(error)) from error
    return len(events)


def audit_record_many(
    *, actor: User | None, kind: AuditKind, rows: Iterable[tuple[UUID | None, str, str, str, dict[str, Any] | None]]
) -> int:
    """Write one audit row per (child_id, object_type, object_id, reason, payload) in one statement: one per child
    an import created, or per row of a list (the review queue's records), so the cost does not grow a query a
    row."""
    common = _event_common(actor=actor, kind=kind)
    events = [
        {
            **common,
            "occurred_at": timezone.now(),
            "child_id": child_id,
            "object_type": object_type,
            "object_id": object_id,
            "reason": reason,
            "payload": payload or {},
        }
        for child_id, object_type, object_id, reason, payload in rows
    ]
    try:
        with transaction.atomic():
            rows_insert(AuditEvent, events)
    except DatabaseError as error:
        raise AuditWriteFailed(str(error)) from error
    return len(events)
