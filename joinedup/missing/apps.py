from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "joinedup.missing"
    label = "missing"

    def ready(self) -> None:
        from joinedup.tasks.models import TaskKind
        from joinedup.tasks.registry import register

        from . import services

        register(TaskKind.RETURN_INTERVIEW, reassigned=services.interview_reassigned_from_task)
        register(
            TaskKind.INTERVIEW_ACTION,
            completed=services.interview_action_done_from_task,
            reassigned=services.interview_action_reassigned_from_task,
        )
