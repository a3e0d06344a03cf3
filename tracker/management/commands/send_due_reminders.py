"""Dispatch and send the reminders due now, synchronously (for cron, tests and benchmarks)."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.reminders.dispatch import reminders_dispatch
from tracker.reminders.sending import TRANSIENT_ERRORS, reminder_release, reminder_send


def parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--now must be an ISO 8601 date and time, like 2026-11-16T07:00:00Z: {error}"
        ) from error
    if timezone.is_naive(moment):
        raise CommandError("--now needs a UTC offset (Z or +01:00), so the instant is unambiguous.")
    return moment


class Command(BaseCommand):
    help = "Send the dose reminders due now. Safe to run twice at once: each reminder is sent once."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Pretend it is this instant (ISO 8601 with offset).")

    def handle(self, *args, now: str | datetime | None = None, **options):
        # From the shell --now is a string; call_command may pass a datetime.
        now = parse_now(now) if isinstance(now, str) else (now or timezone.now())
        result = reminders_dispatch(now=now)
        outcomes: dict[str, int] = {}
        for reminder_id in result.claimed:
            try:
                outcome = reminder_send(reminder_id=reminder_id, now=now)
            except TRANSIENT_ERRORS as error:
                reminder_release(reminder_id=reminder_id)  # the next run tries again
                outcome = "retry later"
                self.stderr.write(f"reminder {reminder_id}: {type(error).__name__}: {error}")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        summary = (
            ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
            or "nothing to send"
        )
        self.stdout.write(
            f"{now:%Y-%m-%d %H:%M} UTC: {result.recorded} new, {result.skipped} skipped, "
            f"{result.dropped} dropped, {len(result.claimed)} claimed: {summary}."
        )
