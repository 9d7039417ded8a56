from django.apps import AppConfig


class EducationConfig(AppConfig):
    """Children missing education: what schools record (a child missing education, part-time timetables,
    suspensions, permanent exclusions, elective home education), the local authority's children missing education
    officer's queue of checks and outcomes, and their figures on the oversight dashboard."""

    name = "joinedup.education"
    label = "education"

    def ready(self) -> None:
        from joinedup.oversight.figures import register

        from .figures import FIGURES

        register(*FIGURES)
