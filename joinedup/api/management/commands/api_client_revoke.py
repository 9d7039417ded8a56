import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.accounts.services import system_actor
from joinedup.api.models import ApiClient
from joinedup.api.services import api_client_revoke


class Command(BaseCommand):
    help = (
        "Revoke an agency system's API key at once, e.g. manage.py api_client_revoke --agency POL --name "
        '"Police case system" (or --key-prefix jdu_AbCdEfGh, the key\'s first 12 characters). '
        "With no option, lists the systems and their keys' prefixes."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency", help="The agency's code, with --name.")
        parser.add_argument("--name", help="The system's name, with --agency.")
        parser.add_argument("--key-prefix", help="The key's first 12 characters, as listed.")

    def handle(self, *args: Any, **options: Any) -> None:
        clients = ApiClient.objects.select_related("agency")
        if options["key_prefix"]:
            clients = clients.filter(key_prefix=options["key_prefix"])
        elif options["agency"] and options["name"]:
            clients = clients.filter(agency__code__iexact=options["agency"], name=options["name"])
        else:
            for client in clients:
                state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "in use"
                last = f"{client.last_used_at:%Y-%m-%d %H:%M}" if client.last_used_at else "never"
                self.stdout.write(
                    f"{client.agency.code}\t{client.name}\t{client.key_prefix}\t{state}\tlast used {last}"
                )
            return
        found = list(clients)
        if len(found) != 1:
            raise CommandError("No single system matches: run api_client_revoke with no option to list them.")
        client = found[0]
        if client.revoked_at is not None:
            raise CommandError(
                f"{client.name} ({client.agency.code}) was already revoked on {client.revoked_at:%Y-%m-%d}."
            )
        api_client_revoke(actor=system_actor(operator=getpass.getuser()), client=client)
        self.stdout.write(f"Revoked the key of {client.name} ({client.agency.code}, {client.key_prefix}).")
