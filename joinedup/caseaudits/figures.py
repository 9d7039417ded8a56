"""The oversight dashboard's figures for case audits (registered in ``apps.ready``).

Like every figure, each is one query over the children the viewer may see (``children_in_scope``): its count is
the query's ``count()`` and its list the query's rows.
"""

from django.db.models import QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.deadlines import london_date
from joinedup.oversight.figures import Column, Figure, Filters, children_in_scope

from .models import AuditAction, CaseAudit

SECTION = "Case audits"


def _completed(user: User, filters: Filters) -> QuerySet[CaseAudit]:
    return (
        CaseAudit.objects.filter(
            child__in=children_in_scope(user, filters).values("pk"),
            completed_at__gte=filters.start_at,
            completed_at__lt=filters.end_before,
        )
        .select_related("child", "round")
        .order_by("-completed_at", "pk")
    )


def _actions_overdue(user: User, filters: Filters) -> QuerySet[AuditAction]:
    return (
        AuditAction.objects.filter(
            audit__child__in=children_in_scope(user, filters).values("pk"),
            done_at__isnull=True,
            due__lt=london_date(timezone.now()),
        )
        .select_related("audit__child", "audit__round", "owner_agency")
        .order_by("due", "pk")
    )


def _audit_child(audit: CaseAudit) -> Child:
    return audit.child


def _action_child(action: AuditAction) -> Child:
    return action.audit.child


FIGURES: tuple[Figure, ...] = (
    Figure(
        "case-audits-completed",
        SECTION,
        "Case audits completed",
        "case audits",
        _completed,
        (
            Column("Child", lambda a: a.child.full_name),
            Column("Round", lambda a: a.round.theme),
            Column("Completed", lambda a: dates.day(a.completed_at)),
            Column("Overall grade", lambda a: a.get_overall_grade_display()),
        ),
        _audit_child,
        hint="Completed in the period.",
    ),
    Figure(
        "case-audit-actions-overdue",
        SECTION,
        "Case audit actions overdue",
        "actions",
        _actions_overdue,
        (
            Column("Child", lambda a: a.audit.child.full_name),
            Column("Action", lambda a: a.what),
            Column("Owner", lambda a: a.owner_agency.name),
            Column("Due", lambda a: dates.day(a.due)),
        ),
        _action_child,
        hint="Not done and past their date now, whenever the audit was.",
    ),
)
