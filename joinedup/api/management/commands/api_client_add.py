import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.accounts.services import system_actor
from joinedup.agencies.models import Agency
from joinedup.api.services import api_client_add


class Command(BaseCommand):
    help = (
        "Give an agency's system a key for the API, e.g. manage.py api_client_add --agency POL --name "
        '"Police case system". The key is printed once and kept only as a hash: give it to the system now. '
        "With --may-import the system may also submit the agency's extracts (its account is a manager)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency", required=True, help="The agency's code, e.g. POL.")
        parser.add_argument("--name", required=True, help="What the system is, e.g. Police case system.")
        parser.add_argument("--may-import", action="store_true", help="May submit the agency's extracts.")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code__iexact=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency has the code {options['agency']}.")
        try:
            actor = system_actor(operator=getpass.getuser())
            client, key = api_client_add(
                actor=actor, agency=agency, name=options["name"], may_import=options["may_import"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Added {client.name} for {agency.code} (client {client.pk}, account {client.user.username})."
        )
        self.stdout.write("Its key, shown only now; the platform keeps only a hash of it:")
        self.stdout.write(key)
