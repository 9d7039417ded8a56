"""Writes to tasks: one door. Other apps open and close the tasks of their own work here, inside their own
transaction (they have already checked their policy and written their audit row); people reassign and complete
tasks from the work list, checked by ``access.policy`` and audited here.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency, Team
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child

from .models import Task, TaskChange
from .registry import hooks_for


def _agency_of(owner: User | None, owner_team: Team | None, owner_agency: Agency | None) -> Agency | None:
    """Whose work it is, for the managers' view: the person's agency, else the team's, else the agency asked."""
    if owner is not None and owner.agency is not None:
        return owner.agency
    if owner_team is not None:
        return owner_team.agency
    return owner_agency


def _check_owner(owner: User | None, owner_team: Team | None, owner_agency: Agency | None) -> None:
    if owner is None and owner_team is None and owner_agency is None:
        raise ValidationError({"owner": "Choose who owns the task: a person, a team or an agency."})
    if owner is not None and not policy.can_own_work(owner):
        raise ValidationError({"owner": f"{owner.get_full_name() or owner.username} cannot be given work."})


def task_open(
    *,
    actor: User | None,
    kind: str,
    source_id: str,
    title: str,
    link: str,
    due_at: datetime | None,
    child: Child | None = None,
    owner: User | None = None,
    owner_team: Team | None = None,
    owner_agency: Agency | None = None,
    urgent: bool = False,
    completes_here: bool = False,
) -> Task:
    """Open the task for a piece of work, or bring its details up to date if it is already open (the same
    ``kind`` and ``source_id``). Called by the owning app's service inside its transaction."""
    _check_owner(owner, owner_team, owner_agency)
    values = {
        "title": title[:300],
        "link": link,
        "child": child,
        "owner": owner,
        "owner_team": owner_team,
        "agency": _agency_of(owner, owner_team, owner_agency),
        "due_at": due_at,
        "urgent": urgent,
        "completes_here": completes_here,
    }
    with transaction.atomic():
        task, created = Task.objects.update_or_create(kind=kind, source_id=str(source_id), defaults=values)
        if created:
            task.created_by = actor
            task.save(update_fields=["created_by"])
            TaskChange.objects.create(task=task, what=TaskChange.What.OPENED, by=actor)
    return task


def task_close_for(*, actor: User | None, kind: str, source_id: str, at: datetime | None = None) -> None:
    """The work is done (or no longer needed): its task leaves the work lists. Nothing happens if there is
    no open task for it."""
    with transaction.atomic():
        for task in Task.objects.select_for_update().filter(
            kind=kind, source_id=str(source_id), completed_at__isnull=True
        ):
            task.completed_at = at or timezone.now()
            task.completed_by = actor
            task.save(update_fields=["completed_at", "completed_by"])
            TaskChange.objects.create(task=task, what=TaskChange.What.COMPLETED, by=actor)


def task_reassign(*, user: User, task: Task, owner: User | None = None, owner_team: Team | None = None) -> Task:
    """Give the task to another person (it stays on its team's list) or to a team (no one person owns it then),
    by its owner, a member of its team, or a manager or the coordinator whose agency it is. The app the work
    comes from is told, so its own record says the same."""
    if not policy.can_reassign_task(user, task):
        raise PermissionDenied
    if task.completed_at is not None:
        raise ValidationError("The task is already done.")
    if owner is None and owner_team is None:
        raise ValidationError({"owner": "Choose a person or a team."})
    _check_owner(owner, owner_team, None)
    if owner is not None and task.child is not None and not policy.can_view_child(owner, task.child):
        raise ValidationError({"owner": "Choose someone who may see the child's record."})
    with transaction.atomic():
        before = task.owner_label
        task.owner, task.owner_team = owner, owner_team or (task.owner_team if owner is not None else None)
        task.agency = _agency_of(task.owner, task.owner_team, None)
        task.save(update_fields=["owner", "owner_team", "agency"])
        hook = hooks_for(task.kind).reassigned
        if hook is not None:
            hook(task, user)
        TaskChange.objects.create(
            task=task, what=TaskChange.What.REASSIGNED, by=user, detail=f"From {before} to {task.owner_label}"
        )
        audit_record(
            actor=user,
            kind=AuditKind.TASK_CHANGED,
            child_id=task.child_id,
            object_type="task",
            object_id=str(task.pk),
            reason=f"Reassigned: {task.title}",
        )
    return task


def task_complete(*, user: User, task: Task) -> Task:
    """Mark done a task whose work is done on the work list itself (the app it comes from is told)."""
    if not policy.can_complete_task(user, task):
        raise PermissionDenied
    if not task.completes_here:
        raise ValidationError("This task is done on its own page.")
    if task.completed_at is not None:
        raise ValidationError("The task is already done.")
    with transaction.atomic():
        task.completed_at, task.completed_by = timezone.now(), user
        task.save(update_fields=["completed_at", "completed_by"])
        hook = hooks_for(task.kind).completed
        if hook is not None:
            hook(task, user)
        TaskChange.objects.create(task=task, what=TaskChange.What.COMPLETED, by=user)
        audit_record(
            actor=user,
            kind=AuditKind.TASK_CHANGED,
            child_id=task.child_id,
            object_type="task",
            object_id=str(task.pk),
            reason=f"Completed: {task.title}",
        )
    return task


def tasks_close_for_child(*, actor: User | None, child: Child, why: str) -> int:
    """The child's record has closed (every agency's involvement ended): the open tasks about the child leave
    the work lists, each with a change saying why, in one statement each. Called by the children app's service
    in the transaction that closes the record; the work's own record stays as it was. Returns how many closed."""
    now = timezone.now()
    with transaction.atomic():
        open_tasks = list(
            Task.objects.select_for_update().filter(child=child, completed_at__isnull=True).values_list("pk", flat=True)
        )
        if not open_tasks:
            return 0
        Task.objects.filter(pk__in=open_tasks).update(completed_at=now, completed_by=actor)
        detail = f"The child's record closed: {why}"[:300]
        TaskChange.objects.bulk_create(
            [
                TaskChange(task_id=pk, what=TaskChange.What.COMPLETED, at=now, by=actor, detail=detail)
                for pk in open_tasks
            ]
        )
    return len(open_tasks)
