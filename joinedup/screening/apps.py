from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "joinedup.screening"
    label = "screening"
    verbose_name = "Health screening"
