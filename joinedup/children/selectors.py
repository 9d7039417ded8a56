"""Reads of children's information. Each takes the user, returns only what they may see and audits it."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.audit.services import audit_record, audit_record_children

from .models import Address, Child, ChildJoin, ChronologyEntry, ItemCorrection, ItemKind

PAGE_SIZE = 25


def child_find(*, user: User, child_id: UUID) -> Child:
    """The child if this user may see them; otherwise "not found", as for a child who does not exist.

    Does not audit: use it only where the caller does not show the child's information.
    """
    child_id = child_id_current(child_id)
    try:
        return policy.children_visible_to(user).select_related("owning_agency", "key_worker").get(pk=child_id)
    except Child.DoesNotExist:
        raise Http404("No child found") from None


def child_id_current(child_id: UUID) -> UUID:
    """The child a record id now belongs to: a record joined into another child leads there (old links keep
    working); any other id is returned as it is."""
    for _ in range(50):
        joined_into = Child.objects.filter(pk=child_id).values_list("joined_into_id", flat=True).first()
        if joined_into is None:
            return child_id
        child_id = joined_into
    return child_id


def child_get(*, user: User, child_id: UUID, reason: str = "Viewed the child's record") -> Child:
    """Fetch, authorise and audit a read of one child's record in one call."""
    child = child_find(user=user, child_id=child_id)
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=child.pk,
        object_type="child",
        object_id=str(child.pk),
        reason=reason,
    )
    return child


def children_matching(children: QuerySet[Child], query: str) -> QuerySet[Child]:
    """The children whose names, local authority id or postcode match every word of the query."""
    for term in query.split():
        children = children.filter(
            Q(given_name__icontains=term)
            | Q(family_name__icontains=term)
            | Q(other_names__icontains=term)
            | Q(la_child_id__iexact=term)
            | Q(postcode__icontains=term)
        )
    return children


def children_active(children: QuerySet[Child]) -> QuerySet[Child]:
    """The children whose record is open: an agency's involvement is open, or none was ever recorded. A child whose
    every involvement has closed leaves the active lists (``Child.record_closed``, kept by the children app's
    services; joinedup/children/closure.py)."""
    return children.filter(record_closed=False)


def child_page(*, user: User, query: str = "", page_number: str | int = 1, include_closed: bool = False) -> Page[Child]:
    """One page of the children this user may see, matching the search (closed records only when asked for);
    each row shown is audited."""
    children = children_matching(policy.children_visible_to(user), query.strip()).select_related("owning_agency")
    if not include_closed:
        children = children_active(children)
    page = Paginator(children, PAGE_SIZE).get_page(page_number)
    reason = f"Search: {query.strip()}" if query.strip() else "Children list"
    audit_record_children(
        actor=user, kind=AuditKind.CHILD_LISTED, child_ids=[child.pk for child in page.object_list], reason=reason
    )
    return page


def chronology_for(*, user: User, child: Child) -> QuerySet[ChronologyEntry]:
    """The chronology entries of a child this user may read (the child's read is audited by child_get)."""
    return policy.chronology_visible_to(user, child).select_related("owning_agency", "recorded_by")


@dataclass(frozen=True)
class TimelineItem:
    """One line of a child's chronology, whichever module recorded it."""

    when: datetime
    agency_code: str
    heading: str
    text: str
    url: str = ""


def timeline_for(
    *, user: User, child: Child, others: Iterable[TimelineItem] = (), limit: int | None = None
) -> list[TimelineItem]:
    """The chronology entries this user may read, merged with other modules' items, newest first; ``limit``
    reads only the newest that many entries (the other modules' items are limited by their caller)."""
    entries = chronology_for(user=user, child=child).order_by("-occurred_at", "-pk")
    items = [
        TimelineItem(
            entry.occurred_at,
            entry.owning_agency.code,
            entry.get_category_display(),
            entry.summary,
            reverse("children:item-history", args=[child.pk, ItemKind.CHRONOLOGY_ENTRY, entry.pk]),
        )
        for entry in (entries if limit is None else entries[:limit])
    ]
    merged = sorted([*items, *others], key=lambda item: item.when, reverse=True)
    return merged if limit is None else merged[:limit]


# Lines of a child's chronology on one page of the record.
CHRONOLOGY_PAGE = 50


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    number: int
    has_next: bool


def timeline_page(
    *, user: User, child: Child, page: int, others_newest: Callable[[int], list[TimelineItem]]
) -> TimelinePage:
    """One page of a child's chronology, newest first, whatever its length: only the lines up to this page are
    read (``others_newest(n)`` gives another module's newest n lines)."""
    page = max(1, page)
    wanted = page * CHRONOLOGY_PAGE + 1
    lines = timeline_for(user=user, child=child, others=others_newest(wanted), limit=wanted)
    start = (page - 1) * CHRONOLOGY_PAGE
    return TimelinePage(lines[start : start + CHRONOLOGY_PAGE], page, len(lines) > start + CHRONOLOGY_PAGE)


def involvements_for(*, child: Child) -> QuerySet:
    return child.involvements.select_related("agency", "team").order_by("ended_at", "started_at")


def access_log_for(*, user: User, child_id: UUID) -> tuple[Child, QuerySet[AuditEvent]]:
    """Who has read or changed a child's record, for a manager's oversight. The viewing is audited too."""
    child = child_find(user=user, child_id=child_id)
    if not policy.can_view_access_log(user, child):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_ACCESS_LOG_VIEWED,
        child_id=child.pk,
        object_type="child",
        object_id=str(child.pk),
        reason="Oversight of access to the record",
    )
    # A record joined into this one brings its own trail: who saw it before, and what the join did.
    joined = list(Child.objects.filter(joined_into=child).values_list("pk", flat=True))
    return child, AuditEvent.objects.filter(child_id__in=[child.pk, *joined])


def joins_of(*, child: Child) -> list[ChildJoin]:
    """The joins standing on a child's record, newest first (for its page)."""
    return list(ChildJoin.objects.filter(child=child, undone_at__isnull=True).select_related("joined", "joined_by"))


@dataclass(frozen=True)
class ItemShown:
    """An item recorded about a child, as one user may see it, with its earlier versions."""

    kind: str
    item: Any
    owning_agency_id: int
    label: str


def _item_lookup(user: User, child: Child, kind: str, item_id: str) -> ItemShown | None:
    from django.core.exceptions import ValidationError as InvalidId

    from joinedup.concerns.models import Concern
    from joinedup.concerns.selectors import concern_in_full_for
    from joinedup.contacts.models import ContactAttempt
    from joinedup.missing.models import MissingEpisode, ReturnInterview

    try:
        if kind == ItemKind.CHRONOLOGY_ENTRY:
            entry = policy.chronology_visible_to(user, child).filter(pk=int(item_id)).first()
            if entry is not None:
                return ItemShown(kind, entry, entry.owning_agency_id, f"{entry.get_category_display()} entry")
        elif kind == ItemKind.CONCERN:
            concern = Concern.objects.filter(child=child, pk=item_id).first()
            if concern is not None and concern_in_full_for(user, concern):
                return ItemShown(kind, concern, concern.owning_agency_id, f"{concern.get_category_display()} concern")
        elif kind == ItemKind.MISSING_EPISODE:
            episode = MissingEpisode.objects.filter(child=child, pk=item_id).first()
            if episode is not None:
                return ItemShown(kind, episode, episode.owning_agency_id, "Missing episode")
        elif kind == ItemKind.RETURN_INTERVIEW:
            interview = (
                ReturnInterview.objects.filter(episode__child=child, pk=int(item_id)).select_related("owner").first()
            )
            if interview is not None and interview.owner.agency_id is not None:
                return ItemShown(kind, interview, interview.owner.agency_id, "Return home interview")
        elif kind == ItemKind.CONTACT_ATTEMPT:
            attempt = ContactAttempt.objects.filter(child=child, pk=item_id).first()
            if attempt is not None and (policy.sees_all_children(user) or attempt.agency_id == user.agency_id):
                return ItemShown(kind, attempt, attempt.agency_id, "Contact attempt")
    except (ValueError, InvalidId):
        return None
    return None


def item_get(*, user: User, child_id: UUID, kind: str, item_id: str, reason: str) -> tuple[Child, ItemShown]:
    """An item recorded about a child, if this user may see the child and the item; otherwise "not found".
    The read of the child is audited."""
    child = child_find(user=user, child_id=child_id)
    shown = _item_lookup(user, child, kind, item_id)
    if shown is None:
        raise Http404("No item found")
    child_get(user=user, child_id=child.pk, reason=reason)
    return child, shown


def item_corrections(*, shown: ItemShown) -> QuerySet[ItemCorrection]:
    """The item's earlier versions, oldest first."""
    return ItemCorrection.objects.filter(item_kind=shown.kind, item_id=str(shown.item.pk)).select_related(
        "corrected_by", "owning_agency"
    )


def addresses_for(*, user: User, child: Child) -> list[Address]:
    """The child's addresses this user may see: a restricted one only within the agency that recorded it and
    those it shares the record with (the child's read is audited by child_get)."""
    addresses = list(child.addresses.select_related("recorded_by_agency"))
    allowed: dict[int, bool] = {}
    shown = []
    for address in addresses:
        if address.restricted:
            agency_id = address.recorded_by_agency_id
            if agency_id not in allowed:
                allowed[agency_id] = policy.can_see_restricted_detail(user, child, agency_id)
            if not allowed[agency_id]:
                continue
        shown.append(address)
    return shown
