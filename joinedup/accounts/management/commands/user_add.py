import getpass
import os
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.services import user_create
from joinedup.agencies.models import Agency


class Command(BaseCommand):
    help = (
        "Add a member of staff with their roles, e.g. the first administrator: "
        "manage.py user_add jo.admin --role administrator. The password is asked for, "
        "or read from JOINEDUP_NEW_USER_PASSWORD."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", action="append", required=True, choices=RoleCode.values, dest="roles")
        parser.add_argument("--agency", help="Agency code, e.g. CSC. Every role but administrator needs one.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username} already exists.")
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"No agency has the code {options['agency']}.")
        elif set(options["roles"]) != {RoleCode.ADMINISTRATOR}:
            raise CommandError("Give --agency: only an administrator may be added without one.")
        password = os.environ.get("JOINEDUP_NEW_USER_PASSWORD") or getpass.getpass("Password: ")
        try:
            validate_password(password, User(username=username))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user_create(
            username=username,
            password=password,
            agency=agency,
            roles=options["roles"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            email=options["email"],
        )
        self.stdout.write(self.style.SUCCESS(f"Added {username} ({', '.join(options['roles'])})."))
