"""Pregnancy, birth and the regimen whose trial dates follow them."""

from datetime import date

from django.db import transaction

from tracker.models import Infant, Pregnancy, Regimen, SupplementProduct


def regimen_apply_preset(*, regimen: Regimen) -> Regimen:
    """Set a trial-preset regimen's dates from its pregnancy (and birth, if any)."""
    window = regimen.trial_window() if regimen.preset == Regimen.Preset.TRIAL else None
    if window is not None:
        regimen.start_date, regimen.end_date = window
    return regimen


def regimens_follow_pregnancy(*, pregnancy: Pregnancy) -> None:
    """Re-date every trial-preset regimen of ``pregnancy`` after its due date or a birth changed."""
    for regimen in pregnancy.regimens.filter(preset=Regimen.Preset.TRIAL):
        regimen_apply_preset(regimen=regimen)
        regimen.save(update_fields=["start_date", "end_date"])


@transaction.atomic
def pregnancy_set_due_date(*, mother, due_date: date) -> Pregnancy:
    """Create or update the mother's current pregnancy; trial regimens follow."""
    pregnancy = Pregnancy.objects.for_mother(mother).first()
    if pregnancy is None:
        pregnancy = Pregnancy.objects.create(mother=mother, due_date=due_date)
    else:
        pregnancy.due_date = due_date
        pregnancy.save(update_fields=["due_date"])
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
def regimen_save(*, regimen: Regimen, product: SupplementProduct | None = None) -> Regimen:
    """Validate and save a regimen (and a new product with it), applying the preset."""
    if product is not None:
        product.mother = regimen.mother
        product.full_clean()
        product.save()
        regimen.product = product
    if regimen.preset == Regimen.Preset.TRIAL and regimen.pregnancy_id is None:
        regimen.pregnancy = Pregnancy.objects.for_mother(regimen.mother).first()
    regimen.doses_per_day = regimen.doses_per_day or len(regimen.dose_times)
    regimen_apply_preset(regimen=regimen)
    regimen.full_clean()
    regimen.save()
    return regimen
