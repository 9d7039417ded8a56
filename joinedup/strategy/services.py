"""Writes about strategy discussions, section 47 enquiries and NRM referrals: permission, the write, its audit row
(and the task of an action) in one transaction.

A refused write raises ``PermissionDenied`` and writes nothing; a write the rules refuse raises ``ValidationError``
and writes nothing: a section 47 decision without children's social care and police taking part, a date in the
future, an NRM decision before the referral, a conclusive grounds decision without a positive reasonable grounds
decision.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.answers import required_text
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern
from joinedup.deadlines import initial_conference_due, london_date, london_day_ends
from joinedup.frontdoor.models import Contact
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_close_for, task_open

from .models import (
    FIRST_RESPONDER_KINDS,
    REQUIRED_FOR_SECTION_47,
    SECTION_47_DECISIONS,
    EnquiryOutcome,
    ExploitationType,
    GroundsDecision,
    NRMReferral,
    Participant,
    Section47Enquiry,
    StrategyAction,
    StrategyDecision,
    StrategyDiscussion,
)


@dataclass(frozen=True)
class ParticipantGiven:
    """One person who took part, as the page gives them."""

    agency: Agency
    role: str
    person_name: str = ""
    user: User | None = None
    information_shared: str = ""


def _today() -> date:
    return london_date(timezone.now())


def _audit(
    user: User, kind: AuditKind, child_id: object, object_type: str, object_id: object, **payload: object
) -> None:
    audit_record(
        actor=user,
        kind=kind,
        child_id=child_id,  # type: ignore[arg-type]
        object_type=object_type,
        object_id=str(object_id),
        payload=dict(payload),
    )


def _require_holder(user: User, child: Child) -> None:
    if not policy.can_hold_strategy_discussion(user, child):
        raise PermissionDenied


def _participants_check(participants: Sequence[ParticipantGiven]) -> list[ParticipantGiven]:
    checked = []
    for given in participants:
        if not given.person_name.strip() and given.user is None:
            raise ValidationError({"participants": "Give the name of each person who took part."})
        if not given.role.strip():
            raise ValidationError({"participants": f"Give the role of {given.person_name.strip() or given.user}."})
        checked.append(given)
    if not checked:
        raise ValidationError({"participants": "Record who took part: children's social care and police at least."})
    return checked


def missing_kinds(kinds: set[str], expected: Sequence[str]) -> list[str]:
    """The expected kinds of agency not among those that took part, in the order expected."""
    return [kind for kind in expected if kind not in kinds]


def discussion_record(
    *,
    user: User,
    child: Child,
    held_at: datetime,
    chaired_by: User,
    why: str,
    decision: str,
    reasons: str,
    participants: Sequence[ParticipantGiven],
    contact: Contact | None = None,
) -> StrategyDiscussion:
    """Record a strategy discussion about a child: who took part and what each agency shared, the decision and
    why. A section 47 decision (single agency or joint) is refused unless children's social care and police took
    part, and starts the section 47 enquiry, its conference due within 15 working days."""
    _require_holder(user, child)
    if user.agency is None:
        raise PermissionDenied
    if contact is not None and contact.child_id != child.pk:
        raise ValidationError("The contact is about another child.")
    if held_at > timezone.now():
        raise ValidationError({"held_at": "The discussion must have been held: the time must not be in the future."})
    # The form gives the time to the minute: a discussion held in the minute the contact arrived is not before it.
    if contact is not None and held_at < contact.received_at.replace(second=0, microsecond=0):
        raise ValidationError({"held_at": "The discussion cannot be before the contact was received."})
    if not policy.works_with_children(chaired_by):
        raise ValidationError({"chaired_by": "The chair must be a member of staff who works with children."})
    why = required_text("why", why, "Say why the strategy discussion was held.")
    reasons = required_text("reasons", reasons, "Give the reasons for the decision.")
    if decision not in StrategyDecision.values:
        raise ValidationError({"decision": "Choose the decision."})
    given = _participants_check(participants)
    kinds = {p.agency.kind for p in given}
    absent = missing_kinds(kinds, REQUIRED_FOR_SECTION_47)
    if decision in SECTION_47_DECISIONS and absent:
        names = " and ".join(AgencyKind(kind).label.lower() for kind in absent)
        raise ValidationError(
            {
                "decision": f"A section 47 enquiry is decided with children's social care and police taking part: "
                f"{names} did not. Hold the discussion with them, or record another decision."
            }
        )
    with transaction.atomic():
        discussion = StrategyDiscussion.objects.create(
            child=child,
            contact=contact,
            held_at=held_at,
            chaired_by=chaired_by,
            agency=user.agency,
            recorded_by=user,
            why=why,
            decision=decision,
            reasons=reasons,
        )
        Participant.objects.bulk_create(
            Participant(
                discussion=discussion,
                agency=p.agency,
                person_name=p.person_name.strip(),
                user=p.user,
                role=p.role.strip(),
                information_shared=p.information_shared.strip(),
            )
            for p in given
        )
        enquiry = None
        if decision in SECTION_47_DECISIONS:
            enquiry = Section47Enquiry.objects.create(
                discussion=discussion,
                child=child,
                joint_with_police=decision == StrategyDecision.S47_JOINT,
                started_on=london_date(held_at),
                conference_due=initial_conference_due(held_at),
            )
        _audit(
            user,
            AuditKind.STRATEGY_DISCUSSION_RECORDED,
            child.pk,
            "strategy_discussion",
            discussion.pk,
            decision=decision,
            agencies=sorted({p.agency.code for p in given}),
            section47=str(enquiry.pk) if enquiry is not None else None,
        )
    return discussion


def _locked(discussion: StrategyDiscussion) -> StrategyDiscussion:
    return StrategyDiscussion.objects.select_for_update().select_related("child").get(pk=discussion.pk)


def action_add(
    *, user: User, discussion: StrategyDiscussion, description: str, owner: User, due_on: date
) -> StrategyAction:
    """An action agreed at the discussion for one owner by a date: a task on the owner's work list until done."""
    _require_holder(user, discussion.child)
    description = required_text("description", description, "Say what is to be done.")
    if not policy.can_own_work(owner) or not policy.can_view_child(owner, discussion.child):
        raise ValidationError({"owner": "Give the action to someone who does the work and may see the child's record."})
    if due_on < london_date(discussion.held_at):
        raise ValidationError({"due_on": "The action cannot be due before the discussion was held."})
    with transaction.atomic():
        action = StrategyAction.objects.create(
            discussion=discussion, description=description, owner=owner, due_on=due_on, created_by=user
        )
        _audit(
            user,
            AuditKind.STRATEGY_ACTION_ADDED,
            discussion.child_id,
            "strategy_discussion",
            discussion.pk,
            action=action.pk,
            owner=owner.get_username(),
            due_on=due_on.isoformat(),
        )
        task_open(
            actor=user,
            kind=TaskKind.STRATEGY_ACTION,
            source_id=str(action.pk),
            title=f"Strategy discussion action: {description}",
            link=reverse("strategy:discussion", args=[discussion.pk]),
            due_at=london_day_ends(due_on),
            child=discussion.child,
            owner=owner,
            completes_here=True,
        )
    return action


def can_mark_action_done(user: User, action: StrategyAction) -> bool:
    """The owner (while they may see the child), or whoever may hold the child's strategy discussions."""
    child = action.discussion.child
    owns = action.owner_id == user.pk and policy.works_with_children(user) and policy.can_view_child(user, child)
    return owns or policy.can_hold_strategy_discussion(user, child)


def action_done(*, user: User, action: StrategyAction) -> StrategyAction:
    if not can_mark_action_done(user, action):
        raise PermissionDenied
    if action.done_at is not None:
        return action
    with transaction.atomic():
        action.done_at, action.done_by = timezone.now(), user
        action.save(update_fields=["done_at", "done_by"])
        _audit(
            user,
            AuditKind.STRATEGY_ACTION_DONE,
            action.discussion.child_id,
            "strategy_discussion",
            action.discussion_id,
            action=action.pk,
        )
        task_close_for(actor=user, kind=TaskKind.STRATEGY_ACTION, source_id=str(action.pk))
    return action


def action_done_from_task(task: Task, user: User) -> None:
    """Marked done on the work list (inside the tasks service's transaction): the action is done too."""
    action_done(
        user=user, action=StrategyAction.objects.select_related("discussion__child").get(pk=int(task.source_id))
    )


def action_reassigned_from_task(task: Task, user: User) -> None:
    """Given to someone else on the work list: the action's owner follows."""
    action = StrategyAction.objects.select_related("discussion__child").get(pk=int(task.source_id))
    owner = task.owner
    if owner is None or not policy.can_own_work(owner) or not policy.can_view_child(owner, action.discussion.child):
        raise ValidationError({"owner": "Give the action to a person who does the work and may see the child."})
    StrategyAction.objects.filter(pk=action.pk).update(owner=owner)


def mace_propose(*, user: User, discussion: StrategyDiscussion, reason: str) -> StrategyDiscussion:
    """The discussion proposes the child for MACE: the child is among the children proposed for the next MACE
    meeting's agenda (``joinedup.mace``) until put on a meeting's agenda."""
    _require_holder(user, discussion.child)
    reason = required_text("reason", reason, "Say why the child is proposed for MACE.")
    with transaction.atomic():
        discussion = _locked(discussion)
        if discussion.mace_proposed_at is not None:
            raise ValidationError("The discussion has already proposed the child for MACE.")
        discussion.mace_proposed_at, discussion.mace_proposed_by, discussion.mace_reason = timezone.now(), user, reason
        discussion.save(update_fields=["mace_proposed_at", "mace_proposed_by", "mace_reason"])
        _audit(user, AuditKind.STRATEGY_MACE_PROPOSED, discussion.child_id, "strategy_discussion", discussion.pk)
    return discussion


def disruption_plan_record(
    *, user: User, discussion: StrategyDiscussion, plan: str, adult: AdultOfConcern | None = None
) -> StrategyDiscussion:
    """The disruption plan agreed at the discussion, against an adult of concern where there is one (what is done
    against the adult is recorded as disruption on their page, ``joinedup.disruption``)."""
    _require_holder(user, discussion.child)
    plan = required_text("plan", plan, "Describe the disruption plan.")
    with transaction.atomic():
        discussion = _locked(discussion)
        discussion.disruption_plan, discussion.disruption_adult = plan, adult
        discussion.disruption_recorded_at, discussion.disruption_recorded_by = timezone.now(), user
        discussion.save(
            update_fields=["disruption_plan", "disruption_adult", "disruption_recorded_at", "disruption_recorded_by"]
        )
        _audit(
            user,
            AuditKind.STRATEGY_DISRUPTION_PLANNED,
            discussion.child_id,
            "strategy_discussion",
            discussion.pk,
            adult=str(adult.pk) if adult is not None else None,
        )
    return discussion


def section47_outcome_record(
    *, user: User, enquiry: Section47Enquiry, outcome: str, outcome_on: date, conference_on: date | None = None
) -> Section47Enquiry:
    """The enquiry's outcome, once: an initial child protection conference (with its date), a child in need plan,
    or no further action."""
    _require_holder(user, enquiry.child)
    if outcome not in EnquiryOutcome.values:
        raise ValidationError({"outcome": "Choose the enquiry's outcome."})
    if outcome_on < enquiry.started_on:
        raise ValidationError({"outcome_on": "The outcome cannot be before the enquiry started."})
    if outcome_on > _today():
        raise ValidationError({"outcome_on": "The date must be today or in the past."})
    if outcome == EnquiryOutcome.CONFERENCE:
        if conference_on is None:
            raise ValidationError({"conference_on": "Give the date of the initial child protection conference."})
        if conference_on < enquiry.started_on:
            raise ValidationError({"conference_on": "The conference cannot be before the strategy discussion."})
    elif conference_on is not None:
        raise ValidationError({"conference_on": "A conference date goes only with a conference."})
    with transaction.atomic():
        enquiry = Section47Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if enquiry.outcome:
            raise ValidationError("The enquiry's outcome is already recorded.")
        enquiry.outcome, enquiry.outcome_on, enquiry.conference_on = outcome, outcome_on, conference_on
        enquiry.outcome_recorded_by, enquiry.outcome_recorded_at = user, timezone.now()
        enquiry.save(
            update_fields=["outcome", "outcome_on", "conference_on", "outcome_recorded_by", "outcome_recorded_at"]
        )
        _audit(
            user,
            AuditKind.SECTION47_OUTCOME_RECORDED,
            enquiry.child_id,
            "section47_enquiry",
            enquiry.pk,
            outcome=outcome,
            conference_in_time=enquiry.conference_in_time,
        )
    return enquiry


# National Referral Mechanism -------------------------------------------------------------------------------------


def nrm_referral_record(
    *, user: User, child: Child, first_responder: Agency, referred_on: date, exploitation_type: str
) -> NRMReferral:
    """A referral to the NRM for a child by a first responder organisation (no consent is needed under 18)."""
    if not policy.can_record_nrm(user, child):
        raise PermissionDenied
    kind = FIRST_RESPONDER_KINDS.get(AgencyKind(first_responder.kind)) if first_responder.kind else None
    if kind is None:
        raise ValidationError(
            {
                "first_responder": "Only a first responder organisation refers: the local authority, police or a "
                "designated charity."
            }
        )
    if referred_on > _today():
        raise ValidationError({"referred_on": "The date must be today or in the past."})
    if exploitation_type not in ExploitationType.values:
        raise ValidationError({"exploitation_type": "Choose the kind of exploitation."})
    with transaction.atomic():
        referral = NRMReferral.objects.create(
            child=child,
            first_responder=first_responder,
            first_responder_kind=kind,
            referred_on=referred_on,
            exploitation_type=exploitation_type,
            recorded_by=user,
        )
        _audit(
            user,
            AuditKind.NRM_REFERRAL_RECORDED,
            child.pk,
            "nrm_referral",
            referral.pk,
            first_responder=first_responder.code,
            exploitation_type=exploitation_type,
        )
    return referral


NRM_STAGES = ("reasonable", "conclusive")


def nrm_decision_record(
    *, user: User, referral: NRMReferral, stage: str, decision: str, decided_on: date
) -> NRMReferral:
    """The competent authority's reasonable grounds decision, then (only after a positive one) its conclusive
    grounds decision; each once, dated on or after the referral (and the conclusive on or after the reasonable)
    and not in the future."""
    if not policy.can_record_nrm(user, referral.child):
        raise PermissionDenied
    if stage not in NRM_STAGES:
        raise ValidationError("Choose the reasonable grounds or the conclusive grounds decision.")
    if decision not in GroundsDecision.values:
        raise ValidationError({"decision": "Choose positive or negative."})
    if decided_on > _today():
        raise ValidationError({"decided_on": "The date must be today or in the past."})
    with transaction.atomic():
        referral = NRMReferral.objects.select_for_update().select_related("child").get(pk=referral.pk)
        if decided_on < referral.referred_on:
            raise ValidationError({"decided_on": "The decision cannot be before the referral."})
        if stage == "reasonable":
            if referral.reasonable_grounds:
                raise ValidationError("The reasonable grounds decision is already recorded.")
            referral.reasonable_grounds, referral.reasonable_grounds_on = decision, decided_on
            fields = ["reasonable_grounds", "reasonable_grounds_on"]
        else:
            if referral.reasonable_grounds != GroundsDecision.POSITIVE or referral.reasonable_grounds_on is None:
                raise ValidationError(
                    "A conclusive grounds decision follows only a positive reasonable grounds decision."
                )
            if referral.conclusive_grounds:
                raise ValidationError("The conclusive grounds decision is already recorded.")
            if decided_on < referral.reasonable_grounds_on:
                raise ValidationError({"decided_on": "The decision cannot be before the reasonable grounds decision."})
            referral.conclusive_grounds, referral.conclusive_grounds_on = decision, decided_on
            fields = ["conclusive_grounds", "conclusive_grounds_on"]
        referral.save(update_fields=fields)
        _audit(
            user,
            AuditKind.NRM_DECISION_RECORDED,
            referral.child_id,
            "nrm_referral",
            referral.pk,
            stage=stage,
            decision=decision,
        )
    return referral
