"""Writes of record linkage: runs, decisions on pairs, undoing them. Each checks permission,
writes in one transaction and records its audit row in it."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.imports.models import PersonRecord

from .internals.run import link_new_records_run, link_records_run
from .models import DecisionKind, LinkDecision, LinkHow, LinkRun, Person, PersonLink, ReviewItem, ReviewStatus
from .permissions import can_link_records


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
        },
    )
    return run


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
        decision = LinkDecision.objects.select_for_update().get(pk=decision.pk)
        if decision.undone_at is not None:
            raise ValidationError("That decision is already undone.")
        decision.undone_at, decision.undone_by, decision.undo_reason = timezone.now(), user, reason
        decision.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        if decision.decision == DecisionKind.MATCH:
            _take_out(decision.record_b)
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
