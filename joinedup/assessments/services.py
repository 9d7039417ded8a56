"""Writes of risk assessments: one model for every agency, with the child's voice required."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.deadlines import london_date, review_due

from . import scoring
from .models import AssessmentIndicator, Catalogue, RiskAssessment

REQUIRED_SECTIONS = {
    "childs_views": "Enter the child's views, in their own words",
    "family_views": "Enter the family's or carer's views",
    "day_to_day": "Enter the child's day-to-day experiences",
    "wider_needs": "Enter the child's wider needs and experiences outside the home",
}


def _audit(user: User, assessment: RiskAssessment, kind: AuditKind, **payload: object) -> None:
    audit_record(
        actor=user,
        kind=kind,
        child_id=assessment.child_id,
        object_type="risk_assessment",
        object_id=str(assessment.pk),
        payload={key: str(value) for key, value in payload.items()},
    )


def risk_assessment_start(*, user: User, child: Child) -> RiskAssessment:
    """Start an assessment on the current catalogue version."""
    if not policy.can_record_about_child(user, child) or user.agency is None:
        raise PermissionDenied
    catalogue = Catalogue.objects.filter(is_current=True).first()
    if catalogue is None:
        raise ValidationError("No risk model is published. Ask the administrator.")
    with transaction.atomic():
        assessment = RiskAssessment.objects.create(
            child=child, catalogue=catalogue, owning_agency=user.agency, assessor=user
        )
        _audit(user, assessment, AuditKind.ASSESSMENT_STARTED, catalogue=catalogue.version)
    return assessment


def _require_editable(user: User, assessment: RiskAssessment) -> None:
    if not policy.can_change_draft(user, assessment.child, assessment.owning_agency_id):
        raise PermissionDenied
    if assessment.completed_at is not None:
        raise ValidationError("This assessment is complete; start a new one to reassess.")


def risk_assessment_update(
    *, user: User, assessment: RiskAssessment, evidence_by_code: Mapping[str, str], **sections: str
) -> RiskAssessment:
    """Save the indicators found (with their evidence) and the four sections, scoring as it goes."""
    _require_editable(user, assessment)
    unknown = set(sections) - set(REQUIRED_SECTIONS)
    if unknown:
        raise ValueError(f"Unknown sections {sorted(unknown)}")
    indicators = {i.code: i for i in assessment.catalogue.indicators.all()}
    missing = sorted(set(evidence_by_code) - set(indicators))
    if missing:
        raise ValidationError(f"These indicators are not in version {assessment.catalogue.version}: {missing}")
    with transaction.atomic():
        assessment.selections.all().delete()
        AssessmentIndicator.objects.bulk_create(
            [
                AssessmentIndicator(assessment=assessment, indicator=indicators[code], evidence=evidence.strip())
                for code, evidence in evidence_by_code.items()
            ]
        )
        for name, value in sections.items():
            setattr(assessment, name, value.strip())
        assessment.score = scoring.score(indicators[code].weight for code in evidence_by_code)
        assessment.scored_band = scoring.band_for(assessment.score, assessment.catalogue.thresholds)
        assessment.save()
        _audit(user, assessment, AuditKind.ASSESSMENT_UPDATED, score=assessment.score)
    return assessment


def risk_assessment_complete(
    *, user: User, assessment: RiskAssessment, judged_band: str = "", override_reason: str = ""
) -> RiskAssessment:
    """Complete the assessment: every section written, and any change of band by judgement explained."""
    _require_editable(user, assessment)
    blank = {name: message for name, message in REQUIRED_SECTIONS.items() if not getattr(assessment, name).strip()}
    if blank:
        raise ValidationError(blank)
    scored = assessment.scored_band or scoring.band_for(assessment.score, assessment.catalogue.thresholds)
    band = judged_band or scored
    if band not in scoring.BAND_ORDER:
        raise ValidationError({"judged_band": "Choose a band."})
    if band != scored and not override_reason.strip():
        raise ValidationError({"override_reason": "Explain why your judgement differs from the scored band."})
    now = timezone.now()
    with transaction.atomic():
        assessment.scored_band = scored
        assessment.band = band
        assessment.override_reason = override_reason.strip() if band != scored else ""
        assessment.completed_at = now
        days = int(assessment.catalogue.review_days[band])
        assessment.review_due = review_due(london_date(now), days=days)
        assessment.save()
        _audit(user, assessment, AuditKind.ASSESSMENT_COMPLETED, band=band, scored_band=scored)
    return assessment
