from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child, ChronologyEntry

from .models import LawfulBasis, ShareDecision


def share_decision_record(
    *,
    user: User,
    child: Child,
    lawful_basis: str,
    purpose: str,
    approved_by: User,
    shared_with_agency: Agency | None = None,
    shared_with_user: User | None = None,
    entry: ChronologyEntry | None = None,
    expires_at: datetime | None = None,
) -> ShareDecision:
    """Record a decision to share a child's record, or one entry of it, and audit it."""
    if not policy.can_share_child(user, child) or user.agency is None:
        raise PermissionDenied
    if not policy.can_approve_share_of(approved_by, sharer=user):
        raise ValidationError(
            {"approved_by": "Choose a manager of your agency, or the coordinator, other than yourself, to approve it."}
        )
    if lawful_basis not in LawfulBasis.values:
        raise ValidationError({"lawful_basis": "Choose the lawful basis for sharing."})
    if not purpose.strip():
        raise ValidationError({"purpose": "Enter the purpose of sharing."})
    if (shared_with_agency is None) == (shared_with_user is None):
        raise ValidationError("Choose one agency or one person to share with.")
    if entry is not None and entry.child_id != child.pk:
        raise ValidationError({"entry": "That entry is not part of this child's record."})
    with transaction.atomic():
        decision = ShareDecision.objects.create(
            child=child,
            entry=entry,
            shared_by_agency=user.agency,
            shared_with_agency=shared_with_agency,
            shared_with_user=shared_with_user,
            lawful_basis=lawful_basis,
            purpose=purpose.strip(),
            decided_by=user,
            approved_by=approved_by,
            expires_at=expires_at,
        )
        audit_record(
            actor=user,
            kind=AuditKind.SHARE_RECORDED,
            child_id=child.pk,
            object_type="share_decision",
            object_id=str(decision.pk),
            reason=purpose.strip(),
            payload={
                "lawful_basis": lawful_basis,
                "shared_with_agency": shared_with_agency.code if shared_with_agency else None,
                "shared_with_user": shared_with_user.username if shared_with_user else None,
                "entry": entry.pk if entry else None,
            },
        )
    return decision
