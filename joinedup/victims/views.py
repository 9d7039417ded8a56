from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_get
from joinedup.concerns.models import Concern
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import Investigation


@login_required
def child_victim_care(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """The crimes against the child and their care as a victim; the police and the coordinator record one here."""
    user = request.user
    child = child_get(user=user, child_id=child_id, reason="Viewed the child's victim care")
    can_record = policy.can_record_victim_care(user, child)
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    concerns = Concern.objects.filter(child=child, entered_in_error=False).order_by("-occurred_at")
    form = forms.InvestigationForm(request.POST or None, concerns=concerns)
    recorded: list[Investigation] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form, lambda: recorded.append(services.investigation_record(user=user, child=child, **form.cleaned_data))
        )
    ):
        messages.success(request, "The crime is recorded. The child's needs assessment is due in two working days.")
        return redirect("victims:investigation", investigation_id=recorded[0].pk)
    return render(
        request,
        "victims/child.html",
        {
            "child": child,
            "investigations": selectors.investigations_for(user=user, child=child),
            "form": form if can_record else None,
        },
    )


@login_required
def investigation(request: AuthenticatedHttpRequest, investigation_id: UUID) -> HttpResponse:
    """One crime against the child: the needs assessment, support offered, contact kept, the child's view on a
    prosecution and the outcome."""
    user = request.user
    found = selectors.investigation_get(user=user, investigation_id=investigation_id)
    return render(
        request,
        "victims/investigation.html",
        {
            "investigation": found,
            "child": found.child,
            "can_record": policy.can_record_victim_care(user, found.child),
        },
    )


STEPS: dict[str, tuple[type[Form], str]] = {
    "needs": (forms.NeedsAssessmentForm, "Record the child's needs assessment"),
    "support": (forms.SupportOfferForm, "Record support offered"),
    "contact": (forms.VictimContactForm, "Record contact kept with the child"),
    "prosecution": (forms.ProsecutionSupportForm, "Record whether the child supports a prosecution"),
    "outcome": (forms.OutcomeForm, "Record the investigation's outcome"),
}


@login_required
def investigation_step(request: AuthenticatedHttpRequest, investigation_id: UUID, step: str) -> HttpResponse:
    user = request.user
    found = selectors.investigation_get(
        user=user, investigation_id=investigation_id, reason=f"Recording victim care: {step}"
    )
    if not policy.can_record_victim_care(user, found.child):
        raise PermissionDenied
    form_class, title = STEPS[step]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions: dict[str, Callable[[], object]] = {
            "needs": lambda: services.needs_assessment_record(user=user, investigation=found, **data),
            "support": lambda: services.support_offer_record(user=user, investigation=found, **data),
            "contact": lambda: services.victim_contact_record(user=user, investigation=found, **data),
            "prosecution": lambda: services.prosecution_support_record(user=user, investigation=found, **data),
            "outcome": lambda: services.investigation_outcome_record(user=user, investigation=found, **data),
        }
        if form_save(form, actions[step]):
            messages.success(request, "Recorded.")
            return redirect("victims:investigation", investigation_id=found.pk)
    return render(request, "victims/step.html", {"form": form, "investigation": found, "title": title})
