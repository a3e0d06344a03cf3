"""What the links in a reminder email do, once she confirms on the page."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.models import DoseLog, DoseReminder, ReminderSettings
from tracker.reminders.sending import SNOOZE_KINDS, snoozes_left
from tracker.services.doses import dose_log

SNOOZE_DELAY = timedelta(minutes=30)


def slot_log(reminder: DoseReminder) -> DoseLog | None:
    """The dose already logged for the reminder's slot, if any."""
    return DoseLog.objects.filter(
        regimen_id=reminder.regimen_id, slot_date=reminder.slot_date, slot_time=reminder.slot_time
    ).first()


def reminder_took(
    *, reminder: DoseReminder, now: datetime | None = None, source: str = DoseLog.Source.EMAIL
) -> tuple[DoseLog, bool]:
    """ "I took it": log the slot as taken now, from the email (or ``source``: the push
    notification's action). ``(log, created)``; a slot already logged is returned unchanged."""
    return dose_log(
        regimen=reminder.regimen,
        slot_date=reminder.slot_date,
        slot_time=reminder.slot_time,
        status=DoseLog.Status.TAKEN,
        taken_at=now or timezone.now(),
        source=source,
    )


def reminder_skip(*, reminder: DoseReminder) -> tuple[DoseLog, bool]:
    """ "Skip this dose": log the slot as skipped, from the email. No reason is given: she
    typed none, and the source already says where the skip came from."""
    return dose_log(
        regimen=reminder.regimen,
        slot_date=reminder.slot_date,
        slot_time=reminder.slot_time,
        status=DoseLog.Status.SKIPPED,
        source=DoseLog.Source.EMAIL,
    )


def snooze_made_by(reminder: DoseReminder) -> DoseReminder | None:
    """The snooze that ``reminder``'s own snooze link already made, if any."""
    return DoseReminder.objects.filter(snooze_of=reminder).first()


def snooze_already_made(snooze: DoseReminder) -> str:
    """What she reads when she confirms a snooze link a second time."""
    at = timezone.localtime(snooze.due_at, snooze.regimen.mother.zone)
    return f"This link was already used: we will remind you again at {at:%H:%M}. Nothing was changed."


@transaction.atomic
def reminder_snooze(*, reminder: DoseReminder, now: datetime | None = None) -> DoseReminder:
    """ "Remind me in 30 minutes": one more reminder for the same slot, at most twice, and
    once per email (each email's snooze link works once, like "I took it" and "Skip").

    Raises ``ValidationError`` when the slot is already logged, this link was already
    used, or both snoozes are used.
    """
    now = now or timezone.now()
    if slot_log(reminder) is not None:
        raise ValidationError("This dose is already logged, so there is nothing to remind you about.")
    made = snooze_made_by(reminder)
    if made is not None:
        raise ValidationError(snooze_already_made(made))
    left = snoozes_left(reminder)
    if left == 0:
        raise ValidationError("You have already snoozed this dose twice. Log it in the app when you take it.")
    snooze = DoseReminder(
        regimen_id=reminder.regimen_id,
        slot_date=reminder.slot_date,
        slot_time=reminder.slot_time,
        kind=SNOOZE_KINDS[len(SNOOZE_KINDS) - left],
        due_at=now + SNOOZE_DELAY,
        snooze_of=reminder,
    )
    try:
        with transaction.atomic():
            snooze.save()
    except IntegrityError as error:  # the same link confirmed twice at once
        raise ValidationError("This link was already used. Nothing was changed.") from error
    return snooze


def reminders_unsubscribe(*, mother) -> ReminderSettings:
    """Stop every reminder email to ``mother`` (she can turn them on again in settings)."""
    settings_row, _ = ReminderSettings.objects.update_or_create(
        mother=mother, defaults={"email_enabled": False}
    )
    return settings_row
