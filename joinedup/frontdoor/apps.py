from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    """The front door: contacts and referrals about children, decided against the local threshold document."""

    name = "joinedup.frontdoor"
    label = "frontdoor"

    def ready(self) -> None:
        from joinedup.oversight.figures import register

        from .figures import FIGURES

        register(*FIGURES)
