"""Pregnancy and babies: the due date, adding or correcting a baby, deleting one added by mistake.

Each change re-dates the trial-preset regimens of the pregnancy (``regimens_follow_pregnancy``).
"""

from datetime import date

from django.db import transaction

from tracker.models import Infant, Pregnancy
from tracker.services.regimens import regimens_follow_pregnancy


@transaction.atomic
def pregnancy_set_due_date(*, mother, due_date: date) -> Pregnancy:
    """Create or update the mother's current pregnancy; trial regimens follow."""
    pregnancy = Pregnancy.objects.for_mother(mother).first() or Pregnancy(mother=mother)
    pregnancy.due_date = due_date
    pregnancy.full_clean()
    pregnancy.save()
    regimens_follow_pregnancy(pregnancy=pregnancy)
    return pregnancy


@transaction.atomic
def infant_save(*, infant: Infant) -> Infant:
    """Save a baby (validated), attach it to the current pregnancy, re-date trial regimens."""
    mother = infant.mother
    if infant.pregnancy_id is None:
        infant.pregnancy = Pregnancy.objects.for_mother(mother).first()
        if infant.pregnancy is None:
            infant.pregnancy = Pregnancy.objects.create(
                mother=mother, due_date=infant.due_date_from_gestation()
            )
    infant.full_clean()
    infant.save()
    regimens_follow_pregnancy(pregnancy=infant.pregnancy)
    return infant


@transaction.atomic
def infant_delete(*, infant: Infant) -> None:
    """Delete a baby added by mistake, with all of their records; trial dates follow."""
    pregnancy = infant.pregnancy
    infant.delete()
    if pregnancy is not None:
        regimens_follow_pregnancy(pregnancy=pregnancy)
