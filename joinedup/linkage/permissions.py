"""Who may see and decide record linkage: the exploitation and missing coordinator, who sees across agencies."""

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User


def can_link_records(user: User) -> bool:
    return policy.sees_all_children(user) and user.has_role(RoleCode.COORDINATOR)
