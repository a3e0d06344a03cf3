"""Symptom trends for the dashboard: daily counts, 7-day averages, screening flags.

Days are the mother's local days (``infant.mother.zone``); an entry belongs to
the local day on which it occurred (timed crying to the day it started). The
flags are modelled on the Rome IV criteria for infants. They screen, they do
not diagnose: each one says so and sends the mother to her clinician.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from tracker.closed_days import closed_days_cached, closed_then_live, last_closed_day
from tracker.localtime import days_between, local_date, local_day_bounds
from tracker.models import DailyCheck, Infant, SymptomEntry
from tracker.selectors.symptom_days import symptom_days

Kind = SymptomEntry.Kind
ROLLING_DAYS = 7
SCREENING = "Screening, not a diagnosis: talk to your clinician."

REGURGITATION_PER_DAY = 2
REGURGITATION_RUN_DAYS = 21
REGURGITATION_FROM_AGE_DAYS = 21
REGURGITATION_UNTIL_MONTHS = 12
CRYING_MINUTES_PER_DAY = 180
CRYING_DAYS_IN_WEEK = 3
CRYING_UNTIL_MONTHS = 5
STOOLS_PER_WEEK_AT_MOST = 2
STOOL_WEEKS = 4
STRAINING_UNTIL_MONTHS = 9
FREQUENT_SPIT_UP = f"Spit-up 2 or more times a day, every day for 3 weeks or more. {SCREENING}"
LONG_CRYING = f"Crying or fussing for 3 hours or more a day, on 3 or more days in a week. {SCREENING}"
FEW_STOOLS = f"2 stools a week or fewer, for 4 weeks in a row. {SCREENING}"
LONG_STRAINING = f"Straining for 10 minutes or more before a stool. {SCREENING}"
NO_FLAG = (
    "None of the four screening flags (frequent spit-up, long crying, few stools, long straining) "
    "was met since the birth."
)


class SymptomDay(NamedTuple):  # a NamedTuple: two years are 730 of them per page view
    """One local day's counts, and each as the mean over the 7 days ending that day.

    ``crying_minutes`` adds typed durations to timed spans (rounded to the
    minute). A ``*_7d`` value averages the days of that window on or after the
    birth day (so a 3-day-old's average is over 3 days); None before birth.
    """

    day: date
    regurgitations: int
    crying_minutes: int
    stools: int
    abdominal_pain: int
    regurgitations_7d: float | None
    crying_minutes_7d: float | None
    stools_7d: float | None
    abdominal_pain_7d: float | None


@dataclass(frozen=True)
class ScreeningFlag:
    """A Rome IV-style screening rule; ``trigger_days`` are the local days that met it."""

    name: str
    triggered: bool
    wording: str
    trigger_days: list[date]


@dataclass(frozen=True)
class SymptomTrends:
    """Daily symptoms over local days ``first_day``..``last_day`` (inclusive), with flags.

    ``flags`` look at the whole history from ``birth_day`` to ``last_day``,
    not only the displayed range, so a three-week pattern is seen whatever
    range is on screen.
    """

    first_day: date
    last_day: date
    birth_day: date
    per_day: list[SymptomDay]
    flags: list[ScreeningFlag]

    @property
    def flags_met(self) -> list[ScreeningFlag]:
        return [flag for flag in self.flags if flag.triggered]


def symptom_trends(*, infant: Infant, first_day: date, last_day: date) -> SymptomTrends:
    """Symptoms of ``infant`` per local day from ``first_day`` to ``last_day``, both inclusive.

    Days are in the mother's time zone. Counts are entries per day; crying is
    in minutes per day. Rolling averages reach back 6 days before
    ``first_day`` and the screening flags back to the birth day; both come
    from the same per-day totals, those of the days before today cached (see
    ``_history``). Two queries whatever the amount of data, four when the cache
    is cold (pass an infant with ``mother`` loaded).
    """
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    zone = infant.mother.zone
    birth_day = local_date(infant.birth_at, zone)
    history_start = min(birth_day, first_day - timedelta(days=ROLLING_DAYS - 1))
    history = _history(infant=infant, first_day=history_start, last_day=last_day)
    # The whole result is remembered too, for as long as neither a closed day nor today changes.
    closed_last = min(last_day, last_closed_day(zone))
    inputs = TrendsInputs(infant.pk, first_day, last_day, birth_day, closed_last, history.after(closed_last))
    return closed_days_cached(
        mother=infant.mother,
        inputs=inputs,
        compute=lambda: _trends(history, first_day=first_day, last_day=last_day, birth_day=birth_day),
    )


@dataclass(frozen=True)
class TrendsInputs:
    """The cache inputs of a whole ``SymptomTrends``: besides the closed days' totals (keyed
    by the records stamp), the range, the birth day and the totals of the days read live."""

    infant_id: int
    first_day: date
    last_day: date
    birth_day: date
    closed_last: date
    live: tuple


def _trends(history: "_DailyHistory", *, first_day: date, last_day: date, birth_day: date) -> SymptomTrends:
    days = days_between(first_day, last_day)
    series = (history.regurgitations, history.crying_minutes, history.stools, history.abdominal_pain)
    means = [_rolling_means(values, days, birth_day) for values in series]
    per_day = [
        SymptomDay(
            day=day,
            regurgitations=history.regurgitations.get(day, 0),
            crying_minutes=history.crying_minutes.get(day, 0),
            stools=history.stools.get(day, 0),
            abdominal_pain=history.abdominal_pain.get(day, 0),
            regurgitations_7d=means[0][i],
            crying_minutes_7d=means[1][i],
            stools_7d=means[2][i],
            abdominal_pain_7d=means[3][i],
        )
        for i, day in enumerate(days)
    ]

    life = days_between(birth_day, last_day) if birth_day <= last_day else []
    flags = [
        _regurgitation_flag(history, life, birth_day),
        _crying_flag(history, life, birth_day),
        _stool_flag(history, life),
        _straining_flag(history, life, birth_day),
    ]
    return SymptomTrends(
        first_day=first_day, last_day=last_day, birth_day=birth_day, per_day=per_day, flags=flags
    )


def _history(*, infant: Infant, first_day: date, last_day: date) -> "_DailyHistory":
    """The per-day totals of ``first_day``..``last_day``: the closed days (before today)
    from the cache until one of her past records changes (``tracker.closed_days``),
    the rest (normally just today) read live."""
    return closed_then_live(
        mother=infant.mother,
        kind="symptoms",
        object_id=infant.pk,
        first_day=first_day,
        last_day=last_day,
        load=lambda first, last: _DailyHistory.load(infant=infant, first_day=first, last_day=last),
        join=_DailyHistory.merged,
    )


@dataclass(frozen=True)
class _DailyHistory:
    """Per local day totals; days without entries are absent (read them as 0)."""

    regurgitations: dict[date, int]
    crying_minutes: dict[date, int]
    stools: dict[date, int]
    abdominal_pain: dict[date, int]
    straining_days: set[date]
    checked_days: set[date]

    def after(self, day: date) -> tuple:
        """Every total of the days after ``day`` (normally just today's), comparable and hashable."""
        later = sorted(
            {
                d
                for d in (
                    *self.regurgitations,
                    *self.crying_minutes,
                    *self.straining_days,
                    *self.checked_days,
                )
                if d > day
            }
        )
        return tuple(
            (
                d.toordinal(),
                self.regurgitations.get(d, 0),
                self.crying_minutes.get(d, 0),
                self.stools.get(d, 0),
                self.abdominal_pain.get(d, 0),
                d in self.straining_days,
                d in self.checked_days,
            )
            for d in later
        )

    def merged(self, later: "_DailyHistory") -> "_DailyHistory":
        """These days and those of ``later`` (days that do not overlap these)."""
        return _DailyHistory(
            regurgitations={**self.regurgitations, **later.regurgitations},
            crying_minutes={**self.crying_minutes, **later.crying_minutes},
            stools={**self.stools, **later.stools},
            abdominal_pain={**self.abdominal_pain, **later.abdominal_pain},
            straining_days=self.straining_days | later.straining_days,
            checked_days=self.checked_days | later.checked_days,
        )

    @classmethod
    def load(cls, *, infant: Infant, first_day: date, last_day: date) -> "_DailyHistory":
        zone = infant.mother.zone
        start, _ = local_day_bounds(first_day, zone)
        _, end = local_day_bounds(last_day, zone)
        days = symptom_days(
            entries=SymptomEntry.objects.filter(infant=infant, occurred_at__gte=start, occurred_at__lt=end),
            checked=DailyCheck.objects.filter(infant=infant, day__gte=first_day, day__lte=last_day)
            .order_by()
            .values_list("infant_id", "day"),
            zone=zone,
        )
        history = cls({}, {}, {}, {}, set(), set())
        for (_, day), totals in days.items():
            history.regurgitations[day] = totals.regurgitations
            history.crying_minutes[day] = totals.crying_minutes
            history.stools[day] = totals.stools
            history.abdominal_pain[day] = totals.abdominal_pain
            if totals.strained:
                history.straining_days.add(day)
            if totals.checked:
                history.checked_days.add(day)
        return history


def _rolling_means(series: dict[date, int], days: list[date], birth_day: date) -> list[float | None]:
    """For each of the consecutive ``days``, the mean of ``series`` over the 7 days ending
    that day, counting only days on or after ``birth_day`` (None when there is none).
    One pass with a running sum, so two years cost no more per day than a week."""
    span = days_between(days[0] - timedelta(days=ROLLING_DAYS - 1), days[-1])
    values = [series.get(day, 0) if day >= birth_day else None for day in span]
    means: list[float | None] = []
    total = counted = 0
    for i, value in enumerate(values):
        if value is not None:
            total, counted = total + value, counted + 1
        if i >= ROLLING_DAYS and (dropped := values[i - ROLLING_DAYS]) is not None:
            total, counted = total - dropped, counted - 1
        if i >= ROLLING_DAYS - 1:
            means.append(total / counted if counted else None)
    return means


def _add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (the month's last day if shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _under_months(birth_day: date, months: int) -> Callable[[date], bool]:
    limit = _add_months(birth_day, months)
    return lambda day: day < limit


def _regurgitation_flag(history: _DailyHistory, life: list[date], birth_day: date) -> ScreeningFlag:
    """Spit-up at least twice on every one of 21 or more consecutive days, aged 3 weeks to 12 months."""
    young_enough = _under_months(birth_day, REGURGITATION_UNTIL_MONTHS)
    trigger_days: list[date] = []
    run: list[date] = []
    for day in [*life, None]:  # None closes the last run
        counted = (
            day is not None
            and (day - birth_day).days >= REGURGITATION_FROM_AGE_DAYS
            and young_enough(day)
            and history.regurgitations.get(day, 0) >= REGURGITATION_PER_DAY
        )
        if counted:
            run.append(day)
            continue
        if len(run) >= REGURGITATION_RUN_DAYS:
            trigger_days.extend(run)
        run = []
    return ScreeningFlag(
        name="regurgitation",
        triggered=bool(trigger_days),
        wording=FREQUENT_SPIT_UP,
        trigger_days=trigger_days,
    )


def _crying_flag(history: _DailyHistory, life: list[date], birth_day: date) -> ScreeningFlag:
    """Crying for 3 hours or more a day on at least 3 days of any 7, under 5 months."""
    young_enough = _under_months(birth_day, CRYING_UNTIL_MONTHS)
    long_days = [
        day
        for day in life
        if young_enough(day) and history.crying_minutes.get(day, 0) >= CRYING_MINUTES_PER_DAY
    ]
    trigger_days: set[date] = set()
    for i, day in enumerate(long_days):
        # Long days are sorted: the window of 7 days ending on ``day`` holds a run of them.
        in_window = [d for d in long_days[max(0, i - ROLLING_DAYS + 1) : i + 1] if (day - d).days < 7]
        if len(in_window) >= CRYING_DAYS_IN_WEEK:
            trigger_days.update(in_window)
    return ScreeningFlag(
        name="crying",
        triggered=bool(trigger_days),
        wording=LONG_CRYING,
        trigger_days=sorted(trigger_days),
    )


def _stool_flag(history: _DailyHistory, life: list[date]) -> ScreeningFlag:
    """At most 2 stools in each of 4 consecutive weeks (28 days) in which stools were being logged.

    Only weeks that lie wholly between the birth day and ``last_day`` count,
    and a week counts only if it has a logged stool or a daily check. A mother
    who has never logged a stool is not told her baby has few.
    """
    if not any(history.stools.values()):
        return ScreeningFlag(name="few_stools", triggered=False, wording=FEW_STOOLS, trigger_days=[])

    # Prefix sums over the days of life: a week's stools and checks in O(1).
    stools_upto, checks_upto = [0], [0]
    for day in life:
        stools_upto.append(stools_upto[-1] + history.stools.get(day, 0))
        checks_upto.append(checks_upto[-1] + (day in history.checked_days))

    def quiet_week_ending(i: int) -> bool:
        """Days i-6..i logged (a stool or a check) with at most 2 stools."""
        if i < 6:
            return False
        stools = stools_upto[i + 1] - stools_upto[i - 6]
        logged = stools > 0 or checks_upto[i + 1] - checks_upto[i - 6] > 0
        return logged and stools <= STOOLS_PER_WEEK_AT_MOST

    span = STOOL_WEEKS * 7
    quiet = [quiet_week_ending(i) for i in range(len(life))]
    trigger_days: set[date] = set()
    for i in range(span - 1, len(life)):
        if all(quiet[i - 7 * k] for k in range(STOOL_WEEKS)):
            trigger_days.update(life[i - span + 1 : i + 1])
    return ScreeningFlag(
        name="few_stools",
        triggered=bool(trigger_days),
        wording=FEW_STOOLS,
        trigger_days=sorted(trigger_days),
    )


def _straining_flag(history: _DailyHistory, life: list[date], birth_day: date) -> ScreeningFlag:
    """A stool with 10 minutes or more of straining before it, under 9 months."""
    young_enough = _under_months(birth_day, STRAINING_UNTIL_MONTHS)
    trigger_days = [day for day in life if day in history.straining_days and young_enough(day)]
    return ScreeningFlag(
        name="straining",
        triggered=bool(trigger_days),
        wording=LONG_STRAINING,
        trigger_days=trigger_days,
    )
