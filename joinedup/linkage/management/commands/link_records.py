from typing import Any

from django.core.management.base import BaseCommand

from joinedup.linkage.api import link_records


class Command(BaseCommand):
    help = "Link every imported person record: score pairs, link the strong ones, queue the grey zone for review."

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"Step {done} of {total}")

        run = link_records(progress=progress)
        self.stdout.write(
            f"Linked {run.records} records into {run.people} people: {run.pairs_scored} pairs scored, "
            f"{run.auto_links} automatic links, {run.review_items} pairs to review."
        )
