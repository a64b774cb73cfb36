"""``manage.py loaddemo``: the demo coalition and one user per role, for development only."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.builder import (
    DEFAULT_PASSWORD,
    DEMO_KEY,
    DEMO_NAME,
    DEMO_USERNAMES,
    demo_load,
    demo_password_set,
)
from weft.errors import ApplicationError


class Command(BaseCommand):
    help = (
        f"Load the demo coalition ({DEMO_NAME}) with one user per role "
        f"({', '.join(DEMO_USERNAMES)}). "
        "Development only: refused when DEBUG is off. Running it again writes no row; with "
        "--password it sets the demo users' password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help=f"Password of the demo users (default: {DEFAULT_PASSWORD}). Given on a "
            "second run, it replaces theirs.",
        )

    def handle(self, *args, password: str | None, **options):
        try:
            result = demo_load(password=password or DEFAULT_PASSWORD, today=timezone.localdate())
            changed = demo_password_set(password=password) if result is None and password else 0
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if result is None:
            self.stdout.write(
                f"The demo coalition {DEMO_NAME!r} ({DEMO_KEY}) is already loaded; "
                + (
                    f"the password of its {changed} demo users is set."
                    if changed
                    else "nothing was written."
                )
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
