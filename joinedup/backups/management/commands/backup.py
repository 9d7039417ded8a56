from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.backups.services import BackupError, backup, backup_verify


class Command(BaseCommand):
    help = "Back up the SQLite database online to FILE, with a manifest beside it, and verify the copy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="The new backup file.")
        parser.add_argument(
            "--verify-only", action="store_true", help="Verify an existing backup against its manifest."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_verify(options["file"]) if options["verify_only"] else backup(options["file"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        if not result.ok:
            raise CommandError("The backup failed its verification: " + " ".join(result.problems))
        self.stdout.write(
            f"{'Verified' if options['verify_only'] else 'Backed up and verified'} {options['file']}: "
            f"{result.tables} tables, {result.rows} rows, the audit trail's {result.audit_rows} rows continuous."
        )
