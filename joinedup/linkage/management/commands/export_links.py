import csv
from typing import Any

from django.core.management.base import BaseCommand

from joinedup.linkage.api import person_ids
from joinedup.spreadsheet import cell_safe


class Command(BaseCommand):
    help = "Write agency,record_id,person_id for every imported person record; linked records share a person_id."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out", help="The CSV file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = person_ids()
        with open(options["out"], "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["agency", "record_id", "person_id"])
            for (agency, record_id), person_id in sorted(ids.items()):
                writer.writerow([cell_safe(agency), cell_safe(record_id), person_id])
        self.stdout.write(f"Wrote {len(ids)} records, {len(set(ids.values()))} people, to {options['out']}.")
