from django.apps import AppConfig


class MaceConfig(AppConfig):
    name = "joinedup.mace"
    label = "mace"
    verbose_name = "MACE meetings"

    def ready(self) -> None:
        from joinedup.tasks.models import TaskKind
        from joinedup.tasks.registry import register

        from .services import action_done_from_task, action_reassigned_from_task

        register(TaskKind.MACE_ACTION, completed=action_done_from_task, reassigned=action_reassigned_from_task)
