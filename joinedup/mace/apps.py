from django.apps import AppConfig


class MaceConfig(AppConfig):
    name = "joinedup.mace"
    label = "mace"
    verbose_name = "MACE meetings"
