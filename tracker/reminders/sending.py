"""Sending claimed reminders: at least once, and every copy with the same Message-ID.

A reminder is claimed for sending by a conditional UPDATE (one per batch in
``tracker.reminders.batches``, one per reminder here for a single send), so two workers
never send it at the same time, and it is marked "sent" in the statement right after the
mail server accepts it. Sending and marking are still two steps: a worker killed between
them, or a "250 OK" reply lost on the way back, leaves the row unsent, and it is sent
again. So delivery is at least once, not exactly once. Every attempt of one reminder
carries the same Message-ID (``message_id``), so a mail server or client that drops a
Message-ID it has seen can drop the copy.
"""

import functools
import logging
import smtplib
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from tracker.emails import TRANSIENT_ERRORS, LeanEmail, lean_email, send_alternatives
from tracker.models import DoseLog, DoseReminder
from tracker.reminders.dispatch import LATE_LIMIT
from tracker.reminders.leases import lease_from
from tracker.reminders.push import PushPlan, PushUnavailable, push_plans, push_reminder
from tracker.reminders.texts import ReminderTexts, reminder_values
from tracker.reminders.tokens import make_link
from tracker.signed_links import salted_hmac_hexdigest

MAX_SNOOZES = 2
logger = logging.getLogger(__name__)
SNOOZE_KINDS = [DoseReminder.Kind.SNOOZE_1, DoseReminder.Kind.SNOOZE_2]


def claim_for_sending(reminder_id: int, now: datetime) -> bool:
    """Take the row for this send, with a fresh lease: queued, or "sending" under a lease
    that ran out (its worker died, and no dispatcher took it back yet). One conditional
    UPDATE, so of two workers that try at once exactly one wins."""
    claimable = Q(status=DoseReminder.Status.QUEUED) | Q(
        status=DoseReminder.Status.SENDING, lease_until__lte=now
    )
    return (
        DoseReminder.objects.filter(claimable, pk=reminder_id).update(
            status=DoseReminder.Status.SENDING, claimed_at=now, lease_until=lease_from(now)
        )
        == 1
    )


def is_permanent(error: Exception) -> bool:
    """A mail error that retrying cannot fix: a 5xx answer (unknown user, rejected)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _set_status(reminder_id: int, status: str, reason: str = "", **extra) -> None:
    DoseReminder.objects.filter(pk=reminder_id).update(status=status, status_reason=reason[:200], **extra)


def _mark_sent(reminder_id: int, *, now: datetime, attempts: int) -> None:
    """``_set_status(reminder_id, SENT, sent_at=now, attempts=attempts)`` as one prepared
    statement: it runs once per email sent, and the ORM takes 0.4 ms of CPU to build and run
    it, against 0.17 ms for the statement itself."""
    with connection.cursor() as cursor:
        cursor.execute(
            _mark_sent_sql(connection.vendor),
            [DoseReminder.Status.SENT, connection.ops.adapt_datetimefield_value(now), attempts, reminder_id],
        )


@functools.cache
def _mark_sent_sql(vendor: str) -> str:
    quote = connection.ops.quote_name
    field = DoseReminder._meta.get_field
    columns = ("status", "sent_at", "attempts")
    sets = ", ".join(f"{quote(field(name).column)} = %s" for name in columns)
    reason = quote(field("status_reason").column)
    table = quote(DoseReminder._meta.db_table)
    # Only names from the model's metadata, quoted, go into the text; the values are parameters.
    return f"UPDATE {table} SET {sets}, {reason} = '' WHERE {quote(field('id').column)} = %s"  # noqa: S608


def snoozes_left(reminder: DoseReminder) -> int:
    used = DoseReminder.objects.filter(
        regimen_id=reminder.regimen_id,
        slot_date=reminder.slot_date,
        slot_time=reminder.slot_time,
        kind__in=SNOOZE_KINDS,
    ).count()
    return max(0, MAX_SNOOZES - used)


def message_id(reminder_id: int) -> str:
    """The Message-ID of every attempt to send reminder ``reminder_id``: stable, so a copy sent
    again (after a crash or a lost reply) can be recognised; keyed, so ids are not guessable."""
    digest = salted_hmac_hexdigest("tracker.reminders.message-id", str(reminder_id))[:20]
    return f"<reminder.{reminder_id}.{digest}@{_domain(settings.SITE_URL)}>"


@functools.lru_cache(maxsize=8)
def _domain(site_url: str) -> str:
    return urlsplit(site_url).hostname or "localhost"


def build_reminder_email(
    reminder: DoseReminder, *, snoozes: int | None = None, texts: ReminderTexts | None = None
) -> LeanEmail:
    """The reminder email (``reminder_email_parts``) as a Django email message."""
    return lean_email(**reminder_email_parts(reminder, snoozes=snoozes, texts=texts))


def reminder_email_parts(
    reminder: DoseReminder, *, snoozes: int | None = None, texts: ReminderTexts | None = None
) -> dict:
    """The parts of the reminder email (``tracker.emails.send_alternatives``): plain text and
    HTML, three action links and an unsubscribe link, and the reminder's own Message-ID.
    ``snoozes`` left, if known (else one query); ``texts``, the batch's templates
    (``tracker.reminders.texts``), if it has them."""
    if snoozes is None:
        snoozes = snoozes_left(reminder)
    links = {
        "took": make_link("took", reminder.pk),
        "skip": make_link("skip", reminder.pk),
        "snooze": make_link("snooze", reminder.pk) if snoozes else "",
        "unsubscribe": make_link("unsubscribe", reminder.regimen.mother_id),
    }
    values = reminder_values(reminder, links=links, settings_url=_settings_url(settings.SITE_URL))
    words = (texts or ReminderTexts()).words(values, is_follow_up=reminder.kind != DoseReminder.Kind.SLOT)
    return {
        "subject": words.subject,
        "text": words.text,
        "html": words.html,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": reminder.regimen.mother.email,
        "headers": {
            "Message-ID": message_id(reminder.pk),
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


@functools.lru_cache(maxsize=8)
def _settings_url(site_url: str) -> str:
    return site_url.rstrip("/") + "/settings/reminders/"


def reminder_send(*, reminder_id: int, now: datetime | None = None, connection=None) -> str:
    """Send reminder ``reminder_id`` if it is still wanted (one claim, one read, then
    ``deliver``). Returns what happened: "sent", "skipped" (logged meanwhile), "dropped"
    (over 2 h late), "failed" (the mail server refused it for good, or the email cannot be
    built: the reason is kept on the row) or "not claimable" (already sent, failed, or in
    another worker's hands). ``connection`` is an open mail connection to reuse, if any.
    Batches go through ``tracker.reminders.batches``, which claims and reads a whole batch
    at once.
    """
    now = now or timezone.now()
    if not claim_for_sending(reminder_id, now):
        return "not claimable"
    reminder = DoseReminder.objects.select_related("regimen__mother", "regimen__product").get(pk=reminder_id)
    logged = DoseLog.objects.filter(
        regimen_id=reminder.regimen_id, slot_date=reminder.slot_date, slot_time=reminder.slot_time
    ).exists()
    plan = push_plans({reminder.regimen.mother_id}).get(reminder.regimen.mother_id)
    return deliver(reminder, now=now, connection=connection, logged=logged, push=plan)


def deliver(
    reminder: DoseReminder,
    *,
    now: datetime,
    connection=None,
    logged: bool,
    snoozes: int | None = None,
    texts: ReminderTexts | None = None,
    push: PushPlan | None = None,
    push_session=None,
) -> str:
    """Send ``reminder``, claimed for sending by the caller, unless its dose is ``logged`` or
    it is over 2 h late, and write how it ended: one UPDATE. Returns the outcome, as
    ``reminder_send`` says.

    A transient mail error puts the row back to "queued" (attempts + 1) and re-raises,
    so the caller can retry, until the attempt that reaches ``max_attempts()``: that one
    ends "failed", whichever path (Celery or cron) sends it. ``reminder.attempts`` follows
    what is written.

    ``push``: her plan when she turned push reminders on (``tracker.reminders.push``); then
    ``deliver_with_push`` sends it. Without it, this path is the email alone, unchanged.
    """
    reminder_id = reminder.pk
    if logged:
        _set_status(reminder_id, DoseReminder.Status.SKIPPED, "dose already logged")
        return "skipped"
    if now - reminder.due_at > LATE_LIMIT:
        _set_status(reminder_id, DoseReminder.Status.DROPPED, "more than 2 hours late")
        return "dropped"
    if push is not None:
        if snoozes is None:
            snoozes = snoozes_left(reminder)
        return deliver_with_push(
            reminder,
            now=now,
            plan=push,
            snoozes=snoozes,
            session=push_session,
            send_email=lambda: send_alternatives(
                connection, **reminder_email_parts(reminder, snoozes=snoozes, texts=texts)
            ),
        )
    reminder.attempts += 1
    try:
        send_alternatives(connection, **reminder_email_parts(reminder, snoozes=snoozes, texts=texts))
    except DatabaseError:
        raise  # the database, not this reminder: its lease runs out and the dispatcher takes it back
    except TRANSIENT_ERRORS as error:
        reason = f"{type(error).__name__}: {error}"
        if is_permanent(error):
            _set_status(reminder_id, DoseReminder.Status.FAILED, reason, attempts=reminder.attempts)
            return "failed"
        if reminder.attempts >= max_attempts():
            reason = f"gave up after {reminder.attempts} attempts: {reason}"
            _set_status(reminder_id, DoseReminder.Status.FAILED, reason, attempts=reminder.attempts)
            return "failed"
        # Back to queued; scheduling the retry extends the lease over its countdown (hold_for_retry).
        _set_status(
            reminder_id, DoseReminder.Status.QUEUED, reason, attempts=reminder.attempts, claimed_at=now
        )
        raise
    except Exception as error:
        # Something in this reminder itself (an address or a name the mail library refuses):
        # retrying cannot fix it, and it must not hold up the other reminders of its batch.
        logger.exception("reminder %s cannot be sent", reminder_id)
        reason = f"{type(error).__name__}: {error}"
        _set_status(reminder_id, DoseReminder.Status.FAILED, reason, attempts=reminder.attempts)
        return "failed"
    _mark_sent(reminder_id, now=now, attempts=reminder.attempts)
    return "sent"


def deliver_with_push(
    reminder: DoseReminder, *, now: datetime, plan: PushPlan, snoozes: int, session, send_email
) -> str:
    """``deliver`` for a mother with push on: the push to her devices first (if not pushed
    yet), then the email (if she wants it and it was not accepted yet), then how it ended.

    Each channel leaves its mark as soon as it is done (``pushed_at``, then the final UPDATE
    with ``sent_at``), so a retry or a re-claimed row sends only what is missing. A reminder
    is "sent" once either channel delivered it; "failed" when the channels she wants all
    failed for good or hit the attempt cap; "skipped" when she wants no email and has no
    device left. No device took the push and one was unavailable (429, 5xx, network): the row
    goes back to "queued" for a retry, as with a transient mail error; a retry pushes to all
    of her devices again, so one that took the first try may show it twice (the
    notification's tag then replaces the first). The email never waits for the push.
    """
    reminder_id = reminder.pk
    reminder.attempts += 1
    last_try = reminder.attempts >= max_attempts()
    notes, retry_push = [], ""
    if reminder.pushed_at is None and plan.subscriptions:
        outcome = push_reminder(reminder, plan.subscriptions, snoozes=snoozes, now=now, session=session)
        notes.append(outcome.reason())
        if outcome.accepted:
            reminder.pushed_at = now
            if plan.email and reminder.sent_at is None:  # a crash while emailing must not push again
                DoseReminder.objects.filter(pk=reminder_id).update(pushed_at=now)
        elif outcome.unavailable and not last_try:
            retry_push = outcome.reason()
    if plan.email and reminder.sent_at is None:
        try:
            send_email()
        except DatabaseError:
            raise
        except TRANSIENT_ERRORS as error:
            reason = f"{type(error).__name__}: {error}"
            if not is_permanent(error) and not last_try:
                _set_status(
                    reminder_id,
                    DoseReminder.Status.QUEUED,
                    reason,
                    attempts=reminder.attempts,
                    claimed_at=now,
                    pushed_at=reminder.pushed_at,
                )
                raise
            notes.append(f"email {'gave up' if not is_permanent(error) else 'refused'}: {reason}")
        except Exception as error:
            logger.exception("reminder %s: the email cannot be sent", reminder_id)
            notes.append(f"email cannot be sent: {type(error).__name__}: {error}")
        else:
            reminder.sent_at = now
    reason = "; ".join(note for note in notes if note)
    marks = {"attempts": reminder.attempts, "pushed_at": reminder.pushed_at, "sent_at": reminder.sent_at}
    if retry_push:
        _set_status(reminder_id, DoseReminder.Status.QUEUED, reason, claimed_at=now, **marks)
        raise PushUnavailable(retry_push)
    if reminder.sent_at is not None or reminder.pushed_at is not None:
        _set_status(reminder_id, DoseReminder.Status.SENT, reason, **marks)
        return "sent"
    if reason:
        _set_status(reminder_id, DoseReminder.Status.FAILED, reason, **marks)
        return "failed"
    _set_status(reminder_id, DoseReminder.Status.SKIPPED, "email off and no device to push to", **marks)
    return "skipped"


def max_attempts() -> int:
    """How many times one reminder is tried before it ends "failed": the first send and
    ``REMINDER_MAX_RETRIES`` retries."""
    return settings.REMINDER_MAX_RETRIES + 1


def reminder_mark_failed(*, reminder_id: int, reason: str) -> None:
    """Give up on a reminder after its last retry (nothing is left queued or sending)."""
    DoseReminder.objects.filter(
        pk=reminder_id, status__in=[DoseReminder.Status.QUEUED, DoseReminder.Status.SENDING]
    ).update(status=DoseReminder.Status.FAILED, status_reason=reason[:200])
