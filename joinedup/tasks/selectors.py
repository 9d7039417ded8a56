"""Reads of the work list. One query for a person's own tasks and one for a manager's overdue ones, whatever
the number of tasks or their kinds."""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Team

from .models import Task, TaskKind


def _visible(user: User, tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Tasks about no child, or about a child the user may see."""
    return tasks.filter(Q(child__isnull=True) | Q(child__in=policy.children_visible_to(user)))


def tasks_for(*, user: User) -> QuerySet[Task]:
    """Open tasks that are the user's: given to them or to their team; and work given to their agency as a whole
    (a request for information reaches its practitioners and managers, any other its managers and coordinator)."""
    mine = Q(owner=user)
    if user.team_id is not None:
        mine |= Q(owner_team_id=user.team_id)
    if user.agency_id is not None:
        agency_wide = Q(owner__isnull=True, owner_team__isnull=True, agency_id=user.agency_id)
        if user.has_role(RoleCode.MANAGER, RoleCode.COORDINATOR):
            mine |= agency_wide
        elif policy.answers_information_requests(user):
            mine |= agency_wide & Q(kind=TaskKind.INFORMATION_REQUEST)
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


def task_get(*, user: User, task_id: UUID) -> Task:
    """A task the user may act on; 404 for any other (its existence is not confirmed)."""
    task = Task.objects.select_related("child", "owner", "owner_team", "agency").filter(pk=task_id).first()
    if task is None or not policy.can_reassign_task(user, task):
        raise Http404("No task found")
    return task


def reassign_choices(*, user: User, task: Task) -> tuple[QuerySet[User], QuerySet[Team]]:
    """Who a task may go to: people who can own work, in the user's agency, the task's agency or its team's,
    and may see the child; and the teams of those agencies (the return interview service's team included for
    a return interview)."""
    agency_ids = {a for a in (user.agency_id, task.agency_id) if a is not None}
    if task.owner_team is not None:
        agency_ids.add(task.owner_team.agency_id)
    teams = Team.objects.filter(agency_id__in=agency_ids)
    if task.kind == TaskKind.RETURN_INTERVIEW:
        teams = teams | Team.objects.filter(return_interviews=True)
    people = (
        User.objects.filter(is_active=True, roles__code__in=policy.WORK_OWNER_ROLES)
        .filter(Q(agency_id__in=agency_ids) | Q(team__in=teams))
        .distinct()
        .select_related("agency", "team")
        .order_by("last_name", "first_name", "username")
    )
    if task.child is not None:
        allowed = [p.pk for p in people if policy.can_view_child(p, task.child)]
        people = User.objects.filter(pk__in=allowed).order_by("last_name", "first_name", "username")
    return people, teams.distinct().select_related("agency").order_by("agency__name", "name")
