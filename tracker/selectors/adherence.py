"""How well a mother keeps to a regimen: days covered, dose adherence, on time, streaks, calendar."""

from dataclasses import dataclass, fields
from datetime import date, time, timedelta
from enum import StrEnum
from itertools import groupby
from typing import NamedTuple

from django.utils import timezone

from tracker.closed_days import closed_days_cached, last_closed_day
from tracker.localtime import days_between, local_today
from tracker.models import DoseSchedule, Regimen
from tracker.selectors.dose_days import (
    NO_DOSES,
    ClosedDoses,
    DayDoses,
    RegimenTerms,
    capped_doses,
    closed_dose_days,
)
from tracker.selectors.slots import dose_rows, slots_counted

#: The line adherence research draws between "adherent" and not: 80% of days (or doses).
ADHERENT = 0.8
ONE_DAY = timedelta(days=1)


class DayState(StrEnum):
    TAKEN = "taken"  # every scheduled dose taken
    PARTIAL = "partial"  # some taken, not all
    SKIPPED = "skipped"  # none taken, at least one marked skipped
    MISSED = "missed"  # none taken, none skipped: no record at all
    FUTURE = "future"  # after today


class CalendarDay(NamedTuple):
    day: date  # the mother's local day
    state: DayState


@dataclass(frozen=True)
class AdherencePeriod:
    """Adherence over the counted days ``first_day``..``last_day``, both inclusive (and the
    slots of today that count, while today is not counted yet: see ``Adherence``).

    ``first_day``/``last_day`` are None when the period has no counted day. Ratios are
    0..1 and None when their denominator is 0.
    """

    first_day: date | None
    last_day: date | None
    days_elapsed: int
    days_covered: int
    doses_scheduled: int
    doses_taken: int
    pdc: float | None
    dose_adherence: float | None
    pdc_meets_target: bool
    dose_adherence_meets_target: bool


@dataclass(frozen=True)
class Adherence:
    """A regimen's adherence from its first day up to now, in the mother's local days.

    product.md, "What it computes", Adherence:

    - "*days covered* (PDC): days on which all scheduled doses were taken / days elapsed in
      the window; *dose adherence*: doses taken / doses scheduled; *on time*: share of the
      doses taken that were taken within 60 minutes of the slot;"
    - "a slot counts (as taken, skipped or missed) once it is logged or its 60-minute window
      has passed; today counts as a day once each of its slots does. So her numbers never dip
      in the morning just because the evening dose is still to come;"
    - "current streak (consecutive fully covered days up to the last counted day), longest gap
      (the longest run of counted days not fully covered), before-birth vs after-birth split".

    Days are calendar days in the mother's time zone (a log's ``slot_date``), so a DST
    change or a trip neither loses nor doubles a day. The window is
    ``window_start``..``window_end``, both inclusive: the regimen's start date to the
    earlier of ``today`` and its end date. Each day is judged on the dose times it had
    (``DoseSchedule``: a change of times applies from her local day of the change on).
    Counts are doses or days; ratios are fractions 0..1 (never above 1) and None when
    nothing is scheduled yet.

    - The counted days are the window's days before ``today`` and, once each of its slots
      counts, ``today`` itself; while one does not (``today_is_open``), today is left out
      of ``days_elapsed``, ``days_covered``, ``pdc``, the streak and the gap, and adds to
      ``doses_scheduled`` only the slots that count (``today_slots_counted``).
    - A day counts at most the doses it schedules, even with a log for a slot time no longer
      scheduled. A skipped dose is not taken; a day with no record is missed, not skipped.
      ``on_time`` is ``doses_on_time`` / ``doses_taken``: within 60 minutes either side.
    - ``current_streak``: fully covered days in a row ending at the last counted day;
      ``longest_gap``: the longest run of counted days in a row that are not covered.
    - ``before_birth`` / ``after_birth``: the window split at the local birth date of
      the regimen's pregnancy (the birth day belongs to after), by the same rules; None
      without a birth.
    - ``calendar``: one ``(day, state)`` per local day from ``window_start`` to the end
      date (open-ended regimens: to ``window_end``); days after ``today`` are "future".
    """

    today: date
    window_start: date
    window_end: date  # before window_start when the regimen has not started
    is_started: bool
    doses_per_day: int  # on today's schedule
    days_elapsed: int
    days_covered: int
    doses_scheduled: int
    doses_taken: int
    doses_skipped: int
    doses_on_time: int
    pdc: float | None
    dose_adherence: float | None
    on_time: float | None
    pdc_meets_target: bool
    dose_adherence_meets_target: bool
    current_streak: int
    longest_gap: int
    today_is_open: bool  # today is in the window and not counted yet: a slot neither logged nor past
    today_slots_counted: int  # today's slots that count so far (0 when today is not in the window)
    birth_date: date | None
    before_birth: AdherencePeriod | None
    after_birth: AdherencePeriod | None
    calendar: list[CalendarDay]

    def __reduce__(self):
        """Pickled with its calendar as the first day and the states' values: two years of it
        are stored in the cache several times faster, and read back equal."""
        values = {field.name: getattr(self, field.name) for field in fields(self) if field.name != "calendar"}
        first = self.calendar[0].day if self.calendar else None
        return (_unpickled, (values, first, tuple(state.value for _, state in self.calendar)))


_STATES = {state.value: state for state in DayState}


def _unpickled(values: dict, first: date | None, states: tuple[str, ...]) -> Adherence:
    days = days_between(first, first + timedelta(days=len(states) - 1)) if states else ()
    calendar = [CalendarDay(day, _STATES[state]) for day, state in zip(days, states, strict=True)]
    return Adherence(**values, calendar=calendar)


@dataclass(frozen=True)
class AdherenceInputs:
    """The cache inputs of a whole ``Adherence``: the closed days' (``ClosedDoses``), the
    counts of the days read live, and how many of today's slots count by the clock now."""

    terms: RegimenTerms
    today: date
    closed_last: date
    live: tuple[tuple[date, "DayDoses"], ...]
    today_slots_counted: int


def adherence_for_regimen(*, regimen: Regimen, today: date | None = None) -> Adherence:
    """The adherence of ``regimen`` up to local ``today`` (default: the mother's today), as
    it stands now: today's slots count by the clock (``slots_counted``), so an earlier
    ``today`` is judged whole and a later one only on its logs.

    The dose logs are grouped by local day in SQL. The counts of the days before today
    (closed days: each kept in ``DayTotals``) and the birth date are cached until one of her
    past records changes (``tracker.closed_days``), so a page view reads only today's logs by
    slot (which slots count): one query whatever the window. When the cache is cold, the
    schedule's changes and the birth are read too, and the closed days the day totals lack
    (``tracker.day_totals``): with today's logs when they run to yesterday (the first view of
    a day, or an empty cache), apart when they are an older month only.
    Load ``regimen.mother`` (her zone and stamp) with ``select_related("mother")``.
    """
    mother = regimen.mother
    now = timezone.now()
    terms = RegimenTerms.of(regimen)
    if today is None:
        today = local_today(mother.zone, now)
    end = today if terms.end_date is None else min(today, terms.end_date)
    # Closed days come from the cache; the rest (normally just today) is read live.
    closed_last = min(end, today - ONE_DAY, last_closed_day(mother.zone))
    read_along: list[tuple[dict[date, list[int]], dict[date, set[time]]]] = []
    days, birth = closed_dose_days(
        mother=mother, inputs=ClosedDoses(terms, closed_last), through=end, read_along=read_along
    )
    live_first = max(terms.start_date, closed_last + ONE_DAY)
    live: dict[date, DayDoses] = {}
    logged: dict[date, set[time]] = {}
    if live_first <= end:
        totals, logged = (
            read_along[0]
            if read_along
            else dose_rows(terms.regimen_id, first=live_first, last=end, by_slot=True)
        )
        live = capped_doses(terms, totals)
        days = {**days, **live}
    today_slots = 0
    if terms.start_date <= today == end:
        today_slots = slots_counted(
            schedule=terms.schedule, day=today, logged=logged.get(today, ()), zone=mother.zone, now=now
        )
    # The whole result is remembered too, for as long as neither a closed day nor today changes.
    inputs = AdherenceInputs(terms, today, closed_last, tuple(sorted(live.items())), today_slots)
    return closed_days_cached(
        mother=mother,
        inputs=inputs,
        compute=lambda: _adherence(terms, today=today, days=days, birth=birth, today_slots=today_slots),
    )


def _adherence(
    terms: RegimenTerms, *, today: date, days: dict[date, DayDoses], birth: date | None, today_slots: int
) -> Adherence:
    schedule = terms.schedule
    start = terms.start_date
    end = today if terms.end_date is None else min(today, terms.end_date)
    window = days_between(start, end) if start <= end else ()
    # Today is not a day yet while one of its slots neither is logged nor has passed.
    today_is_open = bool(window) and end == today and today_slots < schedule.doses_on(today)
    judge = _Judge(schedule, days, open_day=today if today_is_open else None, open_slots=today_slots)
    counted = window[:-1] if today_is_open else window
    covered = [judge.covered(day) for day in counted]

    whole = judge.period(window)
    last_day = terms.end_date or max(end, start)
    calendar = [
        CalendarDay(day, _state(days.get(day, NO_DOSES), schedule.doses_on(day), future=day > today))
        for day in days_between(start, last_day)
    ]
    before = after = None
    if birth is not None:
        before = judge.period([day for day in window if day < birth])
        after = judge.period([day for day in window if day >= birth])
    taken = whole.doses_taken
    on_time = sum(day.on_time for day in days.values())
    return Adherence(
        today=today,
        window_start=start,
        window_end=end,
        is_started=start <= today,
        doses_per_day=schedule.doses_on(today),
        days_elapsed=whole.days_elapsed,
        days_covered=whole.days_covered,
        doses_scheduled=whole.doses_scheduled,
        doses_taken=taken,
        doses_skipped=sum(day.skipped for day in days.values()),
        doses_on_time=on_time,
        pdc=whole.pdc,
        dose_adherence=whole.dose_adherence,
        on_time=_ratio(on_time, taken),
        pdc_meets_target=whole.pdc_meets_target,
        dose_adherence_meets_target=whole.dose_adherence_meets_target,
        current_streak=_run_at_end(covered, True),
        longest_gap=_longest_run(covered, False),
        today_is_open=today_is_open,
        today_slots_counted=today_slots,
        birth_date=birth,
        before_birth=before,
        after_birth=after,
        calendar=calendar,
    )


class _Judge(NamedTuple):
    """Judges days by the rules of ``Adherence``: ``open_day`` (today, while not counted yet)
    is left out of the counted days and adds its ``open_slots`` that count to the doses."""

    schedule: DoseSchedule
    counts: dict[date, DayDoses]
    open_day: date | None
    open_slots: int

    def covered(self, day: date) -> bool:
        return self.counts.get(day, NO_DOSES).taken >= self.schedule.doses_on(day)

    def period(self, window: list[date] | tuple[date, ...]) -> AdherencePeriod:
        counted = [day for day in window if day != self.open_day]
        covered = sum(1 for day in counted if self.covered(day))
        taken = sum(self.counts.get(day, NO_DOSES).taken for day in window)
        scheduled = sum(self.schedule.doses_on(day) for day in counted)
        if self.open_day in window:
            scheduled += self.open_slots
        pdc = _ratio(covered, len(counted))
        dose_adherence = _ratio(taken, scheduled)
        return AdherencePeriod(
            first_day=counted[0] if counted else None,
            last_day=counted[-1] if counted else None,
            days_elapsed=len(counted),
            days_covered=covered,
            doses_scheduled=scheduled,
            doses_taken=taken,
            pdc=pdc,
            dose_adherence=dose_adherence,
            pdc_meets_target=pdc is not None and pdc >= ADHERENT,
            dose_adherence_meets_target=dose_adherence is not None and dose_adherence >= ADHERENT,
        )


def _state(day: DayDoses, per_day: int, *, future: bool) -> DayState:
    if future:
        return DayState.FUTURE
    if day.taken >= per_day:
        return DayState.TAKEN
    if day.taken:
        return DayState.PARTIAL
    if day.skipped:
        return DayState.SKIPPED
    return DayState.MISSED


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _run_at_end(values: list[bool], wanted: bool) -> int:
    return next((n for n, value in enumerate(reversed(values)) if value is not wanted), len(values))


def _longest_run(values: list[bool], wanted: bool) -> int:
    return max((len(list(run)) for value, run in groupby(values) if value is wanted), default=0)
