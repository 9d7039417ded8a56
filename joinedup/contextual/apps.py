from django.apps import AppConfig


class ContextualConfig(AppConfig):
    """Contextual safeguarding: work on a place or a peer group (children seen together), with an assessment of the
    context, a plan with partners who are not child agencies, actions on the work list and reviews."""

    name = "joinedup.contextual"
    label = "contextual"
    verbose_name = "Contextual safeguarding"

    def ready(self) -> None:
        from joinedup.tasks.models import TaskKind
        from joinedup.tasks.registry import register

        from .services import action_done_from_task

        register(TaskKind.PLACE_ACTION, completed=action_done_from_task)
