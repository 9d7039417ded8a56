"""Reads of the work list. One query for a person's own tasks and one for a manager's overdue ones, whatever
the number of tasks or their kinds."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User

from .models import Task


def _visible(user: User, tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks about no child, or about a child the user may see."""
    return tasks.filter(Q(child__isnull=True) | Q(child__in=policy.children_visible_to(user)))


def tasks_for(*, user: User) -> QuerySet[Task]:
    """Open tasks that are the user's: given to them, to their team, or to their agency as a whole."""
    mine = Q(owner=user)
    if user.team_id is not None:
        mine |= Q(owner_team_id=user.team_id)
    if user.agency_id is not None:
        mine |= Q(owner__isnull=True, owner_team__isnull=True, agency_id=user.agency_id)
    tasks = Task.objects.filter(mine, completed_at__isnull=True)
    return _visible(user, tasks).select_related("child", "owner", "owner_team", "agency")


def overdue_for_manager(*, user: User) -> QuerySet[Task]:
    """For a manager (or the coordinator), the agency's open tasks that are overdue and not their own."""
    if not user.has_role(RoleCode.MANAGER, RoleCode.COORDINATOR) or user.agency_id is None:
        return Task.objects.none()
    tasks = Task.objects.filter(agency_id=user.agency_id, completed_at__isnull=True, due_at__lt=timezone.now()).exclude(
        owner=user
    )
    if user.team_id is not None:
        tasks = tasks.exclude(owner_team_id=user.team_id)
    return _visible(user, tasks).select_related("child", "owner", "owner_team", "agency")


def task_get(*, user: User, task_id: str) -> Task | None:
    task = Task.objects.select_related("child", "owner", "owner_team", "agency").filter(pk=task_id).first()
    return task
