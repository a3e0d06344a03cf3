"""Logging doses against a regimen's slots."""

from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.localtime import local_date
from tracker.models import DoseLog, Regimen
from tracker.models.validators import in_hand
from tracker.selectors.slots import pick_current_slot, regimen_slots_on
from tracker.services.tap_times import tap_moment


def dose_log(
    *,
    regimen: Regimen,
    slot_date: date,
    slot_time: time,
    status: str = DoseLog.Status.TAKEN,
    taken_at: datetime | None = None,
    source: str = DoseLog.Source.WEB,
    skip_reason: str = "",
) -> tuple[DoseLog, bool]:
    """Record the answer to one slot. Returns ``(log, created)``.

    A slot is answered once: if it already has a log, that log is returned
    unchanged and ``created`` is False (a second "taken" is not a second dose).
    Raises ``ValidationError`` when the slot is not in the regimen.
    """
    existing = DoseLog.objects.filter(regimen=regimen, slot_date=slot_date, slot_time=slot_time).first()
    if existing is not None:
        return existing, False
    if status == DoseLog.Status.TAKEN and taken_at is None:
        taken_at = timezone.now()
    log = DoseLog(
        regimen=regimen,
        slot_date=slot_date,
        slot_time=slot_time,
        status=status,
        taken_at=taken_at if status == DoseLog.Status.TAKEN else None,
        source=source,
        skip_reason=skip_reason,
    )
    # The slot's log was looked for above and a race is caught below (the unique constraint);
    # clean() refuses a taken dose without a time as the check constraint would.
    log.full_clean(exclude=["scheduled_at", *in_hand(log, "regimen")], validate_constraints=False)
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError:
        # Another request answered the same slot a moment ago.
        return DoseLog.objects.get(regimen=regimen, slot_date=slot_date, slot_time=slot_time), False
    return log, True


def dose_take_now(
    *,
    regimen: Regimen,
    now: datetime | None = None,
    source: str = DoseLog.Source.WEB,
    at: datetime | None = None,
) -> DoseLog | None:
    """ "Took my probiotic": log ``pick_current_slot`` as taken now; None if there is none.
    With ``at`` (the time she tapped, see ``tap_times``): the slot the button answered then,
    taken then."""
    now = tap_moment(at, now)
    today = local_date(now, regimen.mother.zone)
    logged = set(DoseLog.objects.filter(regimen=regimen, slot_date=today).values_list("slot_time", flat=True))
    slot = pick_current_slot(regimen_slots_on(regimen=regimen, day=today), logged, now)
    if slot is None:
        return None
    log, _ = dose_log(regimen=regimen, slot_date=slot.day, slot_time=slot.at, taken_at=now, source=source)
    return log


def dose_update(*, log: DoseLog, status: str, taken_at: datetime | None, skip_reason: str) -> DoseLog:
    """Correct a logged dose (status, time taken, reason); the slot stays the same."""
    log.status = status
    log.taken_at = taken_at if status == DoseLog.Status.TAKEN else None
    log.skip_reason = skip_reason if status == DoseLog.Status.SKIPPED else ""
    log.full_clean()
    log.save()
    return log


def dose_delete(*, log: DoseLog) -> None:
    """Delete a logged dose: its slot is unanswered again."""
    log.delete()
