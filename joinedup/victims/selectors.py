"""Reads of victim care: only about children the user may see, each read audited.

The child's victim care page shows its investigations through the child fetched (and audited) by ``child_get``;
an investigation's own page is fetched, authorised and audited here in one call (``investigation_get``).
"""

from uuid import UUID

from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child

from .models import Investigation


def investigations_for(*, user: User, child: Child) -> list[Investigation]:
    """The crimes against a child the user may see, newest reported first."""
    if not policy.can_view_victim_care(user, child):
        return []
    return list(Investigation.objects.filter(child=child).select_related("owning_agency"))


def investigation_get(
    *, user: User, investigation_id: UUID, reason: str = "Viewed a child's victim care"
) -> Investigation:
    """One investigation, if the user may see its child (otherwise "not found", as for none); the read is audited."""
    investigation = (
        Investigation.objects.filter(child__in=policy.children_visible_to(user).values("pk"), pk=investigation_id)
        .select_related("child", "owning_agency", "concern", "recorded_by")
        .prefetch_related("needs_assessments__assessed_by", "support_offers__offered_by", "contacts__contacted_by")
        .first()
    )
    if investigation is None:
        raise Http404("No investigation found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=investigation.child_id,
        object_type="investigation",
        object_id=str(investigation.pk),
        reason=reason,
    )
    return investigation
