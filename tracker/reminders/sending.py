"""Sending one claimed reminder: at most one email, whoever calls and however often."""

import logging
import smtplib
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from tracker.emails import TRANSIENT_ERRORS, one_line
from tracker.models import DoseLog, DoseReminder
from tracker.reminders.dispatch import LATE_LIMIT
from tracker.reminders.leases import lease_from
from tracker.reminders.tokens import make_link

MAX_SNOOZES = 2
logger = logging.getLogger(__name__)
SNOOZE_KINDS = [DoseReminder.Kind.SNOOZE_1, DoseReminder.Kind.SNOOZE_2]


def _claim_for_sending(reminder_id: int, now: datetime) -> bool:
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


def snoozes_left(reminder: DoseReminder) -> int:
    used = DoseReminder.objects.filter(
        regimen_id=reminder.regimen_id,
        slot_date=reminder.slot_date,
        slot_time=reminder.slot_time,
        kind__in=SNOOZE_KINDS,
    ).count()
    return max(0, MAX_SNOOZES - used)


def build_reminder_email(reminder: DoseReminder) -> EmailMultiAlternatives:
    """The reminder email: plain text and HTML, three action links and an unsubscribe link."""
    regimen = reminder.regimen
    mother = regimen.mother
    unsubscribe = make_link("unsubscribe", mother.pk)
    context = {
        "mother": mother,
        "reminder": reminder,
        "product": regimen.product,
        "slot_time": reminder.slot_time.strftime("%H:%M"),
        "is_follow_up": reminder.kind != DoseReminder.Kind.SLOT,
        "took_url": make_link("took", reminder.pk),
        "skip_url": make_link("skip", reminder.pk),
        "snooze_url": make_link("snooze", reminder.pk) if snoozes_left(reminder) else "",
        "unsubscribe_url": unsubscribe,
        "settings_url": settings.SITE_URL.rstrip("/") + "/settings/reminders/",
    }
    subject = one_line(render_to_string("tracker/reminders/email_subject.txt", context))
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("tracker/reminders/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mother.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("tracker/reminders/email.html", context), "text/html")
    return message


def reminder_send(*, reminder_id: int, now: datetime | None = None, connection=None) -> str:
    """Send reminder ``reminder_id`` if it is still wanted. Returns what happened:
    "sent", "skipped" (logged meanwhile), "dropped" (over 2 h late), "failed" (the mail
    server refused it for good, or the email cannot be built: the reason is kept on the row)
    or "not claimable" (already sent, failed, or in another worker's hands). ``connection``
    is an open mail connection to reuse, if any.

    A transient mail error puts the row back to "queued" (attempts + 1) and re-raises,
    so the caller can retry; ``reminder_mark_failed`` ends it.
    """
    now = now or timezone.now()
    if not _claim_for_sending(reminder_id, now):
        return "not claimable"
    reminder = DoseReminder.objects.select_related("regimen__mother", "regimen__product").get(pk=reminder_id)
    if DoseLog.objects.filter(
        regimen_id=reminder.regimen_id, slot_date=reminder.slot_date, slot_time=reminder.slot_time
    ).exists():
        _set_status(reminder_id, DoseReminder.Status.SKIPPED, "dose already logged")
        return "skipped"
    if now - reminder.due_at > LATE_LIMIT:
        _set_status(reminder_id, DoseReminder.Status.DROPPED, "more than 2 hours late")
        return "dropped"
    try:
        message = build_reminder_email(reminder)
        message.connection = connection
        message.send()
    except DatabaseError:
        raise  # the database, not this reminder: its lease runs out and the dispatcher takes it back
    except TRANSIENT_ERRORS as error:
        reason = f"{type(error).__name__}: {error}"
        if is_permanent(error):
            _set_status(reminder_id, DoseReminder.Status.FAILED, reason, attempts=reminder.attempts + 1)
            return "failed"
        # Back to queued; scheduling the retry extends the lease over its countdown (hold_for_retry).
        _set_status(
            reminder_id, DoseReminder.Status.QUEUED, reason, attempts=reminder.attempts + 1, claimed_at=now
        )
        raise
    except Exception as error:
        # Something in this reminder itself (an address or a name the mail library refuses):
        # retrying cannot fix it, and it must not hold up the other reminders of its batch.
        logger.exception("reminder %s cannot be sent", reminder_id)
        reason = f"{type(error).__name__}: {error}"
        _set_status(reminder_id, DoseReminder.Status.FAILED, reason, attempts=reminder.attempts + 1)
        return "failed"
    _set_status(reminder_id, DoseReminder.Status.SENT, sent_at=now, attempts=reminder.attempts + 1)
    return "sent"


def reminder_mark_failed(*, reminder_id: int, reason: str) -> None:
    """Give up on a reminder after its last retry (nothing is left queued or sending)."""
    DoseReminder.objects.filter(
        pk=reminder_id, status__in=[DoseReminder.Status.QUEUED, DoseReminder.Status.SENDING]
    ).update(status=DoseReminder.Status.FAILED, status_reason=reason[:200])


def reminder_release(*, reminder_id: int) -> None:
    """Put a reminder whose direct send failed back to pending, for the next dispatcher run."""
    DoseReminder.objects.filter(pk=reminder_id, status=DoseReminder.Status.QUEUED).update(
        status=DoseReminder.Status.PENDING, claim_token=None
    )
