from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Leaders' and managers' oversight: the partnership's figures, each drilling down to the records behind it."""

    name = "joinedup.oversight"
    label = "oversight"
