from django.db.models import QuerySet

from joinedup.children.models import Child

from .models import ShareDecision

SHARES_SHOWN = 20


def shares_of(*, child: Child) -> QuerySet[ShareDecision]:
    """The latest decisions to share the child's record or an entry of it, with who approved each (or the
    standing agreement that pre-approved it), for the child's page: one query, however many there are."""
    return ShareDecision.objects.filter(child=child).select_related(
        "shared_by_agency", "shared_with_agency", "shared_with_user", "decided_by", "approved_by", "agreement"
    )[:SHARES_SHOWN]
