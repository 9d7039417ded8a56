"""Writes of contact attempts: permission, the write and its audit row in one transaction."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child

from .models import ContactAttempt, ContactMethod, ContactOutcome


def contact_attempt_record(
    *, user: User, child: Child, attempted_at: datetime, method: str, outcome: str, note: str = ""
) -> ContactAttempt:
    """Record an attempt to reach a child, including one that did not succeed."""
    if not policy.can_record_about_child(user, child) or user.agency is None:
        raise PermissionDenied
    if method not in ContactMethod.values:
        raise ValidationError({"method": "Choose how you tried to make contact."})
    if outcome not in ContactOutcome.values:
        raise ValidationError({"outcome": "Choose what happened."})
    if attempted_at > timezone.now():
        raise ValidationError({"attempted_at": "The time must be in the past."})
    with transaction.atomic():
        attempt = ContactAttempt.objects.create(
            child=child,
            practitioner=user,
            agency=user.agency,
            attempted_at=attempted_at,
            method=method,
            outcome=outcome,
            note=note.strip(),
        )
        audit_record(
            actor=user,
            kind=AuditKind.CONTACT_ATTEMPT_RECORDED,
            child_id=child.pk,
            object_type="contact_attempt",
            object_id=str(attempt.pk),
            payload={"method": method, "outcome": outcome},
        )
    return attempt
