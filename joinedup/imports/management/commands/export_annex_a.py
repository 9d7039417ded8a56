from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from joinedup.imports.services import annex_a_missing_export

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
            text = annex_a_missing_export(user=user, period_end=period_end)
        except PermissionDenied:
            raise CommandError(f"{user.username} may not export: coordinators, leaders and managers only.") from None
        Path(options["out"]).write_text(text, encoding="utf-8", newline="")
        self.stdout.write(f"Wrote {text.count(chr(10)) - 1} children to {options['out']}.")
