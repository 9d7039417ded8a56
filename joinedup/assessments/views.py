from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_find
from joinedup.web.forms import formula_refusals

from . import selectors, services
from .models import Band, IndicatorKind


@login_required
@require_POST
def assessment_start(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = child_find(user=request.user, child_id=child_id)
    if not policy.can_record_about_child(request.user, child):
        raise PermissionDenied
    assessment = services.risk_assessment_start(user=request.user, child=child)
    return redirect("assessments:edit", assessment_id=assessment.pk)


# Each kind of indicator heads its group in the plural.
_GROUP_HEADINGS = {
    IndicatorKind.VULNERABILITY: "Vulnerabilities",
    IndicatorKind.MODERATE: "Moderate indicators",
    IndicatorKind.SIGNIFICANT: "Significant indicators",
}


def _indicator_groups(assessment, chosen):  # type: ignore[no-untyped-def]
    groups = []
    for kind in IndicatorKind:
        items = [
            (indicator, indicator.code in chosen, chosen.get(indicator.code, ""))
            for indicator in assessment.catalogue.indicators.filter(kind=kind)
        ]
        groups.append((_GROUP_HEADINGS.get(kind, kind.label), items))
    return groups


@login_required
def assessment_edit(request: AuthenticatedHttpRequest, assessment_id: UUID) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id, reason="Assessing risk")
    if not policy.can_change_draft(request.user, assessment.child, assessment.owning_agency_id):
        raise PermissionDenied
    if assessment.completed_at is not None:
        return redirect("assessments:detail", assessment_id=assessment.pk)
    errors: dict[str, list[str]] = {}
    chosen = {s.indicator.code: s.evidence for s in assessment.selections.select_related("indicator")}
    values = {name: getattr(assessment, name) for name in services.REQUIRED_SECTIONS}
    judged_band, override_reason = "", ""
    if request.method == "POST":
        chosen = {code: request.POST.get(f"evidence-{code}", "") for code in request.POST.getlist("indicators")}
        values = {name: request.POST.get(name, "") for name in services.REQUIRED_SECTIONS}
        judged_band = request.POST.get("judged_band", "")
        override_reason = request.POST.get("override_reason", "")
        refused = formula_refusals({**values, "override_reason": override_reason})
        refused |= {f"evidence-{code}": message for code, message in formula_refusals(dict(chosen)).items()}
        if refused:
            errors = {name: [message] for name, message in refused.items()}
    if request.method == "POST" and not errors:
        try:
            services.risk_assessment_update(user=request.user, assessment=assessment, evidence_by_code=chosen, **values)
            if request.POST.get("action") == "complete":
                services.risk_assessment_complete(
                    user=request.user, assessment=assessment, judged_band=judged_band, override_reason=override_reason
                )
                return redirect("assessments:detail", assessment_id=assessment.pk)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return render(
        request,
        "assessments/edit.html",
        {
            "assessment": assessment,
            "child": assessment.child,
            "groups": _indicator_groups(assessment, chosen),
            "sections": [
                (name, RiskAssessmentLabels[name], values[name], errors.get(name, []))
                for name in services.REQUIRED_SECTIONS
            ],
            "bands": Band.choices,
            "judged_band": judged_band,
            "override_reason": override_reason,
            "errors": errors,
            "error_list": [message for messages in errors.values() for message in messages],
        },
        status=200,
    )


RiskAssessmentLabels = {
    "childs_views": "The child's views, in their own words",
    "family_views": "The family's or carer's views",
    "day_to_day": "The child's day-to-day experiences",
    "wider_needs": "Wider needs and experiences outside the home",
}


@login_required
def assessment_detail(request: AuthenticatedHttpRequest, assessment_id: UUID) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, assessment_id=assessment_id)
    selections = assessment.selections.select_related("indicator").order_by("indicator__kind", "indicator__code")
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "child": assessment.child,
            "selections": selections,
            "sections": [(RiskAssessmentLabels[n], getattr(assessment, n)) for n in services.REQUIRED_SECTIONS],
            "can_record": policy.can_change_draft(request.user, assessment.child, assessment.owning_agency_id),
        },
    )
