"""Writes of the child's plans and of closures: permission, the write, the audit row and the work-list tasks in
one transaction.

A refused write raises ``PermissionDenied`` and writes nothing; a write the rules refuse (a date in the future, an
action for someone who cannot own it) raises ``ValidationError`` naming the field and writes nothing. Once every
agency's involvement with the child has closed, the record is read-only (``policy.record_is_closed``): every write
here is refused with ``RECORD_CLOSED``.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.answers import required_text
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children import services as children_services
from joinedup.children.models import Child, Involvement
from joinedup.concerns.models import AdultOfConcern
from joinedup.deadlines import london_date, london_day_ends, plan_review_due
from joinedup.frontdoor.models import ThresholdLevel
from joinedup.places.models import Place
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_close_for, task_open

from .models import (
    Closure,
    ClosureOutcome,
    ClosureReason,
    Plan,
    PlanAction,
    PlanKind,
    PlanOutcome,
    PlanReview,
    PlanStatus,
    SafetySection,
)

RECORD_CLOSED = (
    "This child's record is closed: every agency's involvement has ended, so it is kept read-only. "
    "An agency opens an involvement again to record about the child."
)


def _require_plan_writer(user: User, child: Child) -> None:
    if policy.can_view_child(user, child) and policy.record_is_closed(child):
        raise PermissionDenied(RECORD_CLOSED)
    if not policy.can_record_plan(user, child):
        raise PermissionDenied


def _require_active(plan: Plan) -> None:
    if not plan.is_active:
        raise ValidationError("This plan has ended.")


def _not_future(field: str, day: date) -> date:
    if day > london_date(timezone.now()):
        raise ValidationError({field: "The date must be today or in the past."})
    return day


def _audit(user: User, plan: Plan, kind: AuditKind, reason: str = "", **payload: str) -> None:
    audit_record(
        actor=user,
        kind=kind,
        child_id=plan.child_id,
        object_type="plan",
        object_id=str(plan.pk),
        reason=reason,
        payload=payload,
    )


def _plan_link(plan: Plan) -> str:
    return reverse("plans:detail", args=[plan.pk])


def _review_task_open(user: User, plan: Plan) -> None:
    assert plan.next_review_on is not None  # noqa: S101 - set just before
    task_open(
        actor=user,
        kind=TaskKind.PLAN_REVIEW,
        source_id=str(plan.pk),
        title=f"Review the {plan.get_kind_display().lower()}",
        link=_plan_link(plan),
        due_at=london_day_ends(plan.next_review_on),
        child=plan.child,
        owner=plan.lead_professional,
    )


def _check_owner(field: str, owner: User, child: Child) -> None:
    if not policy.can_own_plan_action(owner, child):
        raise ValidationError({field: "Choose someone who does the work and may see the child's record."})


def plan_start(
    *,
    user: User,
    child: Child,
    kind: str,
    lead_professional: User,
    started_on: date,
    review_every_weeks: int | None = None,
) -> Plan:
    """Start a plan for the child, led by the user's agency; its first review goes on the lead professional's
    work list, due as ``deadlines.plan_review_due`` says for its kind."""
    _require_plan_writer(user, child)
    if user.agency is None:
        raise PermissionDenied
    if kind not in PlanKind.values:
        raise ValidationError({"kind": "Choose the kind of plan."})
    _not_future("started_on", started_on)
    _check_owner("lead_professional", lead_professional, child)
    with transaction.atomic():
        plan = Plan.objects.create(
            child=child,
            kind=kind,
            lead_agency=user.agency,
            lead_professional=lead_professional,
            started_on=started_on,
            review_every_weeks=review_every_weeks or None,
            next_review_on=plan_review_due(
                kind, started_on=started_on, last_review_on=None, reviews_held=0, every_weeks=review_every_weeks
            ),
            created_by=user,
        )
        _audit(user, plan, AuditKind.PLAN_STARTED, plan_kind=kind, next_review_on=str(plan.next_review_on))
        _review_task_open(user, plan)
    return plan


def plan_outcome_add(*, user: User, plan: Plan, wording: str, written_by: str) -> PlanOutcome:
    """Add an outcome the plan works towards, in the child's words where they gave them."""
    _require_plan_writer(user, plan.child)
    _require_active(plan)
    wording = required_text("wording", wording, "Enter the outcome, in the child's words where possible.")
    written_by = required_text("written_by", written_by, "Say who wrote or said it.")
    with transaction.atomic():
        outcome = PlanOutcome.objects.create(plan=plan, wording=wording, written_by=written_by, recorded_by=user)
        _audit(user, plan, AuditKind.PLAN_CHANGED, reason="Added an outcome", outcome=str(outcome.pk))
    return outcome


def plan_action_add(*, user: User, plan: Plan, description: str, owner: User, due_on: date) -> PlanAction:
    """Add an action: it goes on its owner's work list, due at the end of its day (UK time)."""
    _require_plan_writer(user, plan.child)
    _require_active(plan)
    description = required_text("description", description, "Enter what is to be done.")
    _check_owner("owner", owner, plan.child)
    with transaction.atomic():
        action = PlanAction.objects.create(
            plan=plan, description=description, owner=owner, due_on=due_on, recorded_by=user
        )
        _audit(user, plan, AuditKind.PLAN_CHANGED, reason="Added an action", action=str(action.pk))
        task_open(
            actor=user,
            kind=TaskKind.PLAN_ACTION,
            source_id=str(action.pk),
            title=description,
            link=_plan_link(plan),
            due_at=london_day_ends(due_on),
            child=plan.child,
            owner=owner,
            completes_here=True,
        )
    return action


def _action_mark_done(user: User, action: PlanAction) -> None:
    action.done_at, action.done_by = timezone.now(), user
    action.save(update_fields=["done_at", "done_by"])
    _audit(user, action.plan, AuditKind.PLAN_ACTION_DONE, action=str(action.pk))


def plan_action_complete(*, user: User, action: PlanAction) -> PlanAction:
    """Mark an action done from the plan's page: its task leaves the work list."""
    _require_plan_writer(user, action.plan.child)
    if action.is_done:
        raise ValidationError("This action is already done.")
    with transaction.atomic():
        _action_mark_done(user, action)
        task_close_for(actor=user, kind=TaskKind.PLAN_ACTION, source_id=str(action.pk))
    return action


def plan_action_completed_on_work_list(task: Task, user: User) -> None:
    """The tasks service's hook: the action's task was marked done on the work list (its permission checked)."""
    action = PlanAction.objects.select_related("plan__child").filter(pk=task.source_id).first()
    if action is None or action.is_done:
        return
    if policy.record_is_closed(action.plan.child):
        raise PermissionDenied(RECORD_CLOSED)
    _action_mark_done(user, action)


def plan_action_reassigned_on_work_list(task: Task, user: User) -> None:
    """The tasks service's hook: the action follows its task to a new person (a team alone keeps the owner)."""
    if task.owner is None:
        return
    action = PlanAction.objects.select_related("plan").filter(pk=task.source_id).first()
    if action is None:
        return
    if not policy.can_own_plan_action(task.owner, action.plan.child):
        raise ValidationError({"owner": "Choose someone who does the work and may see the child's record."})
    action.owner = task.owner
    action.save(update_fields=["owner"])


def safety_section_save(
    *,
    user: User,
    plan: Plan,
    safe_adults: str,
    how_to_get_help: str,
    places: list[Place] | None = None,
    places_text: str = "",
    adults: list[AdultOfConcern] | None = None,
    people_text: str = "",
) -> SafetySection:
    """Write an exploitation safety plan's safety section (a later save replaces the earlier one)."""
    _require_plan_writer(user, plan.child)
    _require_active(plan)
    if not plan.is_safety_plan:
        raise ValidationError("Only an exploitation safety plan has a safety section.")
    safe_adults = required_text("safe_adults", safe_adults, "Enter the safe adults, as the child names them.")
    how_to_get_help = required_text("how_to_get_help", how_to_get_help, "Enter how the child gets help.")
    allowed_adults = set(
        AdultOfConcern.objects.filter(concerns__child=plan.child).values_list("pk", flat=True).distinct()
    )
    if any(adult.pk not in allowed_adults for adult in adults or []):
        raise ValidationError({"adults": "Choose adults of concern linked to this child's concerns."})
    with transaction.atomic():
        section, _ = SafetySection.objects.update_or_create(
            plan=plan,
            defaults={
                "safe_adults": safe_adults,
                "how_to_get_help": how_to_get_help,
                "places_text": places_text.strip(),
                "people_text": people_text.strip(),
                "updated_by": user,
                "updated_at": timezone.now(),
            },
        )
        section.places.set(places or [])
        section.adults.set(adults or [])
        _audit(user, plan, AuditKind.PLAN_CHANGED, reason="Wrote the safety section")
    return section


def plan_review_record(
    *, user: User, plan: Plan, held_on: date, childs_views: str, what_changed: str = ""
) -> PlanReview:
    """Record a review with the child's views; the next review is worked out and goes on the lead professional's
    work list in place of this one."""
    _require_plan_writer(user, plan.child)
    _require_active(plan)
    _not_future("held_on", held_on)
    if held_on < plan.started_on:
        raise ValidationError({"held_on": "The review cannot be before the plan started."})
    childs_views = required_text("childs_views", childs_views, "Enter the child's views, in their words.")
    with transaction.atomic():
        held = plan.reviews.count()
        next_on = plan_review_due(
            plan.kind,
            started_on=plan.started_on,
            last_review_on=held_on,
            reviews_held=held + 1,
            every_weeks=plan.review_every_weeks,
        )
        review = PlanReview.objects.create(
            plan=plan,
            held_on=held_on,
            childs_views=childs_views,
            what_changed=what_changed.strip(),
            next_review_on=next_on,
            recorded_by=user,
        )
        plan.next_review_on = next_on
        plan.save(update_fields=["next_review_on"])
        _audit(user, plan, AuditKind.PLAN_REVIEWED, held_on=held_on.isoformat(), next_review_on=next_on.isoformat())
        _review_task_open(user, plan)
    return review


def _plan_close(user: User, plan: Plan, ended_on: date, reason: str) -> None:
    plan.status, plan.ended_on, plan.end_reason, plan.next_review_on = PlanStatus.ENDED, ended_on, reason, None
    plan.save(update_fields=["status", "ended_on", "end_reason", "next_review_on"])
    task_close_for(actor=user, kind=TaskKind.PLAN_REVIEW, source_id=str(plan.pk))
    for action_id in plan.actions.filter(done_at__isnull=True).values_list("pk", flat=True):
        task_close_for(actor=user, kind=TaskKind.PLAN_ACTION, source_id=str(action_id))
    _audit(user, plan, AuditKind.PLAN_ENDED, reason=reason, ended_on=ended_on.isoformat())


def plan_end(*, user: User, plan: Plan, ended_on: date, reason: str) -> Plan:
    """End a plan: its review and its open actions leave the work lists; the plan stays on the record."""
    _require_plan_writer(user, plan.child)
    _require_active(plan)
    _not_future("ended_on", ended_on)
    if ended_on < plan.started_on:
        raise ValidationError({"ended_on": "The plan cannot end before it started."})
    reason = required_text("reason", reason, "Enter why the plan is ending.")
    with transaction.atomic():
        _plan_close(user, plan, ended_on, reason)
    return plan


def involvement_close(
    *,
    user: User,
    involvement: Involvement,
    reason: str,
    outcome: str,
    closed_on: date,
    note: str = "",
    step_down_level: ThresholdLevel | None = None,
    step_down_agency: Agency | None = None,
    step_down_service: str = "",
) -> Closure:
    """Close an agency's involvement with a reason and an outcome.

    A step-down names the level of need the child steps down to and may name the agency (and service) that takes
    over: that agency's involvement is opened first (through the children app's service), so the child stays on
    the active lists. Then the involvement is ended by the children app's service. When none is left open, the
    record is closed: the child's active plans end, their tasks leave the work lists, and the record is read-only.
    """
    child = involvement.child
    if not policy.can_end_involvement(user, child, involvement.agency_id):
        raise PermissionDenied
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": "Choose why the involvement is closing."})
    if outcome not in ClosureOutcome.values:
        raise ValidationError({"outcome": "Choose the outcome: stepped down or ended."})
    if outcome == ClosureOutcome.STEP_DOWN and step_down_level is None:
        raise ValidationError({"step_down_level": "Choose the level of need the child steps down to."})
    if outcome == ClosureOutcome.ENDED and (step_down_level or step_down_agency):
        raise ValidationError({"outcome": "An ending steps down to no level or agency; choose step down instead."})
    if reason == ClosureReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why the involvement is closing."})
    if step_down_agency is not None and step_down_agency.pk == involvement.agency_id:
        raise ValidationError({"step_down_agency": "Choose another agency, or leave it blank."})
    if step_down_agency is not None and not policy.can_open_involvement(user, child, step_down_agency.pk):
        raise ValidationError(
            {"step_down_agency": "Only the coordinator opens another agency's involvement; leave it blank."}
        )
    label = ClosureReason(reason).label
    why = f"{label}. {note.strip()}" if note.strip() else label
    with transaction.atomic():
        if step_down_agency is not None:
            children_services.involvement_open(
                user=user,
                child=child,
                agency=step_down_agency,
                service=step_down_service.strip(),
                reason=f"Stepped down from {involvement.agency.name}"
                + (f" to {step_down_level.name}" if step_down_level else ""),
            )
        children_services.involvement_end(user=user, involvement=involvement, reason=why, ended_on=closed_on)
        closed = not child.involvements.filter(ended_at__isnull=True).exists()
        closure = Closure.objects.create(
            child=child,
            involvement=involvement,
            reason=reason,
            outcome=outcome,
            step_down_level=step_down_level,
            step_down_agency=step_down_agency,
            step_down_service=step_down_service.strip(),
            note=note.strip(),
            closed_on=closed_on,
            record_closed=closed,
            recorded_by=user,
        )
        ended: list[str] = []
        if closed:
            for plan in Plan.objects.filter(child=child, status=PlanStatus.ACTIVE):
                _plan_close(user, plan, closed_on, f"The case closed: {why}")
                ended.append(str(plan.pk))
        audit_record(
            actor=user,
            kind=AuditKind.INVOLVEMENT_CLOSED,
            child_id=child.pk,
            object_type="involvement",
            object_id=str(involvement.pk),
            reason=why,
            payload={
                "outcome": outcome,
                "step_down_level": step_down_level.name if step_down_level else "",
                "step_down_agency": step_down_agency.code if step_down_agency else "",
                "record_closed": closed,
                "plans_ended": ended,
            },
        )
    return closure
