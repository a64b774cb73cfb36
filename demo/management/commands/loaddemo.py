"""``manage.py loaddemo``: the demo coalition and one user per role, for development only."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.builder import DEFAULT_PASSWORD, DEMO_KEY, DEMO_NAME, DEMO_USERNAMES, demo_load
from weft.errors import ApplicationError


class Command(BaseCommand):
    help = (
        f"Load the demo coalition ({DEMO_NAME}) with one user per role "
        f"({', '.join(DEMO_USERNAMES)}). "
        "Development only: refused when DEBUG is off. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of the demo users (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password: str, **options):
        try:
            result = demo_load(password=password, today=timezone.localdate())
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if result is None:
            self.stdout.write(
                f"The demo coalition {DEMO_NAME!r} ({DEMO_KEY}) is already loaded; "
                "nothing was written."
            )
            return
        counts = ", ".join(f"{count} {name}" for name, count in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo coalition {result.coalition.name!r} "
                f"(id {result.coalition.pk}): {counts}."
            )
        )
        # Printed this once only: a second run neither resets nor shows the password.
        self.stdout.write(f"Demo users: {', '.join(result.usernames)}; password: {result.password}")
