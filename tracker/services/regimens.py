"""Saving a regimen (and its product), and the trial preset whose dates follow the pregnancy and birth."""

from datetime import date

from django.db import transaction

from tracker.localtime import local_today
from tracker.models import DoseLog, Pregnancy, Regimen, ScheduleChange, SupplementProduct


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


def _reslot_logs_from(*, regimen: Regimen, first_day: date) -> None:
    """After the dose times change, move each log from ``first_day`` on whose time is no
    longer scheduled to the nearest free new slot of the same day, so a dose already
    taken today still counts (and is not offered again)."""
    new_times = regimen.slot_times
    orphans = DoseLog.objects.filter(regimen=regimen, slot_date__gte=first_day).exclude(
        slot_time__in=new_times
    )
    for log in orphans.order_by("slot_date", "slot_time"):
        taken = set(
            DoseLog.objects.filter(regimen=regimen, slot_date=log.slot_date).values_list(
                "slot_time", flat=True
            )
        )
        free = [t for t in new_times if t not in taken]
        if not free:
            continue
        minutes = log.slot_time.hour * 60 + log.slot_time.minute
        nearest = min(free, key=lambda t: abs(t.hour * 60 + t.minute - minutes))
        log.slot_time = nearest
        log.scheduled_at = regimen.slot_at(log.slot_date, nearest)
        log.save(update_fields=["slot_time", "scheduled_at"])


def _record_schedule_change(*, regimen: Regimen, previous: list[str], today: date) -> None:
    """Keep the times the days before ``today`` were scheduled on (``ScheduleChange``). A second
    change on the same day keeps the first one's previous times; a change back to them is no
    change. After a trip west the latest change may be dated after ``today``: it absorbs this one."""
    latest = (
        regimen.schedule_changes.order_by("-effective_from").values_list("effective_from", flat=True).first()
    )
    effective_from = max(today, latest) if latest else today
    change, _ = ScheduleChange.objects.get_or_create(
        regimen=regimen, effective_from=effective_from, defaults={"previous_times": previous}
    )
    if change.previous_times == regimen.dose_times:
        change.delete()


@transaction.atomic
def regimen_save(*, regimen: Regimen, product: SupplementProduct | None = None) -> Regimen:
    """Validate and save a regimen (and a new product with it), applying the preset.

    When the dose times of an existing regimen change, today's and later logs follow
    the new times; earlier days keep the times they were logged against, and, when the
    regimen has days before today, are still judged on the times they had
    (``ScheduleChange``, effective from her local today).
    """
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
    before = (
        Regimen.objects.filter(pk=regimen.pk).values_list("dose_times", "start_date").first()
        if regimen.pk is not None
        else None
    )
    regimen.save()
    if before is not None and before[0] != regimen.dose_times:
        today = local_today(regimen.mother.zone)
        previous_times, previous_start = before
        if previous_start < today:
            _record_schedule_change(regimen=regimen, previous=previous_times, today=today)
        _reslot_logs_from(regimen=regimen, first_day=today)
    return regimen
