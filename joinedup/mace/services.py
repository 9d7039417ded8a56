"""Writes about MACE meetings: each checks permission, writes and audits in one transaction."""

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern, HandlingCode
from joinedup.deadlines import london_day_ends
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_close_for, task_open

from . import permissions
from .models import Action, AgendaItem, Attendance, AttendanceStatus, Decision, Meeting
from .selectors import agenda_proposals, proposal_of


def _require_runner(user: User) -> None:
    if not permissions.can_run_meetings(user):
        raise PermissionDenied


def _audit(user: User, meeting: Meeting, kind: AuditKind, *, child_id: UUID | None = None, **payload: object) -> None:
    audit_record(
        actor=user,
        kind=kind,
        child_id=child_id,
        object_type="mace_meeting",
        object_id=str(meeting.pk),
        payload=dict(payload),
    )


def meeting_create(*, user: User, held_at: datetime, location: str, chair: User | None = None) -> Meeting:
    """A coordinator arranges a meeting; they chair it unless they name someone else."""
    _require_runner(user)
    if user.agency is None:
        raise PermissionDenied
    if not location.strip():
        raise ValidationError({"location": "Enter where the meeting is held."})
    chair = chair or user
    if not policy.works_with_children(chair):
        raise ValidationError({"chair": "The chair must be a member of staff who works with children."})
    with transaction.atomic():
        meeting = Meeting.objects.create(
            held_at=held_at, location=location.strip(), chair=chair, owning_agency=user.agency, created_by=user
        )
        _audit(user, meeting, AuditKind.MACE_MEETING_CREATED, held_at=held_at.isoformat())
    return meeting


def agenda_item_add(
    *,
    user: User,
    meeting: Meeting,
    child: Child | None = None,
    adult: AdultOfConcern | None = None,
    place_name: str = "",
    place_postcode: str = "",
    reason: str = "",
) -> AgendaItem:
    """Put one subject on the agenda: exactly one of a child, an adult of concern or a place."""
    _require_runner(user)
    place_name, place_postcode = place_name.strip(), place_postcode.strip().upper()
    subjects = [child is not None, adult is not None, bool(place_name)]
    if sum(subjects) != 1:
        raise ValidationError("Choose one subject for the agenda item: a child, an adult of concern or a place.")
    if place_postcode and not place_name:
        raise ValidationError({"place_name": "Name the place as well as its postcode."})
    if child is not None:
        if not policy.can_view_child(user, child):
            raise ValidationError({"child": "No child found with that reference."})
        if meeting.agenda.filter(child=child).exists():
            raise ValidationError({"child": f"{child.full_name} is already on the agenda."})
    if adult is not None and meeting.agenda.filter(adult=adult).exists():
        raise ValidationError({"adult": f"{adult.name} is already on the agenda."})
    with transaction.atomic():
        item = AgendaItem.objects.create(
            meeting=meeting,
            child=child,
            adult=adult,
            place_name=place_name,
            place_postcode=place_postcode,
            reason=reason.strip(),
            added_by=user,
        )
        _audit(
            user,
            meeting,
            AuditKind.MACE_AGENDA_ITEM_ADDED,
            child_id=child.pk if child is not None else None,
            subject=item.kind,
            agenda_item=item.pk,
        )
    return item


def agenda_proposals_add(
    *, user: User, meeting: Meeting, child_ids: Iterable[UUID] | None = None, now: datetime | None = None
) -> list[AgendaItem]:
    """Add the proposed children to the agenda in one action (only the chosen ones, where child_ids is given)."""
    _require_runner(user)
    chosen = {UUID(str(pk)) for pk in child_ids} if child_ids is not None else None
    children = agenda_proposals(meeting=meeting, now=now).filter(pk__in=policy.children_visible_to(user).values("pk"))
    if chosen is not None:
        children = children.filter(pk__in=chosen)
    proposals = [proposal_of(child) for child in children]
    with transaction.atomic():
        return [
            agenda_item_add(user=user, meeting=meeting, child=p.child, reason=f"Proposed: {p.reason}")
            for p in proposals
        ]


def attendance_record(
    *,
    user: User,
    meeting: Meeting,
    agency: Agency,
    status: str = AttendanceStatus.ATTENDED,
    person_name: str = "",
    attendee: User | None = None,
) -> Attendance:
    _require_runner(user)
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "Choose attended or apologies."})
    if not person_name.strip() and attendee is None:
        raise ValidationError({"person_name": "Enter the person's name or choose their account."})
    with transaction.atomic():
        attendance = Attendance.objects.create(
            meeting=meeting, agency=agency, status=status, person_name=person_name.strip(), user=attendee
        )
        _audit(user, meeting, AuditKind.MACE_ATTENDANCE_RECORDED, agency=agency.code, status=status)
    return attendance


def decision_record(*, user: User, agenda_item: AgendaItem, text: str) -> Decision:
    _require_runner(user)
    if not text.strip():
        raise ValidationError({"text": "Enter the decision."})
    with transaction.atomic():
        decision = Decision.objects.create(agenda_item=agenda_item, text=text.strip(), recorded_by=user)
        _audit(
            user,
            agenda_item.meeting,
            AuditKind.MACE_DECISION_RECORDED,
            child_id=agenda_item.child_id,
            agenda_item=agenda_item.pk,
        )
    return decision


def action_add(
    *,
    user: User,
    meeting: Meeting,
    description: str,
    owner: User,
    due_on: date,
    agenda_item: AgendaItem | None = None,
) -> Action:
    """An action for one owner by a date; it shows on the owner's work list until done."""
    _require_runner(user)
    if not description.strip():
        raise ValidationError({"description": "Enter what is to be done."})
    if not permissions.can_own_actions(owner):
        raise ValidationError(
            {
                "owner": "Give the action to someone who does the work: a practitioner, a team manager or the "
                "coordinator."
            }
        )
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": "Choose an item on this meeting's agenda."})
    with transaction.atomic():
        action = Action.objects.create(
            meeting=meeting,
            agenda_item=agenda_item,
            description=description.strip(),
            owner=owner,
            due_on=due_on,
            created_by=user,
        )
        _audit(
            user,
            meeting,
            AuditKind.MACE_ACTION_ADDED,
            child_id=agenda_item.child_id if agenda_item is not None else None,
            action=action.pk,
            owner=owner.get_username(),
            due_on=due_on.isoformat(),
        )
        _action_task(user, action)
    return action


def _action_task(user: User, action: Action) -> None:
    """The action's task on the owner's work list, marked done there or here."""
    child_id = action.agenda_item.child_id if action.agenda_item is not None else None
    task_open(
        actor=user,
        kind=TaskKind.MACE_ACTION,
        source_id=str(action.pk),
        title=action.description,
        link=reverse("mace:meeting-detail", args=[action.meeting_id]),
        due_at=london_day_ends(action.due_on),
        child=Child.objects.get(pk=child_id) if child_id is not None else None,
        owner=action.owner,
        completes_here=True,
    )


def action_done_from_task(task: Task, user: User) -> None:
    """Marked done on the work list: the MACE action is done too (the tasks service's transaction)."""
    action_done(user=user, action=Action.objects.get(pk=int(task.source_id)))


def action_reassigned_from_task(task: Task, user: User) -> None:
    """Given to someone else on the work list: the MACE action's owner follows."""
    if task.owner is None or not permissions.can_own_actions(task.owner):
        raise ValidationError({"owner": "Give the action to a person who does the work."})
    Action.objects.filter(pk=int(task.source_id)).update(owner=task.owner)


def can_mark_done(user: User, action: Action) -> bool:
    """The owner, or a coordinator who runs the meetings."""
    owns = action.owner_id == user.pk and policy.works_with_children(user)
    return owns or permissions.can_run_meetings(user)


def action_done(*, user: User, action: Action) -> Action:
    if not can_mark_done(user, action):
        raise PermissionDenied
    if action.done_at is not None:
        return action
    with transaction.atomic():
        action.done_at = timezone.now()
        action.done_by = user
        action.save(update_fields=["done_at", "done_by"])
        _audit(
            user,
            action.meeting,
            AuditKind.MACE_ACTION_DONE,
            child_id=action.agenda_item.child_id if action.agenda_item is not None else None,
            action=action.pk,
        )
        task_close_for(actor=user, kind=TaskKind.MACE_ACTION, source_id=str(action.pk))
    return action


def minutes_record(
    *,
    user: User,
    meeting: Meeting,
    minutes: str,
    handling_code: str = HandlingCode.PERMITTED,
    conditions: str = "",
    condition_agencies: Iterable[Agency] = (),
) -> Meeting:
    """The minutes with their handling code: under C, only the conditions' agencies read them in full."""
    _require_runner(user)
    if handling_code not in HandlingCode.values:
        raise ValidationError({"handling_code": "The handling code is P or C."})
    if handling_code == HandlingCode.CONDITIONS and not conditions.strip():
        raise ValidationError({"conditions": "Write the conditions that apply to a C handling code."})
    with transaction.atomic():
        meeting.minutes = minutes.strip()
        meeting.minutes_handling_code = handling_code
        meeting.minutes_conditions = conditions.strip() if handling_code == HandlingCode.CONDITIONS else ""
        meeting.save(update_fields=["minutes", "minutes_handling_code", "minutes_conditions"])
        meeting.minutes_condition_agencies.set(
            list(condition_agencies) if handling_code == HandlingCode.CONDITIONS else []
        )
        _audit(user, meeting, AuditKind.MACE_MINUTES_RECORDED, handling_code=handling_code)
    return meeting
