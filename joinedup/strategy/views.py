from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.children.selectors import child_find, child_get
from joinedup.frontdoor.models import Contact
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import EXPECTED_AGENCY_KINDS, NRMReferral, StrategyDiscussion


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _contact_of(child: Child, value: str | None) -> Contact | None:
    """The front-door contact the discussion follows, if the link names one about this child."""
    try:
        contact_id = UUID(str(value)) if value else None
    except ValueError:
        return None
    if contact_id is None:
        return None
    return Contact.objects.filter(pk=contact_id, child=child).first()


def _expected_rows() -> list[dict[str, Any]]:
    """A row offered for each agency expected at a strategy discussion (the first of each kind)."""
    rows = []
    for kind in EXPECTED_AGENCY_KINDS:
        agency = Agency.objects.filter(kind=kind).order_by("name").first()
        if agency is not None:
            rows.append({"agency": agency.pk})
    return rows


@login_required
def create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """Record a strategy discussion about a child; from a front-door contact routed here, its link fills in why."""
    user = request.user
    child = child_find(user=user, child_id=child_id)
    _require(policy.can_hold_strategy_discussion(user, child))
    child = child_get(user=user, child_id=child.pk, reason="Recording a strategy discussion")
    contact = _contact_of(
        child, request.POST.get("contact") if request.method == "POST" else request.GET.get("contact")
    )
    initial = {"why": contact.decision_reason} if contact is not None else {}
    data = request.POST if request.method == "POST" else None
    form = forms.DiscussionForm(data, initial=initial)
    participants = forms.ParticipantFormSet(data, prefix="participants", initial=_expected_rows())
    made: list[StrategyDiscussion] = []
    if request.method == "POST" and form.is_valid() and participants.is_valid():
        given = [
            services.ParticipantGiven(**row.cleaned_data)
            for row in participants
            if row.has_changed()
            and row.cleaned_data
            and (row.cleaned_data.get("person_name") or row.cleaned_data.get("user"))
        ]
        if form_save(
            form,
            lambda: made.append(
                services.discussion_record(
                    user=user, child=child, contact=contact, participants=given, **form.cleaned_data
                )
            ),
        ):
            messages.success(request, "The strategy discussion is recorded.")
            return redirect("strategy:discussion", discussion_id=made[0].pk)
    return render(
        request,
        "strategy/create.html",
        {"child": child, "contact": contact, "form": form, "participants": participants},
    )


def _discussion_page(request: AuthenticatedHttpRequest, discussion: StrategyDiscussion, **bound: Form) -> HttpResponse:
    user = request.user
    can_hold = policy.can_hold_strategy_discussion(user, discussion.child)
    shown = selectors.discussion_shown(discussion=discussion)
    steps: dict[str, Form | None] = {}
    if can_hold:
        steps["action"] = bound.get("action") or forms.ActionForm()
        if discussion.mace_proposed_at is None:
            steps["mace"] = bound.get("mace") or forms.MaceProposalForm()
        steps["disruption"] = bound.get("disruption") or forms.DisruptionPlanForm(
            initial={"plan": discussion.disruption_plan, "adult": discussion.disruption_adult_id}
        )
        if shown.enquiry is not None and not shown.enquiry.outcome:
            steps["outcome"] = bound.get("outcome") or forms.OutcomeForm()
    return render(
        request,
        "strategy/discussion.html",
        {
            "discussion": discussion,
            "child": discussion.child,
            "shown": shown,
            "steps": steps,
            "can_open_child": policy.can_view_child(user, discussion.child),
        },
    )


@login_required
def discussion(request: AuthenticatedHttpRequest, discussion_id: UUID) -> HttpResponse:
    """One strategy discussion: who took part and what was shared, the decision, actions, the section 47 enquiry's
    outcome; for exploitation, the MACE proposal and the disruption plan."""
    return _discussion_page(request, selectors.discussion_get(user=request.user, discussion_id=discussion_id))


STEPS: dict[str, tuple[type[Form], str]] = {
    "action": (forms.ActionForm, "The action is added to the owner's work list."),
    "mace": (forms.MaceProposalForm, "The child is proposed for the next MACE meeting."),
    "disruption": (forms.DisruptionPlanForm, "The disruption plan is recorded."),
    "outcome": (forms.OutcomeForm, "The enquiry's outcome is recorded."),
}


@login_required
def discussion_step(request: AuthenticatedHttpRequest, discussion_id: UUID, step: str) -> HttpResponse:
    """Add to a discussion: an action, the MACE proposal, the disruption plan, the enquiry's outcome (POST only)."""
    user = request.user
    found = selectors.discussion_get(user=user, discussion_id=discussion_id, reason=f"Strategy discussion: {step}")
    _require(policy.can_hold_strategy_discussion(user, found.child))
    if request.method != "POST":
        return redirect("strategy:discussion", discussion_id=found.pk)
    form_class, done = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        actions: dict[str, Callable[[], object]] = {
            "action": lambda: services.action_add(user=user, discussion=found, **data),
            "mace": lambda: services.mace_propose(user=user, discussion=found, **data),
            "disruption": lambda: services.disruption_plan_record(user=user, discussion=found, **data),
            "outcome": lambda: services.section47_outcome_record(user=user, enquiry=found.section47, **data),
        }
        if step == "outcome" and not hasattr(found, "section47"):
            form.add_error(None, "The discussion started no section 47 enquiry.")
        elif form_save(form, actions[step]):
            messages.success(request, done)
            return redirect("strategy:discussion", discussion_id=found.pk)
    return _discussion_page(request, found, **{step: form})


@login_required
def nrm_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """Record a referral to the National Referral Mechanism for a child."""
    user = request.user
    child = child_find(user=user, child_id=child_id)
    _require(policy.can_record_nrm(user, child))
    child = child_get(user=user, child_id=child.pk, reason="Recording an NRM referral")
    form = forms.NRMReferralForm(request.POST or None)
    made: list[NRMReferral] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form, lambda: made.append(services.nrm_referral_record(user=user, child=child, **form.cleaned_data))
        )
    ):
        messages.success(request, "The NRM referral is recorded.")
        return redirect("strategy:nrm", referral_id=made[0].pk)
    return render(request, "strategy/nrm_create.html", {"child": child, "form": form})


def _nrm_page(request: AuthenticatedHttpRequest, referral: NRMReferral, **bound: Form) -> HttpResponse:
    can_record = policy.can_record_nrm(request.user, referral.child)
    steps: dict[str, Form] = {}
    if can_record and not referral.reasonable_grounds:
        steps["reasonable"] = bound.get("reasonable") or forms.NRMDecisionForm()
    if can_record and referral.reasonable_grounds == "positive" and not referral.conclusive_grounds:
        steps["conclusive"] = bound.get("conclusive") or forms.NRMDecisionForm()
    return render(
        request,
        "strategy/nrm.html",
        {
            "referral": referral,
            "child": referral.child,
            "steps": steps,
            "can_open_child": policy.can_view_child(request.user, referral.child),
        },
    )


@login_required
def nrm(request: AuthenticatedHttpRequest, referral_id: UUID) -> HttpResponse:
    """One NRM referral with the competent authority's decisions."""
    return _nrm_page(request, selectors.nrm_referral_get(user=request.user, referral_id=referral_id))


@login_required
def nrm_decision(request: AuthenticatedHttpRequest, referral_id: UUID, stage: str) -> HttpResponse:
    """Record the reasonable grounds or the conclusive grounds decision (POST only)."""
    user = request.user
    found = selectors.nrm_referral_get(user=user, referral_id=referral_id, reason=f"Recording an NRM {stage} decision")
    _require(policy.can_record_nrm(user, found.child))
    if request.method != "POST":
        return redirect("strategy:nrm", referral_id=found.pk)
    form = forms.NRMDecisionForm(request.POST)
    if form.is_valid() and form_save(
        form, lambda: services.nrm_decision_record(user=user, referral=found, stage=stage, **form.cleaned_data)
    ):
        messages.success(request, "The decision is recorded.")
        return redirect("strategy:nrm", referral_id=found.pk)
    return _nrm_page(request, found, **{stage: form})
