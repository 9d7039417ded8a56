from typing import Any

from django.core.management.base import BaseCommand

from joinedup.mapping.api import mapping_snapshot_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the mapping (people, places and things from every module) and store its hotspots, networks and "
        "adults of concern for the standard periods, which the views read."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(done: int, total: int, message: str) -> None:
            self.stdout.write(f"Step {done + 1} of {total}: {message}")

        snapshot = mapping_snapshot_refresh(progress=progress)
        self.stdout.write(
            f"Mapping refreshed in {snapshot.seconds:.2f} s: {snapshot.node_count} nodes, {snapshot.event_count} events"
        )
