from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.backups.services import BackupError, restore


class Command(BaseCommand):
    help = "Replace the SQLite database with a verified backup (made by manage.py backup), then verify it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The backup file; its manifest must be beside it.")
        parser.add_argument("--yes", action="store_true", help="Confirm: everything written since the backup is lost.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError(
                "Restoring replaces the whole database with the backup: everything written since is lost. "
                "Stop the web server and the worker, then run again with --yes."
            )
        try:
            result = restore(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not result.ok:
            raise CommandError("The restored database does not match the backup: " + " ".join(result.problems))
        self.stdout.write(
            f"Restored {options['file']} and verified: {result.tables} tables, {result.rows} rows, "
            f"the audit trail's {result.audit_rows} rows continuous."
        )
