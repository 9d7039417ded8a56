import getpass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from joinedup.accounts.services import system_actor
from joinedup.imports.parsers import ImportFileError
from joinedup.imports.services import agency_extract_import

from ._common import batch_report, user_named


class Command(BaseCommand):
    help = "Import agency extracts (folders or zips holding people.csv and events.csv) as the named user."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument(
            "--as",
            dest="username",
            default=None,
            help="The importing user (coordinator or manager). Without it, the platform imports as a system "
            "actor that names you (the operating-system user) in the audit trail.",
        )
        parser.add_argument(
            "--register-agencies", action="store_true", help="Register agency codes not known yet (coordinators)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["username"]:
            user = user_named(options["username"])
        else:
            try:
                user = system_actor(operator=getpass.getuser())
            except ValueError as error:
                raise CommandError(str(error)) from None
        try:
            batch = agency_extract_import(
                user=user, path_or_files=options["paths"], register_agencies=options["register_agencies"]
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        except PermissionDenied:
            raise CommandError(
                f"{user.username} may not import this: coordinators, and managers for their own agency."
            ) from None
        self.stdout.write(batch_report(batch))
