"""Writes of management oversight and challenges: permission, the write and its audit row in one transaction.

A refused write raises ``PermissionDenied`` and writes nothing; a write the rules refuse (an empty answer, a
date in the past) raises ``ValidationError`` and writes nothing.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.answers import past_or_now, required_text
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.deadlines import challenge_response_due, london_date, next_oversight_due

from .models import STAGE_ORDER, Challenge, ChallengeAbout, ChallengeStage, ChallengeStep, OversightNote


def oversight_note_record(
    *,
    user: User,
    child: Child,
    reviewed: str,
    decided: str,
    next_due: date | None = None,
    written_at: datetime | None = None,
) -> OversightNote:
    """Record a team manager's oversight of their agency's work with a child. The next oversight is due 28 days
    on unless the manager sets a date (which must be after today and not later than that)."""
    if not policy.can_record_oversight(user, child) or user.agency is None:
        raise PermissionDenied
    reviewed = required_text("reviewed", reviewed, "Say what you reviewed.")
    decided = required_text("decided", decided, "Say what you decided.")
    written_at = past_or_now(written_at)
    latest = next_oversight_due(written_at)
    if next_due is None:
        next_due = latest
    elif not london_date(written_at) < next_due <= latest:
        raise ValidationError({"next_due": "The next oversight must be within 28 days, and after today."})
    with transaction.atomic():
        note = OversightNote.objects.create(
            child=child,
            agency=user.agency,
            manager=user,
            written_at=written_at,
            reviewed=reviewed,
            decided=decided,
            next_due=next_due,
        )
        audit_record(
            actor=user,
            kind=AuditKind.OVERSIGHT_RECORDED,
            child_id=child.pk,
            object_type="oversight_note",
            object_id=str(note.pk),
            payload={"next_due": next_due.isoformat()},
        )
    return note


def challenge_raise(
    *, user: User, child: Child, to_agency: Agency, about: str, what: str, raised_at: datetime | None = None
) -> Challenge:
    """Raise a challenge to another agency working with the child, at the practitioner stage; the answer is due
    in five working days."""
    if not policy.can_raise_challenge(user, child) or user.agency is None:
        raise PermissionDenied
    if about not in ChallengeAbout.values:
        raise ValidationError({"about": "Choose whether it is about a decision or a delay."})
    what = required_text("what", what, "Say what you are challenging and why.")
    if (
        to_agency.pk == user.agency_id
        or not child.involvements.filter(agency=to_agency, ended_at__isnull=True).exists()
    ):
        raise ValidationError({"to_agency": "Choose another agency working with the child."})
    raised_at = past_or_now(raised_at)
    due = challenge_response_due(raised_at)
    with transaction.atomic():
        challenge = Challenge.objects.create(
            child=child,
            raised_by=user,
            raising_agency=user.agency,
            to_agency=to_agency,
            about=about,
            what=what,
            stage=ChallengeStage.PRACTITIONER,
            raised_at=raised_at,
            response_due=due,
        )
        ChallengeStep.objects.create(
            challenge=challenge, stage=ChallengeStage.PRACTITIONER, asked_by=user, asked_at=raised_at, response_due=due
        )
        audit_record(
            actor=user,
            kind=AuditKind.CHALLENGE_RAISED,
            child_id=child.pk,
            object_type="challenge",
            object_id=str(challenge.pk),
            payload={"to_agency": to_agency.code, "about": about, "response_due": due.isoformat()},
        )
    return challenge


def _current_step(challenge: Challenge) -> ChallengeStep:
    return challenge.steps.select_for_update().get(stage=challenge.stage)


def _locked(challenge: Challenge) -> Challenge:
    """The challenge as it is now, locked for this write (another may have answered or escalated it meanwhile)."""
    return Challenge.objects.select_for_update().select_related("child").get(pk=challenge.pk)


def challenge_respond(
    *, user: User, challenge: Challenge, response: str, responded_at: datetime | None = None
) -> ChallengeStep:
    """The challenged agency's answer at the current stage."""
    if not policy.can_respond_to_challenge(user, challenge):
        raise PermissionDenied
    response = required_text("response", response, "Write your answer.")
    responded_at = past_or_now(responded_at)
    with transaction.atomic():
        challenge = _locked(challenge)
        if not policy.can_respond_to_challenge(user, challenge):
            raise PermissionDenied
        step = _current_step(challenge)
        if step.responded_at is not None:
            raise ValidationError("This stage has been answered already; the raising agency escalates or resolves.")
        if responded_at < step.asked_at:
            raise ValidationError("The answer cannot be before the challenge was put.")
        step.response, step.responded_by, step.responded_at = response, user, responded_at
        step.save(update_fields=["response", "responded_by", "responded_at"])
        if challenge.first_responded_at is None:
            challenge.first_responded_at = responded_at
            challenge.save(update_fields=["first_responded_at"])
        audit_record(
            actor=user,
            kind=AuditKind.CHALLENGE_RESPONDED,
            child_id=challenge.child_id,
            object_type="challenge",
            object_id=str(challenge.pk),
            payload={"stage": challenge.stage},
        )
    return step


def challenge_escalate(*, user: User, challenge: Challenge, why: str, at: datetime | None = None) -> ChallengeStep:
    """Escalate an open challenge to the next stage (team managers, then senior managers), with why; a new answer
    is due in five working days."""
    if not policy.can_escalate_challenge(user, challenge):
        raise PermissionDenied
    why = required_text("why", why, "Say why you are escalating.")
    at = past_or_now(at)
    with transaction.atomic():
        challenge = _locked(challenge)
        if not policy.can_escalate_challenge(user, challenge):
            raise PermissionDenied
        stage = STAGE_ORDER[STAGE_ORDER.index(ChallengeStage(challenge.stage)) + 1]
        due = challenge_response_due(at)
        step = ChallengeStep.objects.create(
            challenge=challenge, stage=stage, asked_by=user, asked_at=at, why=why, response_due=due
        )
        challenge.stage, challenge.response_due = stage, due
        challenge.save(update_fields=["stage", "response_due"])
        audit_record(
            actor=user,
            kind=AuditKind.CHALLENGE_ESCALATED,
            child_id=challenge.child_id,
            object_type="challenge",
            object_id=str(challenge.pk),
            payload={"stage": stage, "response_due": due.isoformat()},
        )
    return step


def challenge_resolve(*, user: User, challenge: Challenge, outcome: str, at: datetime | None = None) -> Challenge:
    """The raising agency records how the challenge was resolved; it is then closed."""
    if not policy.can_resolve_challenge(user, challenge):
        raise PermissionDenied
    outcome = required_text("outcome", outcome, "Say how it was resolved.")
    at = past_or_now(at)
    with transaction.atomic():
        challenge = _locked(challenge)
        if not policy.can_resolve_challenge(user, challenge):
            raise PermissionDenied
        challenge.resolved_at, challenge.resolved_by, challenge.outcome = at, user, outcome
        challenge.save(update_fields=["resolved_at", "resolved_by", "outcome"])
        audit_record(
            actor=user,
            kind=AuditKind.CHALLENGE_RESOLVED,
            child_id=challenge.child_id,
            object_type="challenge",
            object_id=str(challenge.pk),
            payload={"stage": challenge.stage},
        )
    return challenge
