from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "joinedup.backups"
    label = "backups"
