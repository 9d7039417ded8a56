"""The child's plans and closures, straight into the database (bypassing the services' checks)."""

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.children.models import Child, Involvement
from joinedup.plans.models import (
    Closure,
    ClosureOutcome,
    ClosureReason,
    Plan,
    PlanAction,
    PlanKind,
    PlanOutcome,
    PlanReview,
    SafetySection,
)


def plan_make(
    *, child: Child, lead: User, kind: str = "", safety: bool = False, reviewed: bool = False, **fields: object
) -> Plan:
    """A plan with one outcome and one action (and, when asked, a safety section and a review)."""
    assert lead.agency is not None
    started = timezone.localdate() - dt.timedelta(days=40)
    plan = Plan.objects.create(
        child=child,
        kind=kind or (PlanKind.EXPLOITATION_SAFETY if safety else PlanKind.CHILD_IN_NEED),
        lead_agency=lead.agency,
        lead_professional=lead,
        started_on=started,
        next_review_on=started + dt.timedelta(days=42),
        created_by=lead,
        **fields,  # type: ignore[misc]
    )
    PlanOutcome.objects.create(plan=plan, wording="I want to feel safe at home", written_by="Me", recorded_by=lead)
    PlanAction.objects.create(
        plan=plan,
        description="Refer to the youth club",
        owner=lead,
        due_on=started + dt.timedelta(days=14),
        recorded_by=lead,
    )
    if safety:
        SafetySection.objects.create(
            plan=plan,
            safe_adults="My nan",
            how_to_get_help="Ring my key worker",
            people_text="Older lads in the park",
            updated_by=lead,
        )
    if reviewed:
        PlanReview.objects.create(
            plan=plan,
            held_on=started + dt.timedelta(days=30),
            childs_views="It's going better",
            next_review_on=started + dt.timedelta(days=72),
            recorded_by=lead,
        )
    return plan


def closure_make(*, child: Child, agency: Agency, by: User) -> Closure:
    """An involvement of the agency that has ended, with its closure."""
    now = timezone.now()
    involvement = Involvement.objects.create(
        child=child,
        agency=agency,
        started_at=now - dt.timedelta(days=90),
        ended_at=now,
        ended_by=by,
        end_reason="The plan's outcomes were met",
    )
    return Closure.objects.create(
        child=child,
        involvement=involvement,
        reason=ClosureReason.OUTCOMES_MET,
        outcome=ClosureOutcome.ENDED,
        closed_on=timezone.localdate(),
        recorded_by=by,
    )
