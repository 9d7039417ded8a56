from django.apps import AppConfig


class DatapackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "joinedup.datapack"
    verbose_name = "Inspection data pack"
