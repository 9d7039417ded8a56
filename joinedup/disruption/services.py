"""Writes about adults of concern and their disruption: permission, write and audit in one transaction."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern

from . import permissions
from .models import DisruptionAction, Tactic


def adult_of_concern_record(
    *, user: User, name: str, other_names: str = "", date_of_birth: date | None = None, description: str = ""
) -> AdultOfConcern:
    if not permissions.can_record_adults(user) or user.agency is None:
        raise PermissionDenied
    if not name.strip():
        raise ValidationError({"name": "Enter the adult's name."})
    if date_of_birth is not None and date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": "The date of birth must be in the past."})
    with transaction.atomic():
        adult = AdultOfConcern.objects.create(
            name=name.strip(),
            other_names=other_names.strip(),
            date_of_birth=date_of_birth,
            description=description.strip(),
            owning_agency=user.agency,
        )
        audit_record(
            actor=user,
            kind=AuditKind.ADULT_OF_CONCERN_RECORDED,
            object_type="adult_of_concern",
            object_id=str(adult.pk),
        )
    return adult


def disruption_record(
    *,
    user: User,
    adult: AdultOfConcern,
    tactic: str,
    taken_on: date,
    outcome: str,
    children: Iterable[Child] = (),
) -> DisruptionAction:
    """Record a disruption tactic used against an adult; no child need be linked or engage."""
    if not permissions.can_record_disruption(user) or user.agency is None:
        raise PermissionDenied
    if tactic not in Tactic.values:
        raise ValidationError({"tactic": "Choose the tactic used."})
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": "The date must be today or in the past."})
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter the outcome, even if it is not known yet."})
    linked = list(children)
    if any(not policy.can_view_child(user, child) for child in linked):
        raise ValidationError({"children": "No child found with that reference."})
    with transaction.atomic():
        action = DisruptionAction.objects.create(
            adult=adult,
            tactic=tactic,
            taken_on=taken_on,
            outcome=outcome.strip(),
            owning_agency=user.agency,
            recorded_by=user,
        )
        action.children.set(linked)
        audit_record(
            actor=user,
            kind=AuditKind.DISRUPTION_RECORDED,
            object_type="disruption",
            object_id=str(action.pk),
            payload={"adult": str(adult.pk), "tactic": tactic, "children": len(linked)},
        )
        if linked:
            audit_record_children(
                actor=user,
                kind=AuditKind.DISRUPTION_RECORDED,
                child_ids=[child.pk for child in linked],
                reason=f"Linked to disruption of {adult}",
            )
    return action
