"""Writes of record linkage: runs, decisions on pairs, undoing them. Each checks permission,
writes in one transaction and records its audit row in it."""

import logging
from collections.abc import Callable, Iterable
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.joins import JoinConflict, child_join_undo, children_join
from joinedup.children.models import Child, ChildJoin, JoinSource
from joinedup.imports.models import PersonRecord

from .internals.run import link_new_records_run, link_records_run, linkage_lock
from .models import DecisionKind, LinkDecision, LinkHow, LinkRun, Person, PersonLink, ReviewItem, ReviewStatus
from .permissions import can_link_records

logger = logging.getLogger(__name__)

# Joins that linkage made, and so may unmake when people or runs separate the records.
_LINKAGE_SOURCES = (JoinSource.AUTO, JoinSource.DECISION)
_PERSON_RECORDS = "imports.PersonRecord:child"


def _require(user: User) -> None:
    if not can_link_records(user):
        raise PermissionDenied


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the decision."})
    return reason


def linkage_run(
    *, user: User | None, progress: Callable[[int, int], None] | None = None, new_records_only: bool = False
) -> LinkRun:
    """Run linkage over every imported record; ``user`` None for the scheduled or command-line run.

    ``new_records_only``: link only the records no person holds yet, against the people already linked
    (``internals.run.link_new_records_run``), unless a full run is due.
    """
    if user is not None:
        _require(user)
    if new_records_only:
        run = link_new_records_run(progress=progress, user=user)
    else:
        run = link_records_run(progress=progress, user=user)
    joined = children_reconcile(actor=user)
    run.model = {**run.model, "children_joined": joined}
    run.save(update_fields=["model"])
    audit_record(
        actor=user,
        kind=AuditKind.LINKAGE_RUN,
        object_type="link_run",
        object_id=str(run.pk),
        payload={
            "records": run.records,
            "auto_links": run.auto_links,
            "review_items": run.review_items,
            "people": run.people,
            "incremental": "incremental" in run.model,
            "children_joined": joined,
        },
    )
    return run


def _persons_by_record(records: Iterable[int]) -> dict[int, UUID]:
    return dict(
        PersonLink.objects.filter(person_record_id__in=list(records)).values_list("person_record_id", "person_id")
    )


def _joins_split(actor: User | None, child_ids: set[UUID] | None) -> int:
    """Undo each join linkage made whose records no person of linkage holds together any more."""
    joins = ChildJoin.objects.filter(undone_at__isnull=True, source__in=_LINKAGE_SOURCES)
    if child_ids is not None:
        joins = joins.filter(child_id__in=child_ids)
    joins_list = list(joins.order_by("-joined_at", "-pk"))
    if not joins_list:
        return 0
    records_of: dict[UUID, list[int]] = {}
    for pk, child_id in PersonRecord.objects.filter(child_id__in={j.child_id for j in joins_list}).values_list(
        "pk", "child_id"
    ):
        records_of.setdefault(child_id, []).append(pk)
    persons = _persons_by_record(pk for pks in records_of.values() for pk in pks)
    split = 0
    for join in joins_list:
        present = set(records_of.get(join.child_id, []))
        moved = {int(pk) for pk in join.moved.get(_PERSON_RECORDS, [])} & present
        moved_persons = {persons[r] for r in moved if r in persons}
        other_persons = {persons[r] for r in present - moved if r in persons}
        if not moved_persons or not other_persons or moved_persons & other_persons:
            continue
        child_join_undo(actor=actor, join=join, reason="Record linkage no longer holds these records as one child.")
        records_of[join.child_id] = sorted(present - moved)
        split += 1
    return split


def _joins_make(actor: User | None, child_ids: set[UUID] | None) -> tuple[int, set[UUID]]:
    """Join the children whose agency records linkage holds as one person (the earliest recorded child is
    kept). Returns how many joins were made and the children kept."""
    links = PersonLink.objects.filter(person_record__child__isnull=False)
    if child_ids is not None:
        people = PersonLink.objects.filter(person_record__child_id__in=child_ids).values("person_id")
        links = links.filter(person_id__in=people)
    children_of: dict[UUID, set[UUID]] = {}
    decided: dict[UUID, bool] = {}
    for person_id, child_id, how in links.values_list("person_id", "person_record__child_id", "how"):
        children_of.setdefault(person_id, set()).add(child_id)
        decided[person_id] = decided.get(person_id, False) or how == LinkHow.DECISION
    made, kept = 0, set()
    for person_id, ids in children_of.items():
        if len(ids) < 2:
            continue
        children = sorted(Child.objects.filter(pk__in=ids), key=lambda c: (c.created_at, str(c.pk)))
        keep = children[0]
        for other in children[1:]:
            try:
                children_join(
                    actor=actor,
                    keep=keep,
                    joined=other,
                    source=JoinSource.DECISION if decided[person_id] else JoinSource.AUTO,
                    reason="Record linkage found these agency records to be one child.",
                )
            except JoinConflict as conflict:
                logger.warning("Children %s and %s not joined: %s", keep.pk, other.pk, conflict.messages[0])
                continue
            made += 1
            kept.add(keep.pk)
    return made, kept


def children_reconcile(*, actor: User | None, child_ids: set[UUID] | None = None) -> int:
    """Make the children match what linkage holds: separate what it no longer holds together, join what it
    holds as one child, then apply the imported events that were waiting for those records to meet.

    ``child_ids`` limits the work to those children (after one decision); None looks at every child (after a
    run). A person's "not a match" keeps records apart in every run, so what a person separated stays apart.
    """
    from joinedup.imports.services import waiting_events_apply

    _joins_split(actor, child_ids)
    made, kept = _joins_make(actor, child_ids)
    if kept:
        waiting_events_apply(child_ids=kept)
    return made


def linkage_run_after_import(*, user_id: int) -> LinkRun:
    """The continuous refresh after new records arrive: link the new records (a full run when one is due),
    then queue the mapping refresh on behalf of the person who imported them."""
    from joinedup.mapping.services import mapping_refresh_queue

    run = linkage_run(user=None, new_records_only=True)
    mapping_refresh_queue(requested_by=User.objects.get(pk=user_id))
    return run


def _person_of(record: PersonRecord) -> PersonLink:
    link = PersonLink.objects.select_for_update().filter(person_record=record).first()
    if link is None:
        link = PersonLink.objects.create(person=Person.objects.create(), person_record=record, how=LinkHow.SINGLE)
    return link


def _merge(a: PersonRecord, b: PersonRecord, decision: LinkDecision) -> None:
    keep, other = _person_of(a), _person_of(b)
    if keep.person_id == other.person_id:
        PersonLink.objects.filter(pk__in=[keep.pk, other.pk]).update(how=LinkHow.DECISION)
        return
    old_person = other.person_id
    PersonLink.objects.filter(person_id=old_person).update(person_id=keep.person_id)
    PersonLink.objects.filter(pk__in=[keep.pk, other.pk]).update(
        how=LinkHow.DECISION, explanation={"decision": decision.pk, "other_record": None}
    )
    Person.objects.filter(pk=old_person, links__isnull=True).delete()


def _take_out(record: PersonRecord) -> None:
    """Move the record alone into a new person; the person it leaves keeps the rest."""
    link = _person_of(record)
    if link.person.links.count() == 1:
        return
    old_person = link.person
    link.person = Person.objects.create()
    link.how = LinkHow.SINGLE
    link.match_weight = link.match_probability = None
    link.explanation = {}
    link.save()
    remaining = list(old_person.links.all())
    if len(remaining) == 1:
        remaining[0].how = LinkHow.SINGLE
        remaining[0].save(update_fields=["how"])


def _children_of(*records: PersonRecord) -> set[UUID]:
    """The children these records belong to now (a join may have moved them since they were read)."""
    return set(
        PersonRecord.objects.filter(pk__in=[r.pk for r in records], child__isnull=False).values_list(
            "child_id", flat=True
        )
    )


def _ordered(a: PersonRecord, b: PersonRecord) -> tuple[PersonRecord, PersonRecord]:
    if a.pk == b.pk:
        raise ValidationError("A record cannot be compared with itself.")
    return (a, b) if a.pk < b.pk else (b, a)


def link_decide(
    *,
    user: User,
    record_a: PersonRecord,
    record_b: PersonRecord,
    decision: str,
    reason: str,
    item: ReviewItem | None = None,
) -> LinkDecision:
    """Record a person's decision on a pair and apply it now: a match joins their people, not a match
    separates them (for good: later runs keep them apart), unsure changes nothing but is kept."""
    _require(user)
    reason = _reason_required(reason)
    if decision not in DecisionKind.values:
        raise ValidationError({"decision": "Choose match, not a match or unsure."})
    record_a, record_b = _ordered(record_a, record_b)
    with transaction.atomic():
        linkage_lock()
        # Only one decision on a pair stands at a time: a new one replaces the last.
        LinkDecision.objects.filter(record_a=record_a, record_b=record_b, undone_at__isnull=True).update(
            undone_at=timezone.now(), undone_by=user, undo_reason="Replaced by a later decision"
        )
        made = LinkDecision.objects.create(
            record_a=record_a, record_b=record_b, decision=decision, reason=reason, review_item=item, decided_by=user
        )
        if decision == DecisionKind.MATCH:
            _merge(record_a, record_b, made)
        elif decision == DecisionKind.NOT_A_MATCH and _person_of(record_a).person_id == _person_of(record_b).person_id:
            _take_out(record_b)
        if item is not None:
            item.status = ReviewStatus.DECIDED
            item.save(update_fields=["status"])
        children_reconcile(actor=user, child_ids=_children_of(record_a, record_b))
        audit_record(
            actor=user,
            kind=AuditKind.LINK_DECIDED,
            child_id=record_a.child_id or record_b.child_id,
            object_type="link_decision",
            object_id=str(made.pk),
            reason=reason,
            payload={
                "decision": decision,
                "records": [
                    {"agency": r.agency.code, "record_id": r.record_id, "child_id": str(r.child_id or "")}
                    for r in (record_a, record_b)
                ],
            },
        )
    return made


def review_item_decide(*, user: User, item: ReviewItem, decision: str, reason: str) -> LinkDecision:
    return link_decide(
        user=user, record_a=item.record_a, record_b=item.record_b, decision=decision, reason=reason, item=item
    )


def link_decision_undo(*, user: User, decision: LinkDecision, reason: str) -> LinkDecision:
    """Undo a decision: it no longer binds later runs; a review item it closed opens again."""
    _require(user)
    reason = _reason_required(reason)
    with transaction.atomic():
        linkage_lock()
        decision = LinkDecision.objects.select_for_update().get(pk=decision.pk)
        if decision.undone_at is not None:
            raise ValidationError("That decision is already undone.")
        decision.undone_at, decision.undone_by, decision.undo_reason = timezone.now(), user, reason
        decision.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        if decision.decision == DecisionKind.MATCH:
            _take_out(decision.record_b)
        children_reconcile(actor=user, child_ids=_children_of(decision.record_a, decision.record_b))
        if decision.review_item is not None:
            ReviewItem.objects.filter(pk=decision.review_item.pk).update(status=ReviewStatus.OPEN)
        audit_record(
            actor=user,
            kind=AuditKind.LINK_DECISION_UNDONE,
            child_id=decision.record_a.child_id or decision.record_b.child_id,
            object_type="link_decision",
            object_id=str(decision.pk),
            reason=reason,
        )
    return decision


def person_link_undo(*, user: User, link: PersonLink, reason: str) -> list[LinkDecision]:
    """Take a record out of its person: recorded as "not a match" against each record it was joined to,
    so no later run puts it back."""
    _require(user)
    reason = _reason_required(reason)
    with transaction.atomic():
        linkage_lock()
        others = [
            other.person_record
            for other in PersonLink.objects.filter(person_id=link.person_id)
            .exclude(pk=link.pk)
            .select_related("person_record__agency")
        ]
        if not others:
            raise ValidationError("This record is not linked to any other.")
        record = link.person_record
        decisions = []
        for other in others:
            a, b = _ordered(record, other)
            LinkDecision.objects.filter(record_a=a, record_b=b, undone_at__isnull=True).update(
                undone_at=timezone.now(), undone_by=user, undo_reason="Replaced by undoing the link"
            )
            decisions.append(
                LinkDecision.objects.create(
                    record_a=a, record_b=b, decision=DecisionKind.NOT_A_MATCH, reason=reason, decided_by=user
                )
            )
        _take_out(record)
        children_reconcile(actor=user, child_ids=_children_of(record, *others))
        audit_record(
            actor=user,
            kind=AuditKind.LINK_UNDONE,
            child_id=record.child_id,
            object_type="person_record",
            object_id=str(record.pk),
            reason=reason,
            payload={
                "agency": record.agency.code,
                "record_id": record.record_id,
                "separated_from": [{"agency": o.agency.code, "record_id": o.record_id} for o in others],
            },
        )
    return decisions


def child_join_separate(*, user: User, join: ChildJoin, reason: str) -> ChildJoin:
    """Undo a join from the child's page: the records it brought in are recorded "not a match" against the
    child's other records (so no later run joins them again) and leave its person together, then the join is
    undone, putting back exactly what it moved."""
    _require(user)
    reason = _reason_required(reason)
    with transaction.atomic():
        linkage_lock()
        join = ChildJoin.objects.select_for_update().get(pk=join.pk)
        if join.undone_at is not None:
            raise ValidationError("These records have already been separated.")
        present = set(PersonRecord.objects.filter(child_id=join.child_id).values_list("pk", flat=True))
        moved = {int(pk) for pk in join.moved.get(_PERSON_RECORDS, [])} & present
        records = PersonRecord.objects.in_bulk(present)
        now = timezone.now()
        for a_pk in moved:
            for b_pk in present - moved:
                a, b = _ordered(records[a_pk], records[b_pk])
                LinkDecision.objects.filter(record_a=a, record_b=b, undone_at__isnull=True).update(
                    undone_at=now, undone_by=user, undo_reason="Replaced by separating the records"
                )
                LinkDecision.objects.create(
                    record_a=a, record_b=b, decision=DecisionKind.NOT_A_MATCH, reason=reason, decided_by=user
                )
        links = list(PersonLink.objects.filter(person_record_id__in=moved))
        if links:
            person = Person.objects.create()
            PersonLink.objects.filter(pk__in=[link.pk for link in links]).update(
                person=person, how=LinkHow.DECISION, explanation={}
            )
            Person.objects.filter(links__isnull=True).delete()
        return child_join_undo(actor=user, join=join, reason=reason)
