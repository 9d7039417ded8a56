from django.apps import AppConfig


class VictimsConfig(AppConfig):
    """Victim care for children harmed by crime in exploitation cases, and the police's timeliness on missing
    reports: their figures on the oversight dashboard."""

    name = "joinedup.victims"
    label = "victims"

    def ready(self) -> None:
        from joinedup.oversight.figures import register

        from .figures import FIGURES

        register(*FIGURES)
