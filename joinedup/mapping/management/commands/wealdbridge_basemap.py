from typing import Any

from django.core.management.base import BaseCommand

from joinedup.mapping.basemap import basemap_build, basemap_write


class Command(BaseCommand):
    help = "Write the demo's base map of Wealdbridge (GeoJSON) to the static file the maps draw."

    def handle(self, *args: Any, **options: Any) -> None:
        path = basemap_write()
        count = len(basemap_build()["features"])
        self.stdout.write(f"Wrote {count} features to {path}.")
