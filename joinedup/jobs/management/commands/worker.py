"""The background worker: django-tasks' ``db_worker``, made to survive what stopped it before.

On start it marks failed, with a clear message, every job whose worker on this host has died
(``jobs_orphaned_fail``); while it runs, a locked database makes it wait and try again rather than exit.
Options are ``db_worker``'s (``--interval``, ``--batch``, ``--max-tasks``, ...).
"""

import logging
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import OperationalError, close_old_connections
from django_tasks_db.utils import is_locked_database_exception

from joinedup.jobs.services import jobs_orphaned_fail

logger = logging.getLogger(__name__)

LOCKED_WAIT_SECONDS = 1.0


class Command(BaseCommand):
    help = "Run the background worker (db_worker), first failing jobs whose worker died; waits out a locked database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks for new work.")
        parser.add_argument("--batch", action="store_true", help="Stop when no work is left.")
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after this many tasks.")
        parser.add_argument("--no-startup-delay", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = jobs_orphaned_fail()
        if failed:
            self.stdout.write(f"Marked {failed} job(s) failed: their worker had stopped.")
        worker_options: dict[str, Any] = {"interval": options["interval"], "batch": options["batch"], "reload": False}
        if options["max_tasks"] is not None:
            worker_options["max_tasks"] = options["max_tasks"]
        if options["no_startup_delay"]:
            worker_options["startup_delay"] = False
        while True:
            try:
                call_command("db_worker", **worker_options)
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning("The database is locked; the worker tries again in %.0f s", LOCKED_WAIT_SECONDS)
                close_old_connections()
                time.sleep(LOCKED_WAIT_SECONDS)
