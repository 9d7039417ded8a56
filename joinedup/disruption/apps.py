from django.apps import AppConfig


class DisruptionConfig(AppConfig):
    name = "joinedup.disruption"
    label = "disruption"
    verbose_name = "Disruption of adults of concern"
