"""Writes of the oversight app: the partnership's strategic goals (one door; policy and audit row together)."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record

from . import figures
from .models import Direction, Goal


def _check(numerator: str, denominator: str, target: Decimal) -> None:
    errors: dict[str, str] = {}
    if numerator not in figures.BY_KEY:
        errors["numerator"] = "Choose a figure the dashboard counts."
    if denominator and denominator not in figures.BY_KEY:
        errors["denominator"] = "Choose a figure the dashboard counts, or none."
    if denominator and denominator == numerator:
        errors["denominator"] = "Choose a different figure from the one counted."
    if target < 0 or (denominator and target > 100):
        errors["target"] = "A percentage target is between 0 and 100." if denominator else "A target is 0 or more."
    if errors:
        raise ValidationError(errors)


def goal_create(
    *,
    user: User,
    title: str,
    numerator: str,
    denominator: str,
    direction: str,
    target: Decimal,
    owner_agency: Agency,
    why: str = "",
) -> Goal:
    """Set a strategic goal; the audit trail keeps who set it, as an administration change."""
    if not policy.can_set_goals(user):
        raise PermissionDenied
    _check(numerator, denominator, target)
    with transaction.atomic():
        goal = Goal.objects.create(
            title=title.strip(),
            numerator=numerator,
            denominator=denominator,
            direction=Direction(direction),
            target=target,
            owner_agency=owner_agency,
            why=why.strip(),
            created_by=user,
        )
        audit_record(
            actor=user,
            kind=AuditKind.ADMIN_CHANGE,
            object_type="goal",
            object_id=str(goal.pk),
            reason=f"Set the strategic goal: {goal.title}",
            payload=_described(goal),
        )
    return goal


def goal_retire(*, user: User, goal: Goal, reason: str) -> Goal:
    """Retire a goal the partnership no longer pursues: it leaves the dashboard and is kept."""
    if not policy.can_set_goals(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why the goal is retired."})
    with transaction.atomic():
        goal.retired_at = timezone.now()
        goal.save(update_fields=["retired_at"])
        audit_record(
            actor=user,
            kind=AuditKind.ADMIN_CHANGE,
            object_type="goal",
            object_id=str(goal.pk),
            reason=f"Retired the strategic goal: {goal.title}. {reason.strip()}",
            payload=_described(goal),
        )
    return goal


def _described(goal: Goal) -> dict[str, Any]:
    return {
        "title": goal.title,
        "numerator": goal.numerator,
        "denominator": goal.denominator,
        "direction": goal.direction,
        "target": str(goal.target),
        "owner_agency": goal.owner_agency.code,
    }
