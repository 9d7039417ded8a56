from datetime import timedelta
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.children.models import Child
from joinedup.children.selectors import child_get

from .models import RiskAssessment


def assessments_of(*, child: Child) -> QuerySet[RiskAssessment]:
    return child.risk_assessments.select_related("catalogue", "assessor", "owning_agency")


def assessment_get(*, user: User, assessment_id: UUID, reason: str = "Viewed a risk assessment") -> RiskAssessment:
    """Fetch and authorise through the child (the read is audited), or "not found": one query among the
    assessments of children the user may see, so a hidden one takes the same path and time as an absent one."""
    try:
        assessment = RiskAssessment.objects.select_related("catalogue", "child").get(
            pk=assessment_id, child__in=policy.children_visible_to(user)
        )
    except RiskAssessment.DoesNotExist:
        raise Http404("No assessment found") from None
    assessment.child = child_get(user=user, child_id=assessment.child_id, reason=reason)
    return assessment


def reviews_for_worklist(*, user: User) -> QuerySet[RiskAssessment]:
    """Completed assessments whose review is due in the next 14 days or overdue, and not yet superseded.

    The assessor's own, and for a manager their agency's; only children the user may see.
    """
    assessments = RiskAssessment.objects.filter(
        completed_at__isnull=False,
        review_due__lte=timezone.localdate() + timedelta(days=14),
        child__in=policy.children_visible_to(user),
    )
    if user.has_role(RoleCode.MANAGER) and user.agency_id is not None:
        assessments = assessments.filter(owning_agency=user.agency)
    else:
        assessments = assessments.filter(assessor=user)
    # Not superseded: no later assessment of the same child (one query, whatever the number of assessments).
    later = RiskAssessment.objects.filter(child=OuterRef("child"), started_at__gt=OuterRef("started_at"))
    return assessments.filter(~Exists(later)).select_related("child").order_by("review_due")
