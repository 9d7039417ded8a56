from django.apps import AppConfig


class ThrottleConfig(AppConfig):
    """Limits on pages anyone may use without signing in (a child's speaking-out link, a business's reporting
    link, the public report page): attempts counted in the database, so every web worker shares the count."""

    name = "joinedup.throttle"
    label = "throttle"
