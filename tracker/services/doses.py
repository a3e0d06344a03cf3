"""Logging doses against a regimen's slots."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.localtime import local_date
from tracker.models import DoseLog, Regimen


@dataclass(frozen=True)
class Slot:
    """One scheduled dose: a regimen's wall-clock time on a local day."""

    regimen: Regimen
    day: date
    at: time
    scheduled_at: datetime  # UTC


def regimen_slots_on(*, regimen: Regimen, day: date) -> list[Slot]:
    """The slots of ``regimen`` on local ``day`` (none outside its window)."""
    if not regimen.covers(day):
        return []
    return [Slot(regimen, day, at, regimen.slot_at(day, at)) for at in regimen.slot_times]


@transaction.atomic
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
    log.full_clean(exclude=["scheduled_at"])
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError:
        # Another request answered the same slot a moment ago.
        return DoseLog.objects.get(regimen=regimen, slot_date=slot_date, slot_time=slot_time), False
    return log, True


def open_slots_on(*, regimen: Regimen, day: date) -> list[Slot]:
    """The slots of ``day`` that have no log yet, earliest first."""
    logged = set(DoseLog.objects.filter(regimen=regimen, slot_date=day).values_list("slot_time", flat=True))
    return [slot for slot in regimen_slots_on(regimen=regimen, day=day) if slot.at not in logged]


#: "Took my probiotic" answers a slot from this long before its time.
EARLY_WINDOW = timedelta(hours=2)


def pick_current_slot(slots: list[Slot], logged: set[time], now: datetime) -> Slot | None:
    """The slot "Took my probiotic" answers at ``now``, of one day's ``slots`` given the
    times already ``logged``: an open slot at most 2 hours ahead and later than every
    logged one, the nearest to ``now`` (ties: the earlier). None otherwise, so a second
    tap never logs the evening dose in the morning, nor back-fills a missed morning
    dose after the evening one (the per-slot buttons still can)."""
    after = max(logged, default=None)
    eligible = [
        slot
        for slot in slots
        if slot.at not in logged
        and (after is None or slot.at > after)
        and slot.scheduled_at - EARLY_WINDOW <= now
    ]
    return min(eligible, key=lambda slot: (abs(slot.scheduled_at - now), slot.scheduled_at), default=None)


def dose_take_now(*, regimen: Regimen, now: datetime | None = None) -> DoseLog | None:
    """ "Took my probiotic": log ``pick_current_slot`` as taken now; None if there is none."""
    now = now or timezone.now()
    today = local_date(now, regimen.mother.zone)
    logged = set(DoseLog.objects.filter(regimen=regimen, slot_date=today).values_list("slot_time", flat=True))
    slot = pick_current_slot(regimen_slots_on(regimen=regimen, day=today), logged, now)
    if slot is None:
        return None
    log, _ = dose_log(regimen=regimen, slot_date=slot.day, slot_time=slot.at, taken_at=now)
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
