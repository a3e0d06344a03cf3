"""Dispatch and send the reminders due now, synchronously (for cron, tests and benchmarks).

The same pipeline as Celery's: the same claim, the same batches over one connection each
(``reminders_send_batch``), the same attempt cap and final states. A reminder that hits a
transient mail error stays queued; a later run takes it back and tries again, until the
attempt cap ends it "failed".
"""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.reminders.batches import in_batches, reminders_send_batch
from tracker.reminders.dispatch import reminders_dispatch


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
    help = (
        "Send the dose reminders due now. Safe to run twice at once: each reminder is claimed by "
        "one run; delivery is at least once (see the README)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help="Pretend it is this instant (ISO 8601 with offset).")

    def handle(self, *args, now: str | datetime | None = None, **options):
        # From the shell --now is a string; call_command may pass a datetime.
        now = parse_now(now) if isinstance(now, str) else (now or timezone.now())
        result = reminders_dispatch(now=now)
        outcomes: dict[str, int] = {}
        for batch in in_batches(result.claimed):
            for outcome, count in reminders_send_batch(batch, now=now).items():
                outcomes[outcome] = outcomes.get(outcome, 0) + count
        summary = (
            ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
            or "nothing to send"
        )
        self.stdout.write(
            f"{now:%Y-%m-%d %H:%M} UTC: {result.recorded} new, {result.skipped} skipped, "
            f"{result.dropped} dropped, {len(result.claimed)} claimed: {summary}."
        )
