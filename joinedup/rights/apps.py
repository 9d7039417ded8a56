from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "joinedup.rights"
    label = "rights"
    verbose_name = "The child's rights under data protection"
