"""``manage.py seed_demo``: demo mothers with weeks of history, for `make run` and benchmarks."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from accounts.models import validate_time_zone
from tracker.demo.seed import demo_seed


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Create demo mothers, each with a baby, a probiotic regimen and N days of history before today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=positive_int, default=14, help="Local days of history (14).")
        parser.add_argument("--mothers", type=positive_int, default=1, help="How many mothers (1).")
        parser.add_argument("--email", default="demo@example.org", help="The first mother's address.")
        parser.add_argument("--tz", default="Europe/Rome", help="The mothers' IANA time zone.")
        parser.add_argument("--seed", type=int, default=2016, help="Random seed: same seed, same data.")

    def handle(self, *args, days: int, mothers: int, email: str, tz: str, seed: int, **options) -> None:
        try:
            validate_email(email)
            validate_time_zone(tz)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        began = time.perf_counter()
        result = demo_seed(days=days, mothers=mothers, email=email, zone_name=tz, seed=seed)
        elapsed = time.perf_counter() - began
        first = email.strip().lower()
        if first in result.existing:
            self.stdout.write(f"The demo account {first} already exists; nothing was created for her.")
        if result.existing and result.created:
            self.stdout.write(
                f"{len(result.existing)} demo mother(s) already existed and were left as they are."
            )
        self.stdout.write(f"Demo login: {first}  password: {result.password}  (unless it has been changed)")
        if result.created:
            made = ", ".join(f"{count} {label}" for label, count in result.counts.items())
            self.stdout.write(f"Created: {made}.")
        else:
            self.stdout.write("Created: nothing.")
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.2f} s."))
