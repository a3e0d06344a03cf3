"""Sending claimed reminders in batches: one SMTP connection, one claim and one read per batch.

A batch of ``BATCH_SIZE`` reminder ids (one Celery task, or one slice of a cron run) is
claimed for sending by one conditional UPDATE under a token of its own: the rows still
queued (or "sending" under a lease that ran out) move to "sending" with a fresh lease, so of
two workers given the same ids each row goes to one. The batch then reads its rows with
what their emails need (mother, product), the doses already logged for their slots, the
snoozes used and which mothers want push reminders (``tracker.reminders.push``: a second
query only when one does), in one query each, and writes one UPDATE per email once the mail
server has answered. The leases of the rows it still holds are renewed whenever half a lease has gone
by (``tracker.reminders.leases``): one UPDATE, not one per email.

Whether a dose was logged is read when the batch starts: a dose logged during the seconds
the batch takes still gets its email (its links then say it is already logged).
"""

import contextlib
import logging
import smtplib
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import datetime

import requests
from django.core.mail import get_connection
from django.db.models import Q
from django.utils import timezone

from tracker.emails import TRANSIENT_ERRORS
from tracker.models import DoseLog, DoseReminder
from tracker.reminders.leases import lease_from, lease_length
from tracker.reminders.push import push_plans
from tracker.reminders.sending import MAX_SNOOZES, SNOOZE_KINDS, claim_for_sending, deliver
from tracker.reminders.texts import ReminderTexts

#: Claimed reminders are sent in batches: one SMTP connection (and, on Celery, one task)
#: for many emails.
BATCH_SIZE = 50
logger = logging.getLogger(__name__)
Slot = tuple[int, object, object]  # regimen id, slot date, slot time


def in_batches(reminder_ids: list[int]) -> list[list[int]]:
    return [reminder_ids[start : start + BATCH_SIZE] for start in range(0, len(reminder_ids), BATCH_SIZE)]


def reminders_send_batch(
    reminder_ids: list[int], *, now: datetime | None = None, on_transient: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Send ``reminder_ids`` over one mail connection; returns how many ended each way
    ("sent", "skipped", "not claimable", ...). ``now`` fixes the clock (cron's ``--now``).

    One bad connection fails one message, not the batch: when the server has dropped the
    connection, it is reopened and the reminder tried once more at once (a reminder whose
    "250" reply was lost is sent twice this way, with one Message-ID). Any other transient
    error leaves that reminder queued for its own retry: ``on_transient(reminder_id)``
    schedules it (Celery), or without it a later dispatcher run takes it back ("retry
    later"); the batch goes on over a fresh connection.
    """
    clock = (lambda: now) if now is not None else timezone.now
    token = uuid.uuid4()
    started = clock()
    reminders = _claim_batch(reminder_ids, token=token, now=started)
    outcomes: Counter[str] = Counter({"not claimable": len(reminder_ids) - len(reminders)})
    if not reminders:
        return _counts(outcomes)
    slots = {(r.regimen_id, r.slot_date, r.slot_time) for r in reminders}
    logged = _logged(slots)
    snoozes_used = _snoozes_used(slots)
    texts = ReminderTexts()
    plans = push_plans({r.regimen.mother_id for r in reminders})
    push_session = requests.Session() if plans else None
    connection = get_connection()
    _reopen(connection)
    renewed_at = started
    try:
        for reminder in reminders:
            moment = clock()
            if moment - renewed_at >= lease_length() / 2:
                _renew(token, now=moment)
                renewed_at = moment
            slot = (reminder.regimen_id, reminder.slot_date, reminder.slot_time)
            snoozes = max(0, MAX_SNOOZES - snoozes_used[slot])
            try:
                outcome = _deliver_reconnecting(
                    reminder,
                    now=moment,
                    connection=connection,
                    logged=slot in logged,
                    snoozes=snoozes,
                    texts=texts,
                    push=plans.get(reminder.regimen.mother_id),
                    push_session=push_session,
                )
            except TRANSIENT_ERRORS as error:
                _reopen(connection)
                logger.warning("reminder %s: %s: %s", reminder.pk, type(error).__name__, error)
                if on_transient is not None:
                    on_transient(reminder.pk)
                    outcome = "retrying"
                else:
                    outcome = "retry later"
            outcomes[outcome] += 1
    finally:
        _drop(connection)
        if push_session is not None:
            push_session.close()
    return _counts(outcomes)


def _claim_batch(reminder_ids: list[int], *, token: uuid.UUID, now: datetime) -> list[DoseReminder]:
    """Take for sending, with a fresh lease, those of ``reminder_ids`` still queued or
    "sending" under a lease that ran out; return them, with mother and product, in the
    order given. Two queries."""
    claimable = Q(status=DoseReminder.Status.QUEUED) | Q(
        status=DoseReminder.Status.SENDING, lease_until__lte=now
    )
    DoseReminder.objects.filter(claimable, pk__in=reminder_ids).update(
        status=DoseReminder.Status.SENDING, claim_token=token, claimed_at=now, lease_until=lease_from(now)
    )
    claimed = DoseReminder.objects.filter(
        claim_token=token, status=DoseReminder.Status.SENDING
    ).select_related("regimen__mother", "regimen__product")
    order = {reminder_id: index for index, reminder_id in enumerate(reminder_ids)}
    return sorted(claimed, key=lambda reminder: order[reminder.pk])


def _renew(token: uuid.UUID, *, now: datetime) -> None:
    """Extend the lease of the rows this batch still holds ("sending" under its token)."""
    DoseReminder.objects.filter(claim_token=token, status=DoseReminder.Status.SENDING).update(
        lease_until=lease_from(now)
    )


def _slot_filter(slots: set[Slot]) -> Q:
    regimens = {regimen_id for regimen_id, _, _ in slots}
    days = {day for _, day, _ in slots}
    return Q(regimen_id__in=regimens, slot_date__in=days)


def _logged(slots: set[Slot]) -> set[Slot]:
    """Those of ``slots`` with a dose logged (taken or skipped). One query."""
    rows = DoseLog.objects.filter(_slot_filter(slots)).values_list("regimen_id", "slot_date", "slot_time")
    return set(rows) & slots


def _snoozes_used(slots: set[Slot]) -> Counter:
    """How many snooze reminders each of ``slots`` has had. One query."""
    rows = DoseReminder.objects.filter(_slot_filter(slots), kind__in=SNOOZE_KINDS).values_list(
        "regimen_id", "slot_date", "slot_time"
    )
    return Counter(row for row in rows if row in slots)


def _deliver_reconnecting(reminder: DoseReminder, *, now: datetime, connection, **facts) -> str:
    try:
        return deliver(reminder, now=now, connection=connection, **facts)
    except smtplib.SMTPServerDisconnected:
        _reopen(connection)
        if not claim_for_sending(reminder.pk, now):  # it went back to queued: take it again
            return "not claimable"
        return deliver(reminder, now=now, connection=connection, **facts)


def _reopen(connection) -> None:
    """Close ``connection`` whatever state the server left it in, and open a fresh one that
    the next sends share. If the server can't be reached now, each send tries on its own
    (and Django's backend then closes what it opened after each message)."""
    _drop(connection)
    with contextlib.suppress(*TRANSIENT_ERRORS):
        connection.open()


def _drop(connection) -> None:
    with contextlib.suppress(Exception):
        connection.close()


def _counts(outcomes: Counter) -> dict[str, int]:
    return {outcome: count for outcome, count in outcomes.items() if count}
