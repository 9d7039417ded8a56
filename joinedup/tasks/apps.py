from django.apps import AppConfig


class TasksConfig(AppConfig):
    """One work list for everyone: every action, request for information, plan action, interview and MACE
    action is a task with an owner (a person, a team or an agency), a due date, reassignment and completion."""

    name = "joinedup.tasks"
    label = "tasks"
