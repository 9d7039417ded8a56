from typing import Any

from django.core.management.base import BaseCommand, CommandError

from joinedup.demo.generator import ACCOUNTS, DEMO_PASSWORD, demo_area_exists, demo_area_generate


class Command(BaseCommand):
    help = "Create the synthetic demo area (the fictional borough of Wealdbridge) on an empty database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--children", type=int, default=60)
        parser.add_argument("--if-missing", action="store_true", help="Do nothing if the demo area is already there.")

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_area_exists():
            if options["if_missing"]:
                self.stdout.write("The demo area is already there.")
                self._accounts()
                return
            raise CommandError("The demo area is already there. Start from an empty database to create it again.")
        if options["children"] < 1:
            raise CommandError("--children must be at least 1.")
        summary = demo_area_generate(seed=options["seed"], children=options["children"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the demo area: {summary.agencies} agencies, {summary.children} children, "
                f"{summary.entries} chronology entries, {summary.shares} share decisions, "
                f"{summary.break_glass} emergency access to review, {summary.missing_episodes} missing episodes, "
                f"{summary.return_interviews} return home interviews, {summary.assessments} risk assessments, "
                f"{summary.mace_meetings} MACE meetings, {summary.contact_attempts} contact attempts, "
                f"{summary.extract_records} agency extract records (imported, linked and mapped)."
            )
        )
        self._accounts()

    def _accounts(self) -> None:
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, agency, _team, roles, _first, _last in ACCOUNTS:
            self.stdout.write(f"  {username:<28} {agency}  {', '.join(str(r) for r in roles)}")
