from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from joinedup.imports.services import ssda903_missing_export

from ._common import user_named


class Command(BaseCommand):
    help = "Write the SSDA903 missing table of the children the named user may see."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out")
        parser.add_argument("--as", dest="username", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_named(options["username"])
        try:
            text = ssda903_missing_export(user=user)
        except PermissionDenied:
            raise CommandError(f"{user.username} may not export: coordinators, leaders and managers only.") from None
        Path(options["out"]).write_text(text, encoding="utf-8", newline="")
        self.stdout.write(f"Wrote {text.count(chr(10)) - 1} episodes to {options['out']}.")
