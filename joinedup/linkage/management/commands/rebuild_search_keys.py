from typing import Any

from django.core.management.base import BaseCommand

from joinedup.linkage.api import search_keys_rebuild


class Command(BaseCommand):
    help = "Build find before you create's search keys afresh for every child and every child's agency record."

    def handle(self, *args: Any, **options: Any) -> None:
        written = search_keys_rebuild()
        self.stdout.write(f"Wrote {written} search keys.")
