from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from joinedup.imports.models import ReturnKind
from joinedup.imports.permissions import can_export_missing
from joinedup.imports.services import return_csv_write

from ._common import user_named


class Command(BaseCommand):
    help = "Write the missing columns of Ofsted Annex A list 8 for the children the named user may see."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out")
        parser.add_argument("--as", dest="username", required=True)
        parser.add_argument("--period-end", help="YYYY-MM-DD, the last day of the 12 months (default today).")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        period_end = None
        if options["period_end"]:
            try:
                period_end = date.fromisoformat(options["period_end"])
            except ValueError:
                raise CommandError("--period-end must be a date written YYYY-MM-DD.") from None
        try:
            if not can_export_missing(user):
                raise PermissionDenied
            # Written a chunk of children at a time, so a county's return needs no more memory than a borough's.
            with Path(options["out"]).open("w", encoding="utf-8", newline="") as out:
                rows, _ = return_csv_write(user=user, kind=ReturnKind.ANNEX_A_MISSING, out=out, period_end=period_end)
        except PermissionDenied:
            raise CommandError(f"{user.username} may not export: coordinators, leaders and managers only.") from None
        self.stdout.write(f"Wrote {rows} children to {options['out']}.")
