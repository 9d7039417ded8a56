"""Writes of victim care: permission (the police and the coordinator), the write and its audit row in one
transaction.

A refused write raises ``PermissionDenied`` and writes nothing; a write the rules refuse (a time in the future,
an outcome that contradicts what the child said) raises ``ValidationError`` naming the field and writes nothing.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.answers import required_text
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.concerns.models import Concern
from joinedup.deadlines import LONDON, london_date, victim_needs_assessment_due

from .models import (
    CHARGE_OUTCOMES,
    NOT_SUPPORTED_OUTCOMES,
    SUPPORTED_OUTCOMES,
    ContactMethod,
    CrimeOutcome,
    Investigation,
    NeedsAssessment,
    ProsecutionSupport,
    SupportOffer,
    SupportResponse,
    SupportService,
    VictimContact,
)


def _past(field: str, at: datetime, after: datetime | None = None, what: str = "") -> datetime:
    if at > timezone.now():
        raise ValidationError({field: "The time must not be in the future."})
    if after is not None and at < after:
        raise ValidationError({field: f"The time cannot be before {what}."})
    return at


def _audit(user: User, investigation: Investigation, kind: AuditKind, **payload: str) -> None:
    audit_record(
        actor=user,
        kind=kind,
        child_id=investigation.child_id,
        object_type="investigation",
        object_id=str(investigation.pk),
        payload=payload,
    )


def _require(user: User, child: Child) -> None:
    if not policy.can_record_victim_care(user, child) or user.agency is None:
        raise PermissionDenied


def investigation_record(
    *,
    user: User,
    child: Child,
    crime_reference: str,
    offence: str,
    reported_at: datetime,
    concern: Concern | None = None,
) -> Investigation:
    """Record a crime against the child, reported to the police; the child's needs assessment is due two working
    days after the report (Victims' Code)."""
    _require(user, child)
    crime_reference = required_text("crime_reference", crime_reference, "Enter the crime reference.")
    offence = required_text("offence", offence, "Enter the offence.")
    _past("reported_at", reported_at)
    if concern is not None and concern.child_id != child.pk:
        raise ValidationError({"concern": "Choose one of this child's concerns."})
    assert user.agency is not None  # noqa: S101 (checked by _require)
    with transaction.atomic():
        if Investigation.objects.filter(owning_agency=user.agency, crime_reference=crime_reference).exists():
            raise ValidationError({"crime_reference": "Your agency has recorded this crime reference already."})
        investigation = Investigation.objects.create(
            child=child,
            concern=concern,
            owning_agency=user.agency,
            crime_reference=crime_reference,
            offence=offence,
            reported_at=reported_at,
            needs_due_before=datetime.combine(
                victim_needs_assessment_due(reported_at) + timedelta(days=1), time.min, tzinfo=LONDON
            ),
            recorded_by=user,
        )
        _audit(user, investigation, AuditKind.INVESTIGATION_RECORDED, needs_due=investigation.needs_due.isoformat())
    return investigation


def needs_assessment_record(
    *, user: User, investigation: Investigation, needs_found: str, assessed_at: datetime
) -> NeedsAssessment:
    """Record the child's needs assessment as a victim."""
    _require(user, investigation.child)
    needs_found = required_text(
        "needs_found", needs_found, "Enter the needs found, in the child's words where possible."
    )
    _past("assessed_at", assessed_at, investigation.reported_at, "the crime was reported")
    with transaction.atomic():
        assessment = NeedsAssessment.objects.create(
            investigation=investigation, assessed_at=assessed_at, needs_found=needs_found, assessed_by=user
        )
        _audit(user, investigation, AuditKind.VICTIM_NEEDS_ASSESSED, assessed_at=assessed_at.isoformat())
    return assessment


def support_offer_record(
    *, user: User, investigation: Investigation, service: str, offered_at: datetime, response: str, note: str = ""
) -> SupportOffer:
    """Record support offered to the child (a referral to a service) and their answer so far."""
    _require(user, investigation.child)
    if service not in SupportService.values:
        raise ValidationError({"service": "Choose the support offered."})
    if response not in SupportResponse.values:
        raise ValidationError({"response": "Choose the child's answer."})
    _past("offered_at", offered_at, investigation.reported_at, "the crime was reported")
    with transaction.atomic():
        offer = SupportOffer.objects.create(
            investigation=investigation,
            service=service,
            offered_at=offered_at,
            offered_by=user,
            response=response,
            note=note.strip(),
        )
        _audit(user, investigation, AuditKind.VICTIM_SUPPORT_OFFERED, service=service, response=response)
    return offer


def victim_contact_record(
    *, user: User, investigation: Investigation, contacted_at: datetime, method: str, update_given: str
) -> VictimContact:
    """Record a contact kept with the child and the update given: whatever the child decided about a prosecution."""
    _require(user, investigation.child)
    if method not in ContactMethod.values:
        raise ValidationError({"method": "Choose how the contact was made."})
    update_given = required_text("update_given", update_given, "Enter the update given to the child.")
    _past("contacted_at", contacted_at, investigation.reported_at, "the crime was reported")
    with transaction.atomic():
        contact = VictimContact.objects.create(
            investigation=investigation,
            contacted_at=contacted_at,
            contacted_by=user,
            method=method,
            update_given=update_given,
        )
        _audit(user, investigation, AuditKind.VICTIM_CONTACT_RECORDED, method=method)
    return contact


def prosecution_support_record(
    *, user: User, investigation: Investigation, supports_prosecution: str, asked_on: date
) -> Investigation:
    """Record whether the child supports a prosecution, and when they were asked (the audit trail keeps each
    answer). The child's care and the contact kept do not depend on it."""
    _require(user, investigation.child)
    if supports_prosecution not in ProsecutionSupport.values:
        raise ValidationError({"supports_prosecution": "Choose yes, no or not yet asked."})
    if asked_on > london_date(timezone.now()) or asked_on < london_date(investigation.reported_at):
        raise ValidationError({"asked_on": "The date must be after the crime was reported and not in the future."})
    with transaction.atomic():
        investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
        investigation.supports_prosecution = supports_prosecution
        investigation.supports_prosecution_on = asked_on
        investigation.save(update_fields=["supports_prosecution", "supports_prosecution_on"])
        _audit(
            user,
            investigation,
            AuditKind.PROSECUTION_SUPPORT_RECORDED,
            supports_prosecution=supports_prosecution,
            asked_on=asked_on.isoformat(),
        )
    return investigation


def investigation_outcome_record(
    *, user: User, investigation: Investigation, outcome: str, outcome_on: date, evidence_led: bool, note: str = ""
) -> Investigation:
    """Record how the investigation ended (a Home Office crime outcome), and whether a prosecution was pursued
    without the child's evidence (evidence-led: only with a charge or summons). An outcome of the child not
    supporting action (14, 16) cannot be recorded while the child is recorded as supporting a prosecution, nor 15
    while they are recorded as not supporting it: record what the child said first."""
    _require(user, investigation.child)
    if outcome not in CrimeOutcome.values:
        raise ValidationError({"outcome": "Choose the crime outcome."})
    if outcome_on > london_date(timezone.now()) or outcome_on < london_date(investigation.reported_at):
        raise ValidationError({"outcome_on": "The date must be after the crime was reported and not in the future."})
    if evidence_led and outcome not in CHARGE_OUTCOMES:
        raise ValidationError({"evidence_led": "An evidence-led prosecution is recorded with a charge or summons (1)."})
    with transaction.atomic():
        investigation = Investigation.objects.select_for_update().get(pk=investigation.pk)
        if not investigation.is_open:
            raise ValidationError("The outcome of this investigation is recorded already.")
        said = investigation.supports_prosecution
        if (outcome in NOT_SUPPORTED_OUTCOMES and said == ProsecutionSupport.YES) or (
            outcome in SUPPORTED_OUTCOMES and said == ProsecutionSupport.NO
        ):
            raise ValidationError(
                {"outcome": "This outcome contradicts what the child said about a prosecution: record that first."}
            )
        investigation.outcome, investigation.outcome_on = outcome, outcome_on
        investigation.evidence_led, investigation.outcome_note = evidence_led, note.strip()
        investigation.save(update_fields=["outcome", "outcome_on", "evidence_led", "outcome_note"])
        _audit(
            user,
            investigation,
            AuditKind.INVESTIGATION_OUTCOME_RECORDED,
            outcome=outcome,
            evidence_led="yes" if evidence_led else "no",
        )
    return investigation
