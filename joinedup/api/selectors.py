"""Reads for the API: only what the system's account may see, each child shown audited as on the pages."""

from dataclasses import dataclass
from uuid import UUID

from django.core.paginator import EmptyPage, Page, Paginator

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_children
from joinedup.children.models import Child
from joinedup.imports.models import PersonRecord

from .errors import ApiRefusal
from .models import ApiClient

PAGE_SIZE = 50


@dataclass(frozen=True)
class ChildrenPage:
    page: Page[Child]
    # The agency's own record ids of each child shown, from its extracts.
    record_ids: dict[UUID, list[str]]


def record_ids_of(*, agency_id: int, child_ids: list[UUID]) -> dict[UUID, list[str]]:
    found: dict[UUID, list[str]] = {child_id: [] for child_id in child_ids}
    rows = PersonRecord.objects.filter(agency_id=agency_id, child_id__in=child_ids).order_by("record_id")
    for child_id, record_id in rows.values_list("child_id", "record_id"):
        found[child_id].append(record_id)
    return found


def api_children_page(*, client: ApiClient, page: int = 1, record_id: str = "") -> ChildrenPage:
    """One page of the children the system's account may see (``policy.children_visible_to``), optionally only
    the child the agency's own record id names; each child shown writes a ``child_listed`` row."""
    user: User = client.user
    children = (
        policy.children_visible_to(user).select_related("owning_agency").order_by("family_name", "given_name", "pk")
    )
    if record_id:
        records = PersonRecord.objects.filter(agency_id=client.agency_id, record_id=record_id)
        children = children.filter(pk__in=records.values("child_id"))
    try:
        shown = Paginator(children, PAGE_SIZE).page(page)
    except EmptyPage:
        raise ApiRefusal(404, f"There is no page {page} of this list.", "page") from None
    child_ids = [child.pk for child in shown.object_list]
    audit_record_children(actor=user, kind=AuditKind.CHILD_LISTED, child_ids=child_ids, reason="API: children list")
    return ChildrenPage(page=shown, record_ids=record_ids_of(agency_id=client.agency_id, child_ids=child_ids))
