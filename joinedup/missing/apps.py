from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "joinedup.missing"
    label = "missing"
