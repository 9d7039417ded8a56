from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.agencies.models import AgencyKind
from joinedup.agencies.services import agency_create


class Command(BaseCommand):
    help = (
        "Register a partner agency, e.g. on a first install without the demo: "
        "manage.py agency_add POL 'Wealdbridge Police' --kind police. Then add its staff with user_add."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", help="The short code its extracts use, e.g. POL.")
        parser.add_argument("name", help="The agency's name.")
        parser.add_argument("--kind", required=True, choices=AgencyKind.values)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency = agency_create(code=options["code"], name=options["name"], kind=options["kind"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Registered {agency.code}: {agency.name} ({agency.get_kind_display()})."))
