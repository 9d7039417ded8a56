from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from joinedup.imports.parsers import ImportFileError
from joinedup.imports.services import ssda903_missing_import

from ._common import batch_report, user_named


class Command(BaseCommand):
    help = "Import an SSDA903 missing table (CHILD, DOB, MISSING, MIS_START, MIS_END) as the named user."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--as", dest="username", required=True, help="The importing user (coordinator or manager).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        try:
            batch = ssda903_missing_import(user=user, name=path.name, content=path.read_bytes())
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        except PermissionDenied:
            raise CommandError(f"{user.username} may not import: coordinators and managers only.") from None
        self.stdout.write(batch_report(batch))
