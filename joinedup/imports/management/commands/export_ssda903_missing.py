from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from joinedup.imports.models import ReturnKind
from joinedup.imports.permissions import can_export_missing
from joinedup.imports.services import return_csv_write

from ._common import user_named


class Command(BaseCommand):
    help = "Write the SSDA903 missing table of the children the named user may see."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out")
        parser.add_argument("--as", dest="username", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        try:
            if not can_export_missing(user):
                raise PermissionDenied
            # Written a chunk of children at a time, so a county's return needs no more memory than a borough's.
            with Path(options["out"]).open("w", encoding="utf-8", newline="") as out:
                rows, _ = return_csv_write(user=user, kind=ReturnKind.SSDA903_MISSING, out=out)
        except PermissionDenied:
            raise CommandError(f"{user.username} may not export: coordinators, leaders and managers only.") from None
        self.stdout.write(f"Wrote {rows} episodes to {options['out']}.")
