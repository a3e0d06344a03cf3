"""Celery tasks: thin wrappers that take ids and call the reminder services."""

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.utils import timezone

from tracker.api.idempotency import idempotency_keys_drop_old
from tracker.reminders.batches import in_batches, reminders_send_batch
from tracker.reminders.dispatch import reminders_dispatch
from tracker.reminders.leases import hold_for_retry
from tracker.reminders.sending import (
    TRANSIENT_ERRORS,
    reminder_mark_failed,
    reminder_send,
)


@shared_task(ignore_result=True)
def dispatch_reminders() -> int:
    """Run by beat every minute: claim the due reminders and enqueue one send each,
    after the claiming transaction commits."""
    result = reminders_dispatch(now=timezone.now(), on_claimed=send_reminders_later)
    return len(result.claimed)


def send_reminders_later(reminder_ids: list[int]) -> None:
    """One task per batch (``BATCH_SIZE``), claimed for sending by the batch that gets it."""
    for batch in in_batches(reminder_ids):
        send_reminder_batch.delay(batch)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_reminder_batch(reminder_ids: list[int]) -> dict[str, int]:
    """Send a batch of reminders over one mail connection (``reminders_send_batch``). A
    reminder whose send hits a transient error goes on alone in ``send_reminder``, as its
    first retry."""
    return reminders_send_batch(reminder_ids, on_transient=_retry_alone)


def _retry_alone(reminder_id: int) -> None:
    send_reminder.apply_async((reminder_id,), countdown=retry_delay(0), retries=1)


class LeasedSend(Task):
    """A send scheduled for later (a batch's first retry, ``self.retry``) first holds its
    reminder's lease over the countdown, so the dispatcher does not take back a row whose
    retry is coming; a worker that dies holding the retry costs the countdown plus a lease."""

    def apply_async(self, args=None, kwargs=None, *rest, **options):
        countdown = options.get("countdown")
        if countdown is None and options.get("eta") is not None:
            countdown = (options["eta"] - timezone.now()).total_seconds()
        if countdown is not None and args:
            hold_for_retry(args[0], countdown=countdown)
        return super().apply_async(args, kwargs, *rest, **options)


@shared_task(
    base=LeasedSend,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=settings.REMINDER_MAX_RETRIES,
)
def send_reminder(self, reminder_id: int) -> str:
    """Send one reminder; retry only on mail-server and network errors, then give up."""
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


def retry_delay(retries: int) -> int:
    """Celery's own exponential backoff with full jitter (what ``retry_backoff`` and
    ``retry_jitter`` use), capped so that every retry lands well inside the broker's visibility
    timeout. Not ``autoretry_for``: giving up must mark the reminder failed, and the settings
    are read when a retry is due, so a test can make them short."""
    return get_exponential_backoff_interval(
        factor=settings.REMINDER_RETRY_BASE_DELAY,
        retries=retries,
        maximum=settings.REMINDER_RETRY_MAX_DELAY,
        full_jitter=True,
    )


@shared_task(ignore_result=True)
def drop_old_idempotency_keys() -> int:
    """Run by beat every hour: forget the API's Idempotency-Keys older than 24 hours."""
    return idempotency_keys_drop_old()
