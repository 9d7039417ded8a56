import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.mapping.api import map_patterns


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date: write YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Write hotspots (with the change against the previous period of the same length), networks and adults "
        "of concern for a period as JSON, over everything every agency recorded."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--since", required=True, help="First day of the period, YYYY-MM-DD.")
        parser.add_argument("--until", required=True, help="Last day of the period (included), YYYY-MM-DD.")
        parser.add_argument("--out", required=True, help="The JSON file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        since, until = _date(options["since"]), _date(options["until"])
        if until < since:
            raise CommandError("--until is before --since.")
        patterns = map_patterns(since=since, until=until)
        Path(options["out"]).write_text(json.dumps(patterns, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        self.stdout.write(
            f"{len(patterns['hotspots'])} hotspots, {len(patterns['networks'])} networks, "
            f"{len(patterns['adults_of_concern'])} adults of concern written to {options['out']}"
        )
