from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """Management oversight of each case, and challenge and escalation between agencies."""

    name = "joinedup.supervision"
    label = "supervision"

    def ready(self) -> None:
        from joinedup.oversight.figures import register

        from .figures import FIGURES

        register(*FIGURES)
