"""Celery tasks: thin wrappers that take ids and call the reminder services."""

import random

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from tracker.reminders.dispatch import reminders_dispatch
from tracker.reminders.sending import TRANSIENT_ERRORS, reminder_mark_failed, reminder_send


def retry_delay(retries: int) -> float:
    """Exponential backoff with full jitter, capped so that every retry lands well
    inside the broker's visibility timeout."""
    ceiling = min(settings.REMINDER_RETRY_MAX_DELAY, settings.REMINDER_RETRY_BASE_DELAY * 2**retries)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not a secret


@shared_task(ignore_result=True)
def dispatch_reminders() -> int:
    """Run by beat every minute: claim the due reminders and enqueue one send each,
    after the claiming transaction commits."""
    result = reminders_dispatch(now=timezone.now(), on_claimed=send_reminders_later)
    return len(result.claimed)


def send_reminders_later(reminder_ids: list[int]) -> None:
    for reminder_id in reminder_ids:
        send_reminder.delay(reminder_id)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=settings.REMINDER_MAX_RETRIES,
)
def send_reminder(self, reminder_id: int) -> str:
    """Send one reminder; retry only on mail-server and network errors."""
    try:
        return reminder_send(reminder_id=reminder_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            reminder_mark_failed(
                reminder_id=reminder_id,
                reason=f"gave up after {self.request.retries + 1} attempts: {type(error).__name__}: {error}",
            )
            return "failed"
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries)) from error
