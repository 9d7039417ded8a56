from typing import Any

from django.core.management.base import BaseCommand

from joinedup import dates
from joinedup.audit.context import AuditOrigin, reset_origin, set_origin
from joinedup.profiles.services import profiles_due_enqueue


class Command(BaseCommand):
    help = (
        "Queue the local problem profiles the schedules make due (the last quarter or month that has ended, once). "
        "Run daily, e.g. from cron; the worker builds them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        token = set_origin(AuditOrigin(path="manage.py profiles_due"))
        try:
            queued = profiles_due_enqueue()
        finally:
            reset_origin(token)
        for profile in queued:
            self.stdout.write(
                f"Queued the {profile.version} profile for {dates.day(profile.period_start)} to "
                f"{dates.day(profile.period_end)} ({profile.pk})"
            )
        self.stdout.write(f"{len(queued)} profiles queued.")
