from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "joinedup.jobs"
    label = "jobs"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the worker's task_started handler
