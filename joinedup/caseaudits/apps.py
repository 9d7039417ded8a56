from django.apps import AppConfig


class CaseAuditsConfig(AppConfig):
    """Multi-agency case audits: a versioned audit tool, rounds that draw a sample of cases, graded audits of
    each child's case, their learning and actions, and the themes across them."""

    name = "joinedup.caseaudits"
    label = "caseaudits"

    def ready(self) -> None:
        from joinedup.oversight.figures import register

        from .figures import FIGURES

        register(*FIGURES)
