from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "joinedup.mapping"
    label = "mapping"
    verbose_name = "Mapping of people, places and things"
