"""Who may see and disrupt adults of concern.

Police practitioners and managers, and coordinators, record disruption and adults
of concern; leaders look over the list; practitioners, managers, coordinators and
leaders open an adult's page, where the concerns shown are only those about
children the viewer may see. Administrators see none of it.
"""

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import AgencyKind


def _is_police_staff(user: User) -> bool:
    return (
        policy.can_record_children(user)
        and user.has_role(*policy.CASE_ROLES)
        and user.agency is not None
        and user.agency.kind == AgencyKind.POLICE
    )


def can_record_disruption(user: User) -> bool:
    return _is_police_staff(user) or (policy.can_record_children(user) and user.has_role(RoleCode.COORDINATOR))


def can_record_adults(user: User) -> bool:
    return can_record_disruption(user)


def can_list_adults(user: User) -> bool:
    return can_record_adults(user) or (policy.works_with_children(user) and user.has_role(RoleCode.LEADER))


def can_view_adult(user: User) -> bool:
    return policy.works_with_children(user)
