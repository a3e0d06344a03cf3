"""A regimen's dose slots on a local day, the times each day was scheduled on, which of a
day's slots count by now, and the one "Took my probiotic" answers now."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from tracker.closed_days import STAMPED_SECONDS, closed_days_cached
from tracker.localtime import wall_clock_to_utc
from tracker.models import DoseLog, DoseSchedule, Regimen, ScheduleChange
from tracker.models.regimens import parse_dose_time

#: A taken dose is on time when taken at most this long before or after its slot; an
#: unlogged slot counts as missed once this long after it has passed.
ON_TIME_WINDOW = timedelta(minutes=60)


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


@dataclass(frozen=True)
class ScheduleHistory:
    """The cache inputs of a regimen's ``ScheduleChange`` rows (writing one changes her stamp)."""

    regimen_id: int


def regimen_schedule(*, regimen: Regimen) -> DoseSchedule:
    """The dose times of ``regimen`` day by day. Its changes are cached until her records
    stamp changes (``tracker.closed_days``): one query when cold, none when warm."""
    changes = closed_days_cached(
        mother=regimen.mother,
        inputs=ScheduleHistory(regimen.pk),
        compute=lambda: tuple(
            ScheduleChange.objects.filter(regimen_id=regimen.pk).values_list(
                "effective_from", "previous_times"
            )
        ),
        timeout=STAMPED_SECONDS,
    )
    return DoseSchedule.of(regimen, changes)


def slots_counted(
    *, schedule: DoseSchedule, day: date, logged: Collection[time], zone: ZoneInfo, now: datetime
) -> int:
    """How many of local ``day``'s slots count at ``now``: "a slot counts (as taken, skipped or
    missed) once it is logged or its 60-minute window has passed" (product.md). ``logged`` are
    the slot times of the day's logs, taken or skipped; a log for a time no longer on the day's
    schedule answers the nearest of its slots not logged (as ``regimen_save`` moves such logs),
    so a 07:00 log after a change to 08:00 and 20:00 answers 08:00, and today is not counted
    while 20:00 is to come. All of them count for a day before ``now``'s, and none but the
    logged ones for a day after it."""
    times = [parse_dose_time(value) for value in schedule.times_on(day)]
    answered = {at for at in times if at in logged}
    for extra in sorted(set(logged) - set(times)):
        free = [at for at in times if at not in answered]
        if free:
            answered.add(min(free, key=lambda at: abs(_minutes(at) - _minutes(extra))))
    return sum(at in answered or wall_clock_to_utc(day, at, zone) + ON_TIME_WINDOW < now for at in times)


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def dose_rows(
    regimen_id: int, *, first: date, last: date, by_slot: bool
) -> tuple[dict[date, list[int]], dict[date, set[time]]]:
    """A regimen's ``[taken, skipped, on time]`` doses per slot date in ``first``..``last``
    (inclusive), not capped at the day's schedule, and (``by_slot``: grouped by slot in SQL,
    a few rows a day) the slot times logged each day. One query."""
    taken = Q(status=DoseLog.Status.TAKEN)
    rows = (
        DoseLog.objects.filter(regimen_id=regimen_id, slot_date__range=(first, last))
        .alias(lateness=ExpressionWrapper(F("taken_at") - F("scheduled_at"), output_field=DurationField()))
        .values(*(["slot_date", "slot_time"] if by_slot else ["slot_date"]))
        .annotate(
            taken=Count("pk", filter=taken),
            skipped=Count("pk", filter=Q(status=DoseLog.Status.SKIPPED)),
            on_time=Count(
                "pk", filter=taken & Q(lateness__gte=-ON_TIME_WINDOW, lateness__lte=ON_TIME_WINDOW)
            ),
        )
        .order_by()
    )
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    logged: dict[date, set[time]] = defaultdict(set)
    for row in rows:
        total = totals[row["slot_date"]]
        total[0] += row["taken"]
        total[1] += row["skipped"]
        total[2] += row["on_time"]
        if by_slot:
            logged[row["slot_date"]].add(row["slot_time"])
    return totals, logged


def logged_slot_due_at(*, regimen: Regimen, moment: datetime, zone: ZoneInfo) -> DoseLog | None:
    """The log of the slot "Took my probiotic" would have answered at ``moment`` had none of
    that day been logged, if it is logged: why a tap sent late (from an offline queue) found
    no dose due (she logged it meanwhile, from the reminder email say)."""
    day = moment.astimezone(zone).date()
    slot = pick_current_slot(regimen_slots_on(regimen=regimen, day=day), set(), moment)
    if slot is None:
        return None
    return DoseLog.objects.filter(regimen=regimen, slot_date=slot.day, slot_time=slot.at).first()
