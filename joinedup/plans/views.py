from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.models import Child
from joinedup.children.selectors import child_find, child_get
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import Plan
from .templatetags.plans import voice_summary_available


def _refused_as_closed(request: AuthenticatedHttpRequest, child: Child) -> bool:
    """A write to a closed record is refused with the reason (the user may see the record, so may be told)."""
    if policy.record_is_closed(child):
        messages.error(request, services.RECORD_CLOSED)
        return True
    return False


@login_required
def child_plans(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """The child's plans and the closures of agencies' involvements."""
    user = request.user
    child = child_get(user=user, child_id=child_id, reason="Viewed the child's plans")
    return render(
        request,
        "plans/child.html",
        {
            "child": child,
            "plans": selectors.plans_for(user=user, child=child),
            "closures": selectors.closures_for(user=user, child=child),
            "can_record": policy.can_record_plan(user, child),
            "closed": policy.record_is_closed(child),
        },
    )


@login_required
def plan_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = child_find(user=user, child_id=child_id)
    if _refused_as_closed(request, child):
        return redirect("plans:child", child_id=child.pk)
    if not policy.can_record_plan(user, child):
        raise PermissionDenied
    child = child_get(user=user, child_id=child.pk, reason="Starting a plan for the child")
    form = forms.PlanForm(request.POST or None, child=child)
    started: list[Plan] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: started.append(services.plan_start(user=user, child=child, **form.cleaned_data)))
    ):
        messages.success(request, "The plan is started. Its first review is on the lead professional's work list.")
        return redirect("plans:detail", plan_id=started[0].pk)
    return render(request, "plans/form.html", {"form": form, "child": child, "plan": None, "title": "Start a plan"})


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_id: UUID) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "child": plan.child,
            "can_record": plan.is_active and policy.can_record_plan(user, plan.child),
            "closed": policy.record_is_closed(plan.child),
            "has_voice": voice_summary_available(),
            **selectors.plan_detail(plan=plan),
        },
    )


STEPS: dict[str, tuple[type[Form], str]] = {
    "outcome": (forms.OutcomeForm, "Add an outcome"),
    "action": (forms.ActionForm, "Add an action"),
    "safety": (forms.SafetyForm, "Write the safety section"),
    "review": (forms.ReviewForm, "Record a review"),
    "end": (forms.EndForm, "End the plan"),
}


def _step_form(step: str, plan: Plan, data: Any, user: User) -> Form:
    form_class, _ = STEPS[step]
    if step == "action":
        return form_class(data, child=plan.child)  # type: ignore[call-arg]
    if step == "safety":
        safety = getattr(plan, "safety", None)
        initial = (
            {
                "places": list(safety.places.all()),
                "places_text": safety.places_text,
                "adults": list(safety.adults.all()),
                "people_text": safety.people_text,
                "safe_adults": safety.safe_adults,
                "how_to_get_help": safety.how_to_get_help,
            }
            if safety
            else None
        )
        return form_class(data, child=plan.child, initial=initial)  # type: ignore[call-arg]
    return form_class(data)


@login_required
def plan_step(request: AuthenticatedHttpRequest, plan_id: UUID, step: str) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id, reason=f"Recording in the child's plan: {step}")
    if _refused_as_closed(request, plan.child):
        return redirect("plans:detail", plan_id=plan.pk)
    if not policy.can_record_plan(user, plan.child):
        raise PermissionDenied
    if not plan.is_active:
        messages.error(request, "This plan has ended.")
        return redirect("plans:detail", plan_id=plan.pk)
    if step == "safety" and not plan.is_safety_plan:
        return redirect("plans:detail", plan_id=plan.pk)
    form = _step_form(step, plan, request.POST or None, user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions: dict[str, Callable[[], object]] = {
            "outcome": lambda: services.plan_outcome_add(user=user, plan=plan, **data),
            "action": lambda: services.plan_action_add(user=user, plan=plan, **data),
            "safety": lambda: services.safety_section_save(
                user=user,
                plan=plan,
                safe_adults=data["safe_adults"],
                how_to_get_help=data["how_to_get_help"],
                places=list(data["places"]),
                places_text=data["places_text"],
                adults=list(data["adults"]),
                people_text=data["people_text"],
            ),
            "review": lambda: services.plan_review_record(user=user, plan=plan, **data),
            "end": lambda: services.plan_end(user=user, plan=plan, **data),
        }
        if form_save(form, actions[step]):
            messages.success(request, "Recorded.")
            return redirect("plans:detail", plan_id=plan.pk)
    _, title = STEPS[step]
    return render(request, "plans/form.html", {"form": form, "child": plan.child, "plan": plan, "title": title})


@login_required
def action_done(request: AuthenticatedHttpRequest, plan_id: UUID, action_id: UUID) -> HttpResponse:
    user = request.user
    plan = selectors.plan_get(user=user, plan_id=plan_id, reason="Marking an action in the child's plan done")
    action = get_object_or_404(plan.actions.all(), pk=action_id)
    if request.method != "POST":
        return redirect("plans:detail", plan_id=plan.pk)
    if _refused_as_closed(request, plan.child):
        return redirect("plans:detail", plan_id=plan.pk)
    if not policy.can_record_plan(user, plan.child):
        raise PermissionDenied
    action.plan = plan
    if form_save(Form(), lambda: services.plan_action_complete(user=user, action=action)):
        messages.success(request, "The action is done and has left the work list.")
    else:
        messages.error(request, "This action is already done.")
    return redirect("plans:detail", plan_id=plan.pk)


@login_required
def involvement_close(request: AuthenticatedHttpRequest, child_id: UUID, involvement_id: int) -> HttpResponse:
    """Close an agency's involvement with a reason and an outcome (step-down or ending)."""
    user = request.user
    child = child_find(user=user, child_id=child_id)
    involvement = get_object_or_404(
        child.involvements.select_related("agency"), pk=involvement_id, ended_at__isnull=True
    )
    if not policy.can_end_involvement(user, child, involvement.agency_id):
        raise PermissionDenied
    child = child_get(user=user, child_id=child.pk, reason="Closing an agency's involvement")
    involvement.child = child
    form = forms.CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: services.involvement_close(user=user, involvement=involvement, **form.cleaned_data))
    ):
        if policy.can_view_child(user, child):
            messages.success(request, f"{involvement.agency.name}'s involvement is closed.")
            return redirect("children:detail", child_id=child.pk)
        messages.success(
            request, f"{involvement.agency.name}'s involvement is closed, so the record is no longer open to you."
        )
        return redirect("children:list")
    return render(
        request,
        "plans/close.html",
        {
            "form": form,
            "child": child,
            "involvement": involvement,
            "last_open": child.involvements.filter(ended_at__isnull=True).count() == 1,
        },
    )
