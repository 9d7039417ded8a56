"""Whether a child's record is closed, kept as a column on the child.

A record is closed when every agency's involvement with the child has ended (and there was one): it leaves the
active lists and is read-only (``access.policy.record_is_closed``). The children app's services that open, end or
move involvements (the involvement services, connection requests, agency imports, joins and their undoing) call
``record_closed_refresh`` in their transaction, so a list filters on a column instead of searching every child's
involvements (bench/children_active_list.py).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, Value, When

from .models import Child, Involvement

# Children refreshed by one statement: an import can attach thousands, more than a statement's parameters allow.
_CHUNK = 2000


def record_closed_refresh(child_ids: Iterable[Any]) -> None:
    """Keep ``Child.record_closed`` true exactly when the child has an involvement and none is open, for these
    children, in one statement (a few for thousands). Every service that opens, ends or moves an involvement
    calls it in its transaction, so the active lists filter on a column rather than search every child's
    involvements."""
    ids = list(child_ids)
    involvements = Involvement.objects.filter(child=OuterRef("pk"))
    closed = Q(Exists(involvements)) & ~Q(Exists(involvements.filter(ended_at__isnull=True)))
    for start in range(0, len(ids), _CHUNK):
        Child.objects.filter(pk__in=ids[start : start + _CHUNK]).update(
            record_closed=Case(When(closed, then=Value(True)), default=Value(False))
        )
