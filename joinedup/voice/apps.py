from django.apps import AppConfig


class VoiceConfig(AppConfig):
    """The child's say (what matters to the child, who they want to work with, what they can manage) and speaking
    out: a child's personal link to tell their key worker something. Its figures count, never name."""

    name = "joinedup.voice"
    label = "voice"

    def ready(self) -> None:
        from joinedup.oversight.figures import register
        from joinedup.tasks.models import TaskKind
        from joinedup.tasks.registry import register as register_task_hooks

        from .figures import FIGURES
        from .services import message_task_completed

        register(*FIGURES)
        register_task_hooks(TaskKind.CHILD_MESSAGE, completed=message_task_completed)
