"""Who may use the mapping views.

Practitioners, managers, coordinators and leaders open them; coordinators and leaders see the whole
partnership's picture, practitioners and managers a picture built only from events about children they
may see (see selectors). Administrators see none of it. The coordinator refreshes the mapping.
"""

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User


def can_use_mapping(user: User) -> bool:
    return policy.works_with_children(user)


def sees_whole_map(user: User) -> bool:
    return policy.sees_all_children(user)


def can_refresh_mapping(user: User) -> bool:
    return policy.works_with_children(user) and user.has_role(RoleCode.COORDINATOR)


def sees_refresh_time(user: User) -> bool:
    return can_refresh_mapping(user)


def can_open_group_work(user: User) -> bool:
    """Whether the network view and the networks tables offer to open work on a network's children as a peer group
    (contextual safeguarding: the coordinator)."""
    return policy.can_run_context_work(user)


def can_request_period_networks(user: User) -> bool:
    """Whether opening a period whose networks no refresh stored asks the worker to work them out: those who read
    the stored whole-map networks (coordinators and leaders). Any other viewer's networks are built from the
    events about children they may see, for them alone, and never stored."""
    return can_use_mapping(user) and sees_whole_map(user)
