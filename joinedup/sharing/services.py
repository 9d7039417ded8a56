from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child, ChronologyEntry

from .models import LawfulBasis, ShareDecision, SharingAgreement


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


def share_under_agreement(
    *,
    user: User,
    child: Child,
    agreement_code: str,
    shared_with_agency: Agency,
    purpose: str,
    payload: dict[str, object] | None = None,
) -> ShareDecision:
    """Share a child's record under a standing agreement of the partnership (the Philomena protocol): the
    agreement pre-approves it, so the decision names the agreement instead of a second person, and says so.
    Refused where the agreement is unknown or no longer active, or does not share with that kind of agency."""
    if not policy.can_share_child(user, child) or user.agency is None:
        raise PermissionDenied
    agreement = SharingAgreement.objects.filter(code=agreement_code, is_active=True).first()
    if agreement is None:
        raise ValidationError("The partnership has no active agreement for this share: ask a manager to approve it.")
    if shared_with_agency.kind != agreement.shares_with_kind:
        raise ValidationError(f"{agreement.name} shares only with {agreement.get_shares_with_kind_display()}.")
    if not purpose.strip():
        raise ValidationError({"purpose": "Enter the purpose of sharing."})
    with transaction.atomic():
        decision = ShareDecision.objects.create(
            child=child,
            shared_by_agency=user.agency,
            shared_with_agency=shared_with_agency,
            lawful_basis=agreement.lawful_basis,
            purpose=purpose.strip(),
            decided_by=user,
            agreement=agreement,
        )
        audit_record(
            actor=user,
            kind=AuditKind.SHARE_RECORDED,
            child_id=child.pk,
            object_type="share_decision",
            object_id=str(decision.pk),
            reason=decision.purpose,
            payload={
                "agreement": agreement.code,
                "shared_with_agency": shared_with_agency.code,
                **{key: str(value) for key, value in (payload or {}).items()},
            },
        )
    return decision
