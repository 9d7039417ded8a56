"""Writes of contact attempts: permission, the write and its audit row in one transaction."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child, ItemCorrection, ItemKind
from joinedup.children.services import correction_require, item_correction_apply, item_entered_in_error_apply

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


CONTACT_EDITABLE = ("attempted_at", "method", "outcome", "note")


def _attempt_save(attempt: ContactAttempt) -> Callable[[list[str]], None]:
    return lambda fields: attempt.save(update_fields=fields)


def contact_attempt_correct(
    *, user: User, attempt: ContactAttempt, changes: Mapping[str, Any], reason: str
) -> ItemCorrection | None:
    """Correct a contact attempt its agency recorded; the earlier version is kept. None when nothing changed."""
    reason = correction_require(
        user=user, child=attempt.child, owning_agency_id=attempt.agency_id, item=attempt, reason=reason
    )
    if "method" in changes and changes["method"] not in ContactMethod.values:
        raise ValidationError({"method": "Choose how the contact was tried."})
    if "outcome" in changes and changes["outcome"] not in ContactOutcome.values:
        raise ValidationError({"outcome": "Choose what happened."})
    if "attempted_at" in changes and changes["attempted_at"] > timezone.now():
        raise ValidationError({"attempted_at": "When it was tried must be in the past."})
    return item_correction_apply(
        user=user,
        child=attempt.child,
        item=attempt,
        item_kind=ItemKind.CONTACT_ATTEMPT,
        owning_agency_id=attempt.agency_id,
        changes=changes,
        editable=CONTACT_EDITABLE,
        reason=reason,
        save=_attempt_save(attempt),
    )


def contact_attempt_mark_in_error(*, user: User, attempt: ContactAttempt, reason: str) -> ItemCorrection:
    """Take a contact attempt off the child's pages as entered in error; it is kept, with why."""
    reason = correction_require(
        user=user, child=attempt.child, owning_agency_id=attempt.agency_id, item=attempt, reason=reason
    )
    return item_entered_in_error_apply(
        user=user,
        child=attempt.child,
        item=attempt,
        item_kind=ItemKind.CONTACT_ATTEMPT,
        owning_agency_id=attempt.agency_id,
        reason=reason,
        save=_attempt_save(attempt),
    )
