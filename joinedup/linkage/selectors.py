"""Reads of linkage for a user: only the coordinator sees them, and every record shown is audited."""

from collections.abc import Iterable
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children, audit_record_many
from joinedup.children.models import Child, ChildJoin, ConnectionRequest, ConnectionStatus
from joinedup.imports.models import PersonRecord

from .models import LinkDecision, LinkRun, Person, PersonLink, ReviewItem, ReviewStatus
from .permissions import can_link_records


def _require(user: User) -> None:
    if not can_link_records(user):
        raise PermissionDenied


def records_audit(*, user: User, kind: AuditKind, records: Iterable[PersonRecord], reason: str) -> None:
    """One audit row per record shown, naming the child when the record is linked to one; one statement."""
    audit_record_many(
        actor=user,
        kind=kind,
        rows=[
            (
                record.child_id,
                "person_record",
                str(record.pk),
                reason,
                {"agency": record.agency.code, "record_id": record.record_id},
            )
            for record in records
        ],
    )


def review_queue(*, user: User) -> QuerySet[ReviewItem]:
    _require(user)
    return ReviewItem.objects.filter(status=ReviewStatus.OPEN).select_related("record_a__agency", "record_b__agency")


def people_linked(*, user: User, query: str = "") -> QuerySet[Person]:
    """The people linkage has joined two or more agency records into, newest first, matching every word of the
    query against a record's names or its id (the page shown audits its records: ``records_audit``)."""
    _require(user)
    people = Person.objects.annotate(records=Count("links")).filter(records__gte=2)
    for term in query.split():
        matching = PersonLink.objects.filter(
            Q(person_record__data__given_name__icontains=term)
            | Q(person_record__data__family_name__icontains=term)
            | Q(person_record__record_id__iexact=term)
        )
        people = people.filter(pk__in=matching.values("person_id"))
    links = PersonLink.objects.select_related("person_record__agency").order_by("person_record__agency__code")
    return people.order_by("-created_at", "pk").prefetch_related(Prefetch("links", queryset=links))


def review_item_get(*, user: User, item_id: int) -> ReviewItem:
    _require(user)
    item = get_object_or_404(ReviewItem.objects.select_related("record_a__agency", "record_b__agency"), pk=item_id)
    records_audit(
        user=user,
        kind=AuditKind.PERSON_RECORD_VIEWED,
        records=[item.record_a, item.record_b],
        reason="Reviewing a possible match",
    )
    return item


def item_decisions(*, item: ReviewItem) -> QuerySet[LinkDecision]:
    return LinkDecision.objects.filter(record_a=item.record_a, record_b=item.record_b).select_related(
        "decided_by", "undone_by"
    )


def person_get(*, user: User, person_id: object) -> tuple[Person, list[PersonLink]]:
    _require(user)
    person = get_object_or_404(Person, pk=person_id)
    links = list(person.links.select_related("person_record__agency").order_by("person_record__agency__code"))
    records_audit(
        user=user,
        kind=AuditKind.PERSON_RECORD_VIEWED,
        records=[link.person_record for link in links],
        reason="Viewed a linked person",
    )
    return person, links


def person_link_get(*, user: User, link_id: int) -> PersonLink:
    _require(user)
    return get_object_or_404(PersonLink.objects.select_related("person_record__agency", "person"), pk=link_id)


def last_run() -> LinkRun | None:
    return LinkRun.objects.filter(finished_at__isnull=False).first()


def person_decisions(*, records: Iterable[PersonRecord]) -> QuerySet[LinkDecision]:
    ids = [r.pk for r in records]
    return LinkDecision.objects.filter(Q(record_a__in=ids) | Q(record_b__in=ids)).select_related(
        "record_a__agency", "record_b__agency", "decided_by"
    )


def join_get(*, user: User, join_id: int) -> ChildJoin:
    """A join of two children's records, for the coordinator (the read of both children is audited)."""
    _require(user)
    join = get_object_or_404(ChildJoin.objects.select_related("child", "joined", "joined_by"), pk=join_id)
    for child_id in (join.child_id, join.joined_id):
        audit_record(
            actor=user,
            kind=AuditKind.CHILD_VIEWED,
            child_id=child_id,
            object_type="child_join",
            object_id=str(join.pk),
            reason="Reviewing a join of two records of a child",
        )
    return join


def item_join(*, item: ReviewItem) -> ChildJoin | None:
    """The join standing between the children of a reviewed pair's records, if a match joined them."""
    child_id = item.record_a.child_id
    if child_id is None or item.record_b.child_id != child_id:
        return None
    moved = [str(item.record_a.pk), str(item.record_b.pk)]
    for join in ChildJoin.objects.filter(child_id=child_id, undone_at__isnull=True):
        if set(join.moved.get("imports.PersonRecord:child", [])) & set(moved):
            return join
    return None


def connections_waiting(*, user: User) -> QuerySet[ConnectionRequest]:
    """Connection requests waiting for the coordinator's answer, oldest first."""
    _require(user)
    return (
        ConnectionRequest.objects.filter(status=ConnectionStatus.WAITING)
        .select_related("requested_by", "agency")
        .order_by("requested_at")
    )


def connection_get(*, user: User, request_id: UUID) -> tuple[ConnectionRequest, list[Child]]:
    """A connection request for its requester (who sees what they asked and the answer, never the candidates) or
    the coordinator (who sees the matching children too, each read audited). Anyone else: not found."""
    request = get_object_or_404(
        ConnectionRequest.objects.select_related("requested_by", "agency", "decided_by"), pk=request_id
    )
    if can_link_records(user):
        children = list(
            Child.objects.filter(pk__in=request.candidates, joined_into__isnull=True).select_related("owning_agency")
        )
        audit_record_children(
            actor=user,
            kind=AuditKind.CHILD_VIEWED,
            child_ids=[child.pk for child in children],
            reason="Answering a connection request",
        )
        return request, children
    if request.requested_by_id == user.pk:
        return request, []
    raise Http404("No connection request found")
