from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "joinedup.profiles"
    verbose_name = "Local problem profiles"
