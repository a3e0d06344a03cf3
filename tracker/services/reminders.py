"""Her reminder preferences: the emails she wants, and for which regimens."""

from collections.abc import Iterable

from django.db import transaction

from tracker.models import Regimen, ReminderSettings


@transaction.atomic
def reminder_settings_save(
    *, settings_row: ReminderSettings, regimens: Iterable[Regimen]
) -> ReminderSettings:
    """Validate and save her reminder settings, and turn reminders on for exactly ``regimens``
    (of her own) and off for every other regimen of hers."""
    mother = settings_row.mother
    settings_row.full_clean()
    settings_row.save()
    chosen = {regimen.pk for regimen in regimens}
    Regimen.objects.for_mother(mother).update(reminders_enabled=False)
    Regimen.objects.for_mother(mother).filter(pk__in=chosen).update(reminders_enabled=True)
    return settings_row
