from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child, ItemCorrection, ItemKind
from joinedup.children.services import correction_require, item_correction_apply, item_entered_in_error_apply
from joinedup.places.models import Place
from joinedup.places.services import place_resolve

from .models import AdultOfConcern, Concern, ConcernCategory, HandlingCode, IntelligenceAssessment, SourceEvaluation


def grading_check(*, source_evaluation: str, intelligence_assessment: str, handling_code: str, conditions: str) -> None:
    """The 3x5x2 rules: all three parts or none; code C needs its conditions written down."""
    parts = [source_evaluation, intelligence_assessment, handling_code]
    if any(parts) and not all(parts):
        raise ValidationError("Give the whole grading: source (1-3), intelligence (A-E) and handling code (P or C).")
    if source_evaluation and source_evaluation not in SourceEvaluation.values:
        raise ValidationError({"source_evaluation": "Source evaluation is 1, 2 or 3."})
    if intelligence_assessment and intelligence_assessment not in IntelligenceAssessment.values:
        raise ValidationError({"intelligence_assessment": "Intelligence assessment is A, B, C, D or E."})
    if handling_code and handling_code not in HandlingCode.values:
        raise ValidationError({"handling_code": "The handling code is P or C."})
    if handling_code == HandlingCode.CONDITIONS and not conditions.strip():
        raise ValidationError({"handling_conditions": "Write the conditions that apply to a C handling code."})


def concern_record(
    *,
    user: User,
    child: Child,
    category: str,
    occurred_at: datetime,
    what_happened: str,
    from_community: bool = False,
    place_name: str = "",
    place_postcode: str = "",
    place: Place | None = None,
    adults: list[AdultOfConcern] | None = None,
    vehicles: str = "",
    phones: str = "",
    online_handles: str = "",
    source_evaluation: str = "",
    intelligence_assessment: str = "",
    handling_code: str = "",
    handling_conditions: str = "",
    condition_agencies: list[Agency] | None = None,
    sanitised_summary: str = "",
) -> Concern:
    """Record a concern about a child, with its intelligence grading where it has one. The place is the place record
    given, or the one its name and postcode resolve to (``places.services.place_resolve``)."""
    if not policy.can_record_about_child(user, child) or user.agency is None:
        raise PermissionDenied
    if category not in ConcernCategory.values:
        raise ValidationError({"category": "Choose the kind of concern."})
    if not what_happened.strip():
        raise ValidationError({"what_happened": "Enter what was seen or said."})
    if occurred_at > timezone.now():
        raise ValidationError({"occurred_at": "The time must be in the past."})
    grading_check(
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        conditions=handling_conditions,
    )
    if handling_code and not sanitised_summary.strip():
        raise ValidationError({"sanitised_summary": "Write a sanitised wording that can be shared more widely."})
    with transaction.atomic():
        if place is None and (place_name.strip() or place_postcode.strip()):
            place = place_resolve(actor=user, name=place_name, postcode=place_postcode)
        elif place is not None and not (place_name.strip() or place_postcode.strip()):
            place_name, place_postcode = place.name, place.postcode
        concern = Concern.objects.create(
            child=child,
            place=place,
            category=category,
            owning_agency=user.agency,
            recorded_by=user,
            occurred_at=occurred_at,
            what_happened=what_happened.strip(),
            from_community=from_community,
            place_name=place_name.strip(),
            place_postcode=place_postcode.strip().upper(),
            vehicles=vehicles.strip(),
            phones=phones.strip(),
            online_handles=online_handles.strip(),
            source_evaluation=source_evaluation,
            intelligence_assessment=intelligence_assessment,
            handling_code=handling_code,
            handling_conditions=handling_conditions.strip(),
            sanitised_summary=sanitised_summary.strip(),
        )
        concern.adults.set(adults or [])
        concern.condition_agencies.set(condition_agencies or [])
        audit_record(
            actor=user,
            kind=AuditKind.CONCERN_RECORDED,
            child_id=child.pk,
            object_type="concern",
            object_id=str(concern.pk),
            payload={"category": category, "grading": concern.grading},
        )
    return concern


CONCERN_EDITABLE = ("category", "occurred_at", "what_happened", "place_name", "place_postcode", "sanitised_summary")


def _concern_save(concern: Concern) -> Callable[[list[str]], None]:
    return lambda fields: concern.save(update_fields=fields)


def concern_correct(*, user: User, concern: Concern, changes: Mapping[str, Any], reason: str) -> ItemCorrection | None:
    """Correct a concern its agency recorded; the earlier version is kept. None when nothing changed."""
    reason = correction_require(
        user=user, child=concern.child, owning_agency_id=concern.owning_agency_id, item=concern, reason=reason
    )
    if "category" in changes and changes["category"] not in ConcernCategory.values:
        raise ValidationError({"category": "Choose the kind of concern."})
    if "what_happened" in changes and not str(changes["what_happened"]).strip():
        raise ValidationError({"what_happened": "Say what happened."})
    if "occurred_at" in changes and changes["occurred_at"] > timezone.now():
        raise ValidationError({"occurred_at": "When it happened must be in the past."})
    return item_correction_apply(
        user=user,
        child=concern.child,
        item=concern,
        item_kind=ItemKind.CONCERN,
        owning_agency_id=concern.owning_agency_id,
        changes=changes,
        editable=CONCERN_EDITABLE,
        reason=reason,
        save=_concern_save(concern),
    )


def concern_mark_in_error(*, user: User, concern: Concern, reason: str) -> ItemCorrection:
    """Take a concern off the child's pages as entered in error; it is kept, with why."""
    reason = correction_require(
        user=user, child=concern.child, owning_agency_id=concern.owning_agency_id, item=concern, reason=reason
    )
    return item_entered_in_error_apply(
        user=user,
        child=concern.child,
        item=concern,
        item_kind=ItemKind.CONCERN,
        owning_agency_id=concern.owning_agency_id,
        reason=reason,
        save=_concern_save(concern),
    )
