"""Reads of the child's plans and closures: each takes the user and returns only what they may see; the read of a
plan's page is audited as a read of the child's record."""

from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child

from .models import Closure, Plan, PlanAction


def _plans(child: Child) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(child=child)
        .select_related("lead_agency", "lead_professional")
        .prefetch_related(Prefetch("actions", PlanAction.objects.select_related("owner")), "outcomes")
    )


def plans_for(*, user: User, child: Child) -> list[Plan]:
    """The child's plans, active first, for a user who may see the child (the child's read is audited by the
    page that shows them); a fixed number of queries whatever the number of plans."""
    if not policy.can_view_child(user, child):
        return []
    return sorted(_plans(child), key=lambda plan: (not plan.is_active, -plan.started_on.toordinal()))


def closures_for(*, user: User, child: Child) -> list[Closure]:
    if not policy.can_view_child(user, child):
        return []
    return list(
        Closure.objects.filter(child=child).select_related(
            "involvement__agency", "step_down_level", "step_down_agency", "recorded_by"
        )
    )


def plan_get(*, user: User, plan_id: UUID, reason: str = "Viewed the child's plan") -> Plan:
    """The plan if the user may see its child ("not found" otherwise, as for no plan), its read audited."""
    plan = (
        Plan.objects.select_related("child", "lead_agency", "lead_professional", "child__owning_agency")
        .filter(pk=plan_id)
        .first()
    )
    if plan is None or not policy.can_view_child(user, plan.child):
        raise Http404("No plan found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=plan.child_id,
        object_type="plan",
        object_id=str(plan.pk),
        reason=reason,
    )
    return plan


def plan_detail(*, plan: Plan) -> dict[str, object]:
    """What the plan's page shows, read once each (the plan already fetched and audited)."""
    safety = getattr(plan, "safety", None) if plan.is_safety_plan else None
    return {
        "outcomes": list(plan.outcomes.select_related("recorded_by")),
        "actions": list(plan.actions.select_related("owner", "done_by")),
        "reviews": list(plan.reviews.select_related("recorded_by").order_by("-held_on")),
        "safety": safety,
        "safety_places": list(safety.places.all()) if safety else [],
        "safety_adults": list(safety.adults.all()) if safety else [],
    }
