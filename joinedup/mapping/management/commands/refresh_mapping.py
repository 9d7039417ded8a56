from typing import Any

from django.core.management.base import BaseCommand

from joinedup.mapping.api import mapping_snapshot_refresh


class Command(BaseCommand):
    help = "Rebuild the mapping snapshot (people, places and things from every module) that the views read."

    def handle(self, *args: Any, **options: Any) -> None:
        snapshot = mapping_snapshot_refresh()
        self.stdout.write(
            f"Mapping refreshed in {snapshot.seconds:.2f} s: {snapshot.node_count} nodes, {snapshot.event_count} events"
        )
