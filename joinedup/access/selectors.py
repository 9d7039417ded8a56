from django.db import transaction
from django.db.models import QuerySet

from joinedup.accounts.models import User
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.audit.services import audit_record

from .models import BreakGlassGrant

SEEN_SHOWN = 200


def break_glass_seen(*, reviewer: User, grant: BreakGlassGrant) -> QuerySet[AuditEvent]:
    """Everything the requester read or wrote about the child while the grant lasted, from the audit trail,
    for its reviewer; the reviewer's own look at the child is audited."""
    with transaction.atomic():
        audit_record(
            actor=reviewer,
            kind=AuditKind.CHILD_VIEWED,
            child_id=grant.child_id,
            object_type="break_glass_grant",
            object_id=str(grant.pk),
            reason="Reviewing emergency access",
        )
    return AuditEvent.objects.filter(
        child_id=grant.child_id,
        actor=grant.user,
        occurred_at__gte=grant.granted_at,
        occurred_at__lte=grant.expires_at,
    ).order_by("occurred_at", "id")[:SEEN_SHOWN]
