"""Who may import and export: built on the need-to-know helpers in joinedup.access.policy."""

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Agency

from .models import ImportBatch


def can_import(user: User) -> bool:
    """Coordinators import for the partnership; managers for their own agency only."""
    return policy.can_record_children(user) and user.has_role(RoleCode.COORDINATOR, RoleCode.MANAGER)


def can_import_for_agency(user: User, agency: Agency) -> bool:
    if not can_import(user):
        return False
    return user.has_role(RoleCode.COORDINATOR) or user.agency_id == agency.pk


def can_register_agencies(user: User) -> bool:
    return can_import(user) and user.has_role(RoleCode.COORDINATOR)


def can_view_batch(user: User, batch: ImportBatch) -> bool:
    if not can_import(user):
        return False
    if user.has_role(RoleCode.COORDINATOR):
        return True
    return batch.imported_by_id == user.pk or (batch.agency_id is not None and batch.agency_id == user.agency_id)


def can_export_missing(user: User) -> bool:
    """Coordinators, leaders and managers; each exports only the children they may see."""
    return policy.works_with_children(user) and user.has_role(RoleCode.COORDINATOR, RoleCode.LEADER, RoleCode.MANAGER)
