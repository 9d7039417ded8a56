"""Connection requests: a practitioner asks to be connected to a child who may already be known to the
partnership (find before you create found a close match they may not see). The services the children app
owns for them; each checks the policy, writes and audits in one transaction.

The practitioner is never told which child or agency: the request holds what they typed and the ids of the
matching children, for the coordinator, who either attaches the practitioner's agency to the known child
(opening its involvement) or lets a new child stand. No child is created while the request waits.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record

from .closure import record_closed_refresh
from .models import Child, ConnectionRequest, ConnectionStatus, Involvement

# What a request keeps of the new-child form: the details child_create takes.
DETAIL_FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "other_names", "postcode", "la_child_id")


def _details(values: dict[str, Any]) -> dict[str, str]:
    details = {}
    for name in DETAIL_FIELDS:
        value = values.get(name)
        details[name] = value.isoformat() if isinstance(value, date) else str(value or "").strip()
    return details


def connection_request(
    *, user: User, details: dict[str, Any], candidates: list[UUID], reason: str, involvement_reason: str = ""
) -> ConnectionRequest:
    """Ask to be connected to the child these details may belong to; the coordinator answers."""
    if not policy.can_record_children(user) or user.agency is None:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why your agency needs to work with this child."})
    kept = _details(details)
    if not kept["given_name"] or not kept["family_name"]:
        raise ValidationError("Give the child's given name and family name.")
    with transaction.atomic():
        request = ConnectionRequest.objects.create(
            requested_by=user,
            agency=user.agency,
            details={**kept, "involvement_reason": (involvement_reason or "").strip()[:300]},
            candidates=[str(pk) for pk in candidates],
            reason=reason,
        )
        audit_record(
            actor=user,
            kind=AuditKind.CONNECTION_REQUESTED,
            object_type="connection_request",
            object_id=str(request.pk),
            reason=reason,
            payload={"candidates": len(candidates)},
        )
    return request


def connection_decide(
    *, user: User, request: ConnectionRequest, attach_to: Child | None, reason: str
) -> ConnectionRequest:
    """The coordinator's answer: attach the requesting agency to the known child (``attach_to``), opening its
    involvement, or (``attach_to`` None) record the new child the practitioner asked for, as they would have."""
    from .services import child_create

    if not policy.can_join_children(user):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the decision."})
    with transaction.atomic():
        request = ConnectionRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ConnectionStatus.WAITING:
            raise ValidationError("This request has already been answered.")
        details = dict(request.details)
        involvement_reason = details.pop("involvement_reason", "") or request.reason[:300]
        if attach_to is not None:
            if attach_to.joined_into_id is not None:
                raise ValidationError("That record has been joined into another child's: choose that child.")
            involvement = Involvement.objects.filter(
                child=attach_to, agency=request.agency, ended_at__isnull=True
            ).first() or Involvement.objects.create(
                child=attach_to, agency=request.agency, reason=involvement_reason[:300]
            )
            record_closed_refresh([attach_to.pk])
            audit_record(
                actor=user,
                kind=AuditKind.INVOLVEMENT_OPENED,
                child_id=attach_to.pk,
                object_type="involvement",
                object_id=str(involvement.pk),
                reason=f"Connection request of {request.agency.code}: {reason}",
            )
            request.status, request.child = ConnectionStatus.ATTACHED, attach_to
        else:
            dob = details.get("date_of_birth") or None
            child = child_create(
                user=request.requested_by,
                given_name=details["given_name"],
                family_name=details["family_name"],
                date_of_birth=date.fromisoformat(dob) if dob else None,
                sex=details.get("sex") or "U",
                other_names=details.get("other_names", ""),
                postcode=details.get("postcode", ""),
                la_child_id=details.get("la_child_id", ""),
                involvement_reason=involvement_reason,
            )
            request.status, request.child = ConnectionStatus.STANDS, child
        request.decided_by, request.decided_at, request.decision_reason = user, timezone.now(), reason
        request.save()
        audit_record(
            actor=user,
            kind=AuditKind.CONNECTION_DECIDED,
            child_id=request.child_id,
            object_type="connection_request",
            object_id=str(request.pk),
            reason=reason,
            payload={"status": request.status, "agency": request.agency.code},
        )
    return request
