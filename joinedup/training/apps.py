from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """Safeguarding training: courses, who needs them, attendance and expiry, and the partnership's coverage."""

    name = "joinedup.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from joinedup.oversight.figures import register

        from .figures import FIGURES

        register(*FIGURES)
