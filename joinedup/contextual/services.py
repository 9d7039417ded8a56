"""Writes of contextual safeguarding work: the policy asked, the write and its audit row in one transaction.

Only the coordinator writes (``policy.can_run_context_work``); the owner of an action marks it done, here or from
their work list. A refused write raises ``PermissionDenied`` and writes nothing; a write the rules refuse (an empty
answer, a date in the past, a child the coordinator may not see) raises ``ValidationError`` naming the field and
writes nothing. Actions owned by a person, and each next review, are tasks on the one work list
(``TaskKind.PLACE_ACTION``).
"""

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.answers import past_or_now, required_text
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.children.models import Child
from joinedup.deadlines import context_first_review_due, london_date, london_day_ends
from joinedup.places.models import Place
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_close_for, task_open

from .models import (
    ContextAction,
    ContextAssessment,
    ContextReview,
    ContextWork,
    Partner,
    PartnerKind,
    PeerGroup,
    PeerGroupMember,
    ReviewDecision,
    WorkStatus,
)

# A peer group is children seen together: two at least.
FEWEST_IN_A_GROUP = 2


def _require_coordinator(user: User) -> None:
    if not policy.can_run_context_work(user):
        raise PermissionDenied


def _require_open(work: ContextWork) -> None:
    if not work.is_open:
        raise ValidationError("The work is closed.")


def _work_link(work: ContextWork) -> str:
    return reverse("contextual:work", kwargs={"work_id": work.pk})


def _review_source(work: ContextWork) -> str:
    # The next review's task: one per review, so that the task of a review done stays done. Its number is the
    # number of reviews recorded before it.
    return f"review-{work.pk}-{work.reviews.count()}"


def _review_task_open(user: User, work: ContextWork, due: date) -> None:
    task_open(
        actor=user,
        kind=TaskKind.PLACE_ACTION,
        source_id=_review_source(work),
        title=f"Review the work on {work.subject_name}",
        link=_work_link(work),
        due_at=london_day_ends(due),
        owner=user,
    )


def _check_children(user: User, children: Sequence[Child]) -> list[Child]:
    chosen = list(dict.fromkeys(children))
    if len(chosen) < FEWEST_IN_A_GROUP:
        raise ValidationError({"children": "Choose at least two children who are seen together."})
    if any(not policy.can_view_child(user, child) for child in chosen):
        raise ValidationError({"children": "Choose only children whose records you may see."})
    return chosen


def peer_group_create(*, user: User, name: str, children: Sequence[Child], network: str = "") -> PeerGroup:
    """A peer group of children seen together, taken from a network on the map (``network``) or chosen."""
    _require_coordinator(user)
    name = required_text("name", name, "Give the group a name that does not identify a child.")
    chosen = _check_children(user, children)
    with transaction.atomic():
        group = PeerGroup.objects.create(name=name, network=network[:200], created_by=user)
        PeerGroupMember.objects.bulk_create(PeerGroupMember(group=group, child=c, added_by=user) for c in chosen)
        audit_record_many(
            actor=user,
            kind=AuditKind.CONTEXT_GROUP_CREATED,
            rows=[(c.pk, "peer_group", str(group.pk), f"Added to peer group {name}", None) for c in chosen],
        )
    return group


def peer_group_member_add(*, user: User, group: PeerGroup, child: Child) -> PeerGroupMember:
    _require_coordinator(user)
    if not policy.can_view_child(user, child):
        raise ValidationError({"child": "Choose a child whose record you may see."})
    if PeerGroupMember.objects.filter(group=group, child=child, removed_at__isnull=True).exists():
        raise ValidationError({"child": "The child is already in the group."})
    with transaction.atomic():
        member = PeerGroupMember.objects.create(group=group, child=child, added_by=user)
        audit_record(
            actor=user,
            kind=AuditKind.CONTEXT_GROUP_CHANGED,
            child_id=child.pk,
            object_type="peer_group",
            object_id=str(group.pk),
            reason="Added to the group",
        )
    return member


def peer_group_member_remove(*, user: User, group: PeerGroup, child: Child) -> PeerGroupMember:
    """The child is no longer seen with the group: their membership ends (kept, with the date)."""
    _require_coordinator(user)
    member = PeerGroupMember.objects.filter(group=group, child=child, removed_at__isnull=True).first()
    if member is None:
        raise ValidationError({"child": "The child is not in the group."})
    with transaction.atomic():
        member.removed_at, member.removed_by = timezone.now(), user
        member.save(update_fields=["removed_at", "removed_by"])
        audit_record(
            actor=user,
            kind=AuditKind.CONTEXT_GROUP_CHANGED,
            child_id=child.pk,
            object_type="peer_group",
            object_id=str(group.pk),
            reason="Removed from the group",
        )
    return member


def context_work_open(
    *,
    user: User,
    why: str,
    place: Place | None = None,
    group: PeerGroup | None = None,
    opened_at: datetime | None = None,
) -> ContextWork:
    """Open work on a place or a peer group (one of them). Its first review is a task on the coordinator's work
    list, due six weeks later."""
    _require_coordinator(user)
    if (place is None) == (group is None):
        raise ValidationError("Open the work on one place or one peer group.")
    why = required_text("why", why, "Say what brought the place or group to attention.")
    subject = place if place is not None else group
    if ContextWork.objects.filter(place=place, group=group, status=WorkStatus.OPEN).exists():
        raise ValidationError(f"Work on {subject} is already open.")
    opened_at = past_or_now(opened_at)
    with transaction.atomic():
        work = ContextWork.objects.create(place=place, group=group, why=why, opened_by=user, opened_at=opened_at)
        audit_record(
            actor=user,
            kind=AuditKind.CONTEXT_WORK_OPENED,
            object_type="context_work",
            object_id=str(work.pk),
            payload={"place": str(place.pk)} if place is not None else {"group": str(work.group_id)},
        )
        _review_task_open(user, work, context_first_review_due(opened_at))
    return work


def peer_group_work_open(
    *, user: User, name: str, children: Sequence[Child], why: str, network: str = ""
) -> ContextWork:
    """Make the peer group and open work on it, together or not at all."""
    with transaction.atomic():
        group = peer_group_create(user=user, name=name, children=children, network=network)
        return context_work_open(user=user, group=group, why=why)


def context_assessment_record(
    *,
    user: User,
    work: ContextWork,
    who_is_there: str,
    when: str,
    what_makes_it_unsafe: str,
    what_makes_it_safe: str,
    assessed_at: datetime | None = None,
) -> ContextAssessment:
    """A new version of the assessment of the context; earlier versions are kept."""
    _require_coordinator(user)
    _require_open(work)
    answers = {
        "who_is_there": required_text("who_is_there", who_is_there, "Say who is there."),
        "when": required_text("when", when, "Say when children are there or together."),
        "what_makes_it_unsafe": required_text(
            "what_makes_it_unsafe", what_makes_it_unsafe, "Say what exposes children to risk there."
        ),
        "what_makes_it_safe": required_text(
            "what_makes_it_safe", what_makes_it_safe, "Say what keeps children safe there, or that nothing does yet."
        ),
    }
    with transaction.atomic():
        latest = ContextWork.objects.select_for_update().filter(pk=work.pk).aggregate(v=Max("assessments__version"))
        assessment = ContextAssessment.objects.create(
            work=work,
            version=(latest["v"] or 0) + 1,
            assessed_by=user,
            assessed_at=past_or_now(assessed_at),
            **answers,
        )
        audit_record(
            actor=user,
            kind=AuditKind.CONTEXT_ASSESSMENT_RECORDED,
            object_type="context_work",
            object_id=str(work.pk),
            payload={"version": assessment.version},
        )
    return assessment


def context_partner_add(*, user: User, work: ContextWork, name: str, kind: str, contact: str = "") -> Partner:
    """A partner in the plan who is not a child agency; the same name and kind is the same partner across work."""
    _require_coordinator(user)
    _require_open(work)
    name = required_text("name", name, "Name the partner.")
    if kind not in PartnerKind.values:
        raise ValidationError({"kind": "Choose what kind of partner it is."})
    with transaction.atomic():
        partner = Partner.objects.filter(name__iexact=name, kind=kind).first()
        if partner is None:
            partner = Partner.objects.create(name=name, kind=kind, contact=contact.strip())
        elif contact.strip() and contact.strip() != partner.contact:
            partner.contact = contact.strip()
            partner.save(update_fields=["contact"])
        work.partners.add(partner)
        audit_record(
            actor=user,
            kind=AuditKind.CONTEXT_PARTNER_ADDED,
            object_type="context_work",
            object_id=str(work.pk),
            payload={"partner": partner.pk, "kind": kind},
        )
    return partner


def context_action_record(
    *,
    user: User,
    work: ContextWork,
    description: str,
    due: date,
    owner: User | None = None,
    owner_partner: Partner | None = None,
) -> ContextAction:
    """An action of the plan for a person on the platform (a task on their work list, marked done there) or for a
    partner of the plan (marked done on the work's page)."""
    _require_coordinator(user)
    _require_open(work)
    description = required_text("description", description, "Say what is to be done.")
    if (owner is None) == (owner_partner is None):
        raise ValidationError({"owner": "Choose one owner: a person on the platform or a partner of the plan."})
    if owner is not None and not policy.can_own_work(owner):
        raise ValidationError({"owner": f"{owner.get_full_name() or owner.username} cannot be given work."})
    if owner_partner is not None and not work.partners.filter(pk=owner_partner.pk).exists():
        raise ValidationError({"owner_partner": "Add the partner to the plan first."})
    if due < london_date(timezone.now()):
        raise ValidationError({"due": "The date must be today or later."})
    with transaction.atomic():
        action = ContextAction.objects.create(
            work=work, description=description, due=due, owner=owner, owner_partner=owner_partner, recorded_by=user
        )
        audit_record(
            actor=user,
            kind=AuditKind.CONTEXT_ACTION_RECORDED,
            object_type="context_action",
            object_id=str(action.pk),
            payload={"work": str(work.pk), "due": due.isoformat(), "partner": owner_partner is not None},
        )
        if owner is not None:
            task_open(
                actor=user,
                kind=TaskKind.PLACE_ACTION,
                source_id=str(action.pk),
                title=f"Action on {work.subject_name}: {description}",
                link=_work_link(work),
                due_at=london_day_ends(due),
                owner=owner,
                completes_here=True,
            )
    return action


def can_mark_action_done(user: User, action: ContextAction) -> bool:
    """The coordinator, or the person who owns the action."""
    return policy.can_run_context_work(user) or (action.owner_id is not None and action.owner_id == user.pk)


def _action_done(user: User, action: ContextAction) -> None:
    action.done_at, action.done_by = timezone.now(), user
    action.save(update_fields=["done_at", "done_by"])
    audit_record(
        actor=user,
        kind=AuditKind.CONTEXT_ACTION_DONE,
        object_type="context_action",
        object_id=str(action.pk),
        payload={"work": str(action.work_id)},
    )


def context_action_done(*, user: User, action: ContextAction) -> ContextAction:
    if not can_mark_action_done(user, action):
        raise PermissionDenied
    if action.done_at is not None:
        raise ValidationError("The action is already done.")
    with transaction.atomic():
        _action_done(user, action)
        task_close_for(actor=user, kind=TaskKind.PLACE_ACTION, source_id=str(action.pk), at=action.done_at)
    return action


def action_done_from_task(task: Task, user: User) -> None:
    """The work list's "Mark done" on an action's task (the tasks service checked the user may complete it): the
    action is done too. A review's task is done by recording the review, so it is not marked done here."""
    if task.source_id.startswith("review-"):
        raise ValidationError("A review is done by recording it on the work's page.")
    action = ContextAction.objects.filter(pk=int(task.source_id)).first() if task.source_id.isdigit() else None
    if action is not None and action.done_at is None:
        _action_done(user, action)


def _close(user: User, work: ContextWork, reason: str) -> None:
    work.status, work.closed_at, work.closed_by, work.closing_reason = WorkStatus.CLOSED, timezone.now(), user, reason
    work.save(update_fields=["status", "closed_at", "closed_by", "closing_reason"])
    audit_record(
        actor=user,
        kind=AuditKind.CONTEXT_WORK_CLOSED,
        object_type="context_work",
        object_id=str(work.pk),
        reason=reason[:300],
    )
    task_close_for(actor=user, kind=TaskKind.PLACE_ACTION, source_id=_review_source(work))
    # Actions not done when the work closes leave the work lists; the work's page still shows them as not done.
    for pk in work.actions.filter(done_at__isnull=True, owner__isnull=False).values_list("pk", flat=True):
        task_close_for(actor=user, kind=TaskKind.PLACE_ACTION, source_id=str(pk))


def context_review_record(
    *,
    user: User,
    work: ContextWork,
    reviewed_on: date,
    what_changed: str,
    decision: str,
    next_review: date | None = None,
    closing_reason: str = "",
) -> ContextReview:
    """A review: what changed and the decision. Unless it closes the work, it sets the next review, whose task on
    the coordinator's work list moves to that date."""
    _require_coordinator(user)
    _require_open(work)
    what_changed = required_text(
        "what_changed", what_changed, "Say what changed since the work opened or was last reviewed."
    )
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Choose the decision."})
    today = london_date(timezone.now())
    if reviewed_on > today:
        raise ValidationError({"reviewed_on": "The date must not be in the future."})
    if decision == ReviewDecision.CLOSE:
        closing_reason = required_text("closing_reason", closing_reason, "Say why the work can close.")
        next_review = None
    elif next_review is None or next_review <= reviewed_on:
        raise ValidationError({"next_review": "Give the date of the next review, after this one."})
    with transaction.atomic():
        task_close_for(actor=user, kind=TaskKind.PLACE_ACTION, source_id=_review_source(work))
        review = ContextReview.objects.create(
            work=work,
            reviewed_on=reviewed_on,
            what_changed=what_changed,
            decision=decision,
            next_review=next_review,
            recorded_by=user,
        )
        audit_record(
            actor=user,
            kind=AuditKind.CONTEXT_REVIEW_RECORDED,
            object_type="context_work",
            object_id=str(work.pk),
            payload={"decision": decision, "next_review": next_review.isoformat() if next_review else None},
        )
        if next_review is not None:
            _review_task_open(user, work, next_review)
        else:
            _close(user, work, closing_reason)
    return review


def context_work_close(*, user: User, work: ContextWork, reason: str) -> ContextWork:
    _require_coordinator(user)
    _require_open(work)
    reason = required_text("reason", reason, "Say why the work can close.")
    with transaction.atomic():
        _close(user, work, reason)
    return work
