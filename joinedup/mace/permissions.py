"""Who may do what with MACE meetings.

Coordinators create and run meetings and see every one; partnership leaders see
every meeting; practitioners and managers see a meeting only where its agenda
includes a child they may see, and then only those children's items;
administrators see none.
"""

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User


def can_run_meetings(user: User) -> bool:
    return policy.can_record_children(user) and user.has_role(RoleCode.COORDINATOR)


def sees_all_meetings(user: User) -> bool:
    return policy.sees_all_children(user)


def can_view_meetings(user: User) -> bool:
    return policy.works_with_children(user)


# Who does the work a MACE action asks for: practitioners, team managers and the coordinator. A partnership
# leader oversees the work and is not given actions (unless they also hold one of these roles).
ACTION_OWNER_ROLES = (RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.COORDINATOR)


def can_own_actions(user: User) -> bool:
    return user.is_active and user.has_role(*ACTION_OWNER_ROLES)
