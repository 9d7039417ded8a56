from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child

from . import policy
from .models import BreakGlassGrant, ReviewOutcome


def break_glass_grant(
    *, user: User, given_name: str, family_name: str, date_of_birth: date, reason: str
) -> BreakGlassGrant:
    """Grant time-limited emergency access to the one child matching the details given."""
    if not policy.can_request_break_glass(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you need emergency access."})
    matches = list(
        Child.objects.filter(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
        )[:2]
    )
    if len(matches) != 1:
        raise ValidationError(
            "No single child record matches those details. Check the name and date of birth, "
            "or ask the exploitation and missing coordinator."
        )
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=user,
            child=matches[0],
            reason=reason.strip(),
            granted_at=now,
            expires_at=now + settings.JOINEDUP_BREAK_GLASS_DURATION,
        )
        audit_record(
            actor=user,
            kind=AuditKind.BREAK_GLASS_GRANTED,
            child_id=grant.child_id,
            object_type="break_glass_grant",
            object_id=str(grant.pk),
            reason=grant.reason,
            payload={"expires_at": grant.expires_at.isoformat()},
        )
    return grant


def break_glass_review(*, manager: User, grant: BreakGlassGrant, outcome: str, note: str) -> BreakGlassGrant:
    if not policy.break_glass_reviewable_by(manager).filter(pk=grant.pk).exists():
        raise PermissionDenied
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Choose whether the access was justified."})
    if grant.reviewed_at is not None:
        raise ValidationError("This emergency access has already been reviewed.")
    with transaction.atomic():
        grant.reviewed_by = manager
        grant.reviewed_at = timezone.now()
        grant.review_outcome = outcome
        grant.review_note = note.strip()
        if outcome == ReviewOutcome.NOT_JUSTIFIED:
            # Access found unjustified ends now, if it had not already.
            grant.expires_at = min(grant.expires_at, grant.reviewed_at)
        grant.save(update_fields=["reviewed_by", "reviewed_at", "review_outcome", "review_note", "expires_at"])
        audit_record(
            actor=manager,
            kind=AuditKind.BREAK_GLASS_REVIEWED,
            child_id=grant.child_id,
            object_type="break_glass_grant",
            object_id=str(grant.pk),
            reason=note.strip(),
            payload={"outcome": outcome},
        )
    return grant
