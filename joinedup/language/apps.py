from django.apps import AppConfig


class LanguageConfig(AppConfig):
    name = "joinedup.language"
    label = "language"
    verbose_name = "Appropriate language"
