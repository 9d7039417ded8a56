"""Point existing concerns, episodes and extract events at place records (joinedup.places): the backfill for
rows written before places were records. Safe to run again: rows already pointing at a place are left alone."""

from typing import Any

from django.core.management.base import BaseCommand

from joinedup.places.backfill import places_backfill


class Command(BaseCommand):
    help = "Resolve the place text of concerns, missing episodes and extract events to place records."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = places_backfill()
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
