from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "joinedup.linkage"
    label = "linkage"
    verbose_name = "Record linkage"
