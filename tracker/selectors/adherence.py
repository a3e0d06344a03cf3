"""How well a mother keeps to a regimen: days covered, dose adherence, on time, streaks, calendar."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q

from tracker.closed_days import closed_days_cached, last_closed_day
from tracker.localtime import days_between, local_today
from tracker.models import DoseLog, Regimen
from tracker.models.family import first_birth_date

#: The line adherence research draws between "adherent" and not: 80% of days (or doses).
ADHERENT = 0.8
#: A taken dose is on time when taken at most this long before or after its slot.
ON_TIME_WINDOW = timedelta(minutes=60)
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
    """Adherence over a run of local days ``first_day``..``last_day``, both inclusive.

    ``first_day``/``last_day`` are None when the period has no elapsed day. Ratios are
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
    """A regimen's adherence from its first day up to today, in the mother's local days.

    Days are calendar days in the mother's time zone (a log's ``slot_date``), so a DST
    change or a trip neither loses nor doubles a day. The window is
    ``window_start``..``window_end``, both inclusive: the regimen's start date to the
    earlier of ``today`` and its end date. Days before the start or after today are not
    counted. Counts are doses or days; ratios are fractions 0..1 (never above 1) and
    None when nothing is scheduled yet.

    - ``pdc`` (proportion of days covered): days on which every scheduled dose was taken
      / ``days_elapsed``.
    - ``dose_adherence``: doses taken / doses scheduled. A day counts at most
      ``doses_per_day`` taken doses, even with a log for a slot time no longer scheduled.
      A skipped dose is not taken; a day with no record is missed, not skipped.
    - ``on_time``: the share of TAKEN doses taken within 60 minutes either side of their
      slot (``doses_on_time`` / ``doses_taken``), None when nothing was taken.
    - ``current_streak``: fully covered days in a row ending at ``window_end``. Today,
      while it still has open slots and is not yet covered, is not held against her:
      the streak then counts back from yesterday. ``longest_gap``: the longest run of
      days in a row that are not covered, with the same allowance for today
      (``today_is_open``). Today still counts in ``days_elapsed`` and ``pdc``.
    - ``before_birth`` / ``after_birth``: the window split at the local birth date of
      the regimen's pregnancy (the birth day belongs to after); None without a birth.
    - ``calendar``: one ``(day, state)`` per local day from ``window_start`` to the end
      date (open-ended regimens: to ``window_end``); days after ``today`` are "future".
    """

    today: date
    window_start: date
    window_end: date  # before window_start when the regimen has not started
    is_started: bool
    doses_per_day: int
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
    today_is_open: bool  # today is in the window with slots still unanswered
    birth_date: date | None
    before_birth: AdherencePeriod | None
    after_birth: AdherencePeriod | None
    calendar: list[CalendarDay]


class _Day(NamedTuple):
    """One local day's doses, capped so that a day never holds more than its schedule."""

    taken: int
    skipped: int
    on_time: int


_NOTHING = _Day(0, 0, 0)


@dataclass(frozen=True)
class RegimenTerms:
    """What a regimen's adherence is computed from, besides its dose logs. The computations
    below read the regimen only through this, so the cache keys built from it are complete."""

    regimen_id: int
    start_date: date
    end_date: date | None
    doses_per_day: int
    pregnancy_id: int | None

    @classmethod
    def of(cls, regimen: Regimen) -> "RegimenTerms":
        return cls(
            regimen_id=regimen.pk,
            start_date=regimen.start_date,
            end_date=regimen.end_date,
            doses_per_day=regimen.doses_per_day,
            pregnancy_id=regimen.pregnancy_id,
        )


@dataclass(frozen=True)
class ClosedDoses:
    """The cache inputs of the per-day counts of the closed days ``terms.start_date``..``last``."""

    terms: RegimenTerms
    last: date


@dataclass(frozen=True)
class AdherenceInputs:
    """The cache inputs of a whole ``Adherence``: the closed days' (``ClosedDoses``) and the
    counts of the days read live."""

    terms: RegimenTerms
    today: date
    closed_last: date
    live: tuple[tuple[date, "_Day"], ...]


def adherence_for_regimen(*, regimen: Regimen, today: date | None = None) -> Adherence:
    """The adherence of ``regimen`` up to local ``today`` (default: the mother's today).

    The dose logs are grouped by local day in SQL. The days before today (closed
    days) and the birth date are cached until one of her past records changes
    (``tracker.closed_days``), so a page view reads only today's logs: one query
    whatever the length of the window, three when the cache is cold.
    ``regimen.mother`` is used for her time zone and stamp: load it with
    ``select_related("mother")`` to avoid another.
    """
    mother = regimen.mother
    terms = RegimenTerms.of(regimen)
    if today is None:
        today = local_today(mother.zone)
    end = today if terms.end_date is None else min(today, terms.end_date)
    # Closed days come from the cache; the rest (normally just today) is read live.
    closed_last = min(end, today - ONE_DAY, last_closed_day(mother.zone))
    days, birth = _closed_days(mother=mother, inputs=ClosedDoses(terms, closed_last))
    live_first = max(terms.start_date, closed_last + ONE_DAY)
    live: dict[date, _Day] = {}
    if live_first <= end:
        live = _doses_by_day(terms, first=live_first, last=end)
        days = {**days, **live}
    # The whole result is remembered too, for as long as neither a closed day nor today changes.
    inputs = AdherenceInputs(terms, today, closed_last, tuple(sorted(live.items())))
    return closed_days_cached(
        mother=mother,
        inputs=inputs,
        compute=lambda: _adherence(terms, today=today, days=days, birth=birth),
    )


def _adherence(terms: RegimenTerms, *, today: date, days: dict[date, _Day], birth: date | None) -> Adherence:
    per_day = terms.doses_per_day
    start = terms.start_date
    end = today if terms.end_date is None else min(today, terms.end_date)
    elapsed = days_between(start, end) if start <= end else []
    # Today is not held against her while some of its slots are still open.
    today_is_open = bool(elapsed) and end == today and not _is_settled(days.get(today, _NOTHING), per_day)
    judged = elapsed[:-1] if today_is_open else elapsed
    covered = [days.get(day, _NOTHING).taken >= per_day for day in judged]

    whole = _period(elapsed, days, per_day)
    last_day = terms.end_date or max(end, start)
    calendar = [
        CalendarDay(day, _state(days.get(day, _NOTHING), per_day, future=day > today))
        for day in days_between(start, last_day)
    ]
    before = after = None
    if birth is not None:
        before = _period([day for day in elapsed if day < birth], days, per_day)
        after = _period([day for day in elapsed if day >= birth], days, per_day)
    taken = whole.doses_taken
    on_time = sum(day.on_time for day in days.values())
    return Adherence(
        today=today,
        window_start=start,
        window_end=end,
        is_started=start <= today,
        doses_per_day=per_day,
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
        birth_date=birth,
        before_birth=before,
        after_birth=after,
        calendar=calendar,
    )


def _closed_days(*, mother, inputs: ClosedDoses) -> tuple[dict[date, _Day], date | None]:
    """The per-day counts of the closed days and the local birth date, cached until one of her
    past records changes (``tracker.closed_days``)."""
    terms = inputs.terms

    def compute() -> tuple[dict[date, _Day], date | None]:
        days = (
            _doses_by_day(terms, first=terms.start_date, last=inputs.last)
            if terms.start_date <= inputs.last
            else {}
        )
        birth = (
            first_birth_date(pregnancy_id=terms.pregnancy_id, zone=mother.zone)
            if terms.pregnancy_id
            else None
        )
        return days, birth

    return closed_days_cached(mother=mother, inputs=inputs, compute=compute)


def _doses_by_day(terms: RegimenTerms, *, first: date, last: date) -> dict[date, _Day]:
    """Taken, skipped and on-time counts per local day in ``first``..``last`` (inclusive)."""
    taken = Q(status=DoseLog.Status.TAKEN)
    rows = (
        DoseLog.objects.filter(regimen_id=terms.regimen_id, slot_date__range=(first, last))
        .alias(lateness=ExpressionWrapper(F("taken_at") - F("scheduled_at"), output_field=DurationField()))
        .values("slot_date")
        .annotate(
            taken=Count("pk", filter=taken),
            skipped=Count("pk", filter=Q(status=DoseLog.Status.SKIPPED)),
            on_time=Count(
                "pk", filter=taken & Q(lateness__gte=-ON_TIME_WINDOW, lateness__lte=ON_TIME_WINDOW)
            ),
        )
        .order_by()
    )
    per_day = terms.doses_per_day
    days = {}
    for row in rows:
        day_taken = Regimen.doses_counted(row["taken"], per_day)
        days[row["slot_date"]] = _Day(
            taken=day_taken,
            skipped=min(row["skipped"], per_day - day_taken),
            on_time=min(row["on_time"], day_taken),
        )
    return days


def _is_settled(day: _Day, per_day: int) -> bool:
    """Whether a day can be judged before it ends: every slot answered, taken or skipped."""
    return day.taken + day.skipped >= per_day


def _period(days: list[date], counts: dict[date, _Day], per_day: int) -> AdherencePeriod:
    covered = sum(1 for day in days if counts.get(day, _NOTHING).taken >= per_day)
    taken = sum(counts.get(day, _NOTHING).taken for day in days)
    scheduled = len(days) * per_day
    pdc = _ratio(covered, len(days))
    dose_adherence = _ratio(taken, scheduled)
    return AdherencePeriod(
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        days_elapsed=len(days),
        days_covered=covered,
        doses_scheduled=scheduled,
        doses_taken=taken,
        pdc=pdc,
        dose_adherence=dose_adherence,
        pdc_meets_target=pdc is not None and pdc >= ADHERENT,
        dose_adherence_meets_target=dose_adherence is not None and dose_adherence >= ADHERENT,
    )


def _state(day: _Day, per_day: int, *, future: bool) -> DayState:
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
    run = 0
    for value in reversed(values):
        if value is not wanted:
            break
        run += 1
    return run


def _longest_run(values: list[bool], wanted: bool) -> int:
    longest = run = 0
    for value in values:
        run = run + 1 if value is wanted else 0
        longest = max(longest, run)
    return longest
