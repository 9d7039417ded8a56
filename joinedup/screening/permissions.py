"""Who screens: sexual health practitioners and their managers, and the partnership's coordinators."""

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import AgencyKind
from joinedup.children.models import Child


def can_screen(user: User, child: Child) -> bool:
    """Practitioners and managers of a health agency who may see the child, and coordinators."""
    if not policy.can_record_about_child(user, child):
        return False
    if user.has_role(RoleCode.COORDINATOR):
        return True
    return user.has_role(*policy.CASE_ROLES) and user.agency is not None and user.agency.kind == AgencyKind.HEALTH


def can_publish_question_sets(user: User) -> bool:
    """A new version of the proforma is the partnership's decision: its coordinators publish it."""
    return policy.can_record_children(user) and user.has_role(RoleCode.COORDINATOR)
