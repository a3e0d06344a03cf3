"""A regimen's dose slots on a local day, and the one "Took my probiotic" answers now."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
