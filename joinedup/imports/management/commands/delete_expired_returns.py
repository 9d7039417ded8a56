from typing import Any

from django.core.management.base import BaseCommand

from joinedup.imports.returns import RETURN_FILE_DAYS
from joinedup.imports.services import return_files_delete_expired


class Command(BaseCommand):
    help = f"Delete the missing return files asked for more than {RETURN_FILE_DAYS} days ago (run it daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = return_files_delete_expired()
        self.stdout.write(f"Deleted {deleted} return files kept more than {RETURN_FILE_DAYS} days.")
