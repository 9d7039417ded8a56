from dataclasses import dataclass

from django.db.models import QuerySet

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.children.models import Child

from .models import Concern, HandlingCode


@dataclass(frozen=True)
class ConcernShown:
    """A concern as one user may see it: in full, or only its sanitised wording beyond a C code's conditions."""

    concern: Concern
    in_full: bool

    @property
    def text(self) -> str:
        if self.in_full:
            return self.concern.what_happened
        return self.concern.sanitised_summary or "Intelligence held under handling conditions; ask the owning agency."


def concern_in_full_for(user: User, concern: Concern) -> bool:
    """A code C item is shown in full only to its owning agency and the agencies its conditions name."""
    if concern.handling_code != HandlingCode.CONDITIONS:
        return True
    if user.agency_id is None:
        return False
    if user.agency_id == concern.owning_agency_id:
        return True
    return concern.condition_agencies.filter(pk=user.agency_id).exists()


def concerns_for(*, user: User, child: Child) -> list[ConcernShown]:
    """A child's concerns for a user who may see the child (the child's read is audited by child_get)."""
    if not policy.can_view_child(user, child):
        return []
    concerns: QuerySet[Concern] = child.concerns.select_related("owning_agency").prefetch_related("adults")
    return [ConcernShown(concern, concern_in_full_for(user, concern)) for concern in concerns]
