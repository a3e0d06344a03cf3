"""Symptom trends for the dashboard, the clinician's summary and the PDF: each local day's
counts, 7-day means, the week to yesterday, the screening flags and the vomiting notice.

Days are the mother's local days (``infant.mother.zone``); the totals of a day come from
``tracker.selectors.symptom_days`` (vomiting apart from spit-ups, stools by Brussels group).
product.md, "What it computes":

- "A *logging day* for an infant is a day with any symptom entry or a daily check. Other
  days are 'no data': drawn as gaps and left out of averages (never counted as zero). A
  7-day mean needs at least 4 logging days in its window, else it is not shown." So a day
  without data has None for each count, and a mean is over the logging days of its window,
  None with fewer than 4 of them (``mean_over_logging_days``).
- "Today is unfinished: it is drawn as partial, and a sentence about 'the last 7 days'
  means the 7 complete days to yesterday, the same on the dashboard and in the PDF." So
  ``SymptomTrends.last_week`` is that week, which both of them print.

The screening flags and the vomiting notice are in ``tracker.selectors.screening``.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from typing import NamedTuple

from tracker.closed_days import closed_days_cached, closed_then_live, last_closed_day
from tracker.day_totals import Kind, settled_and_later_day_totals
from tracker.localtime import days_between, local_date, local_day_bounds
from tracker.models import DailyCheck, Infant, SymptomEntry
from tracker.selectors.screening import ScreeningFlag, recent_vomiting, screening_flags
from tracker.selectors.symptom_days import (
    BRUSSELS_GROUPS,
    MIN_LOGGING_DAYS,
    SymptomDayTotals,
    mean_over_logging_days,
    symptom_days,
)

ROLLING_DAYS = 7
#: The fields of ``SymptomDayTotals`` that are counted per day, in its order.
COUNTED = SymptomDayTotals._fields[:9]
_INDEX = {name: COUNTED.index(name) for name in COUNTED}
#: The counts that have a 7-day mean on each day, in ``SymptomDay``'s order.
MEANS = ("regurgitations", "vomiting", "crying_minutes", "stools", "abdominal_pain")
#: The Brussels groups as people read them, with the pictures each holds.
GROUP_LABELS = {"hard": "hard (1-3)", "formed": "formed (4)", "loose": "loose (5-6)", "watery": "watery (7)"}


class SymptomDay(NamedTuple):  # a NamedTuple: two years are 730 of them per page view
    """One local day's counts (None on a day without data: no entry and no daily check), and
    the means over the logging days of the 7 days ending that day (None with fewer than 4).

    ``regurgitations`` are effortless spit-ups, ``vomiting`` the ones marked as vomiting;
    ``crying_minutes`` is the sum of the day's crying spells; ``stools_hard`` ..
    ``stools_watery`` are the Brussels groups 1-3, 4, 5-6 and 7.
    """

    day: date
    regurgitations: int | None
    vomiting: int | None
    crying_minutes: int | None
    stools: int | None
    stools_hard: int | None
    stools_formed: int | None
    stools_loose: int | None
    stools_watery: int | None
    abdominal_pain: int | None
    logging_days_7d: int
    regurgitations_7d: float | None
    vomiting_7d: float | None
    crying_minutes_7d: float | None
    stools_7d: float | None
    abdominal_pain_7d: float | None

    @property
    def logged(self) -> bool:
        """A logging day (any symptom entry or a daily check)."""
        return self.regurgitations is not None


class StoolGroup(NamedTuple):
    name: str  # "hard", "formed", "loose", "watery"
    label: str  # "hard (1-3)"
    stools: int  # in the week's logging days
    per_day: float | None  # the mean over those days (None with fewer than 4)


@dataclass(frozen=True)
class WeekSummary:
    """The 7 complete local days ``first_day``..``last_day`` (the last is yesterday when the
    range ends today): the logging days among them and the means a day over those days,
    None when there are fewer than 4. The dashboard's sentence, the clinician's summary and
    the PDF's "Last 7 days" all print these numbers."""

    first_day: date
    last_day: date
    logging_days: int
    regurgitations: float | None
    vomiting: float | None
    crying_minutes: float | None
    stools: float | None
    stool_groups: list[StoolGroup]

    @property
    def has_means(self) -> bool:
        return self.logging_days >= MIN_LOGGING_DAYS


@dataclass(frozen=True)
class SymptomTrends:
    """Daily symptoms over local days ``first_day``..``last_day`` (inclusive), with flags.

    ``flags`` look at the whole history from ``birth_day`` to ``last_day``, not only the
    displayed range, so a three-week pattern is seen whatever range is on screen.
    ``last_week`` is the 7 complete days to ``last_complete_day`` (yesterday, or
    ``last_day`` when that is in the past); ``recent_vomiting`` the days with vomiting,
    and how many times, in that week and on ``last_day`` (today included).
    """

    first_day: date
    last_day: date
    birth_day: date
    last_complete_day: date
    per_day: list[SymptomDay]
    last_week: WeekSummary
    flags: list[ScreeningFlag]
    recent_vomiting: list[tuple[date, int]]

    @property
    def flags_met(self) -> list[ScreeningFlag]:
        return [flag for flag in self.flags if flag.triggered]


def symptom_trends(*, infant: Infant, first_day: date, last_day: date) -> SymptomTrends:
    """Symptoms of ``infant`` per local day from ``first_day`` to ``last_day``, both inclusive.

    Days are in the mother's time zone. Counts are entries per day; crying is in minutes
    per day. The 7-day means reach back 7 days before ``first_day`` and the screening flags
    back to the birth day; both come from the same per-day totals, those of the days
    before today cached (see ``_history``). Two queries whatever the amount of data, also
    when the cache lacks the days to yesterday (the first view of a day reads them with
    today's), four when it lacks an older month only (pass an infant with ``mother`` loaded).
    """
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    zone = infant.mother.zone
    birth_day = local_date(infant.birth_at, zone)
    # A week before ``first_day``: the 7 days to the day before it (yesterday) are read too.
    history_start = min(birth_day, first_day - timedelta(days=ROLLING_DAYS))
    history = _history(infant=infant, first_day=history_start, last_day=last_day)
    # The whole result is remembered too, for as long as neither a closed day nor today changes.
    closed_last = min(last_day, last_closed_day(zone))
    inputs = TrendsInputs(infant.pk, first_day, last_day, birth_day, closed_last, history.after(closed_last))
    return closed_days_cached(
        mother=infant.mother,
        inputs=inputs,
        compute=lambda: _trends(history.days, inputs),
    )


@dataclass(frozen=True)
class TrendsInputs:
    """The cache inputs of a whole ``SymptomTrends``: besides the closed days' totals (keyed
    by the records stamp), the range, the birth day, the last complete day and the totals
    of the days read live. ``shape`` changes with ``SymptomTrends``' fields, so a shared
    cache never hands back a value of the old shape."""

    infant_id: int
    first_day: date
    last_day: date
    birth_day: date
    closed_last: date
    live: tuple
    shape: int = 2


def _trends(days: dict[date, SymptomDayTotals], inputs: TrendsInputs) -> SymptomTrends:
    first_day, last_day, birth_day = inputs.first_day, inputs.last_day, inputs.birth_day
    days = {day: totals for day, totals in days.items() if day >= birth_day}
    shown = days_between(first_day, last_day)
    logging_days, sums = _windows(days, shown)
    means = zip(
        *(
            [
                mean_over_logging_days(total, n)
                for total, n in zip(sums[_INDEX[name]], logging_days, strict=True)
            ]
            for name in MEANS
        ),
        strict=True,
    )
    no_data = (None,) * len(COUNTED)
    per_day = [
        SymptomDay(day, *(days[day][: len(COUNTED)] if day in days else no_data), n, *day_means)
        for day, n, day_means in zip(shown, logging_days, means, strict=True)
    ]
    life = days_between(birth_day, last_day) if birth_day <= last_day else []
    return SymptomTrends(
        first_day=first_day,
        last_day=last_day,
        birth_day=birth_day,
        last_complete_day=inputs.closed_last,
        per_day=per_day,
        last_week=week_summary(days, last_day=inputs.closed_last),
        flags=screening_flags(days, life=life, birth_day=birth_day),
        recent_vomiting=recent_vomiting(days, last_complete_day=inputs.closed_last, today=last_day),
    )


def week_summary(days: dict[date, SymptomDayTotals], *, last_day: date) -> WeekSummary:
    """The 7 days to ``last_day``, inclusive: see ``WeekSummary``."""
    (logging_days,), sums = _windows(days, [last_day])

    def mean(name: str) -> float | None:
        return mean_over_logging_days(sums[_INDEX[name]][0], logging_days)

    return WeekSummary(
        first_day=last_day - timedelta(days=ROLLING_DAYS - 1),
        last_day=last_day,
        logging_days=logging_days,
        regurgitations=mean("regurgitations"),
        vomiting=mean("vomiting"),
        crying_minutes=mean("crying_minutes"),
        stools=mean("stools"),
        stool_groups=[
            StoolGroup(name, GROUP_LABELS[name], sums[_INDEX[f"stools_{name}"]][0], mean(f"stools_{name}"))
            for name in BRUSSELS_GROUPS
        ],
    )


def _windows(days: dict[date, SymptomDayTotals], shown: list[date]) -> tuple[list[int], list[list[int]]]:
    """For the consecutive days ``shown``, over the 7 days ending each: the number of logging
    days, and for each ``COUNTED`` field (in its order) the sums over them. Prefix sums, so
    two years cost no more per day than a week."""
    span = days_between(shown[0] - timedelta(days=ROLLING_DAYS - 1), shown[-1])
    values = [days.get(day) for day in span]
    logging_days = _window_sums([value is not None for value in values])
    sums = [
        _window_sums([0 if value is None else value[field] for value in values])
        for field in range(len(COUNTED))
    ]
    return logging_days, sums


def _window_sums(column: list[int]) -> list[int]:
    """The sums of each 7 consecutive values of ``column``, the first ending on its 7th."""
    prefix = list(accumulate(column, initial=0))
    return [prefix[i] - prefix[i - ROLLING_DAYS] for i in range(ROLLING_DAYS, len(prefix))]


def _history(*, infant: Infant, first_day: date, last_day: date) -> "_DailyHistory":
    """The per-day totals of ``first_day``..``last_day``: the closed days (before today)
    from the cache until one of her past records changes (``tracker.closed_days``),
    the rest (normally just today) read live."""
    return closed_then_live(
        mother=infant.mother,
        kind="symptom_days",
        object_id=infant.pk,
        first_day=first_day,
        last_day=last_day,
        load=lambda first, last: _DailyHistory.load(infant=infant, first_day=first, last_day=last),
        join=_DailyHistory.merged,
        before=_DailyHistory.before,
        load_closed=lambda first, last, through: _DailyHistory.settled(
            infant=infant, first_day=first, last_day=last, through=through
        ),
    )


@dataclass(frozen=True)
class _DailyHistory:
    """The totals of each logging day; a day that is absent has no data."""

    days: dict[date, SymptomDayTotals]

    def __reduce__(self):
        # Pickled as plain tuples: two years of totals are stored in the cache several times faster.
        return (
            _DailyHistory.of_rows,
            (tuple((day.toordinal(), *totals) for day, totals in self.days.items()),),
        )

    @classmethod
    def of_rows(cls, rows: tuple[tuple, ...]) -> "_DailyHistory":
        return cls({date.fromordinal(day): SymptomDayTotals(*totals) for day, *totals in rows})

    def after(self, day: date) -> tuple:
        """Every total of the days after ``day`` (normally just today's), comparable and hashable."""
        return tuple((d.toordinal(), *totals) for d, totals in sorted(self.days.items()) if d > day)

    def before(self, day: date) -> "_DailyHistory":
        """The days before ``day``."""
        return _DailyHistory({d: totals for d, totals in self.days.items() if d < day})

    def merged(self, later: "_DailyHistory") -> "_DailyHistory":
        """These days and those of ``later`` (days that do not overlap these)."""
        return _DailyHistory({**self.days, **later.days})

    @classmethod
    def settled(
        cls, *, infant: Infant, first_day: date, last_day: date, through: date
    ) -> tuple["_DailyHistory", "_DailyHistory | None"]:
        """The days ``first_day``..``last_day`` (before today) from their stored totals
        (``tracker.day_totals``), regrouped from the records where a day has none; and the days
        after them up to ``through`` when they were read along (else None)."""
        totals, later = settled_and_later_day_totals(
            mother=infant.mother,
            kind=Kind.SYMPTOMS,
            object_id=infant.pk,
            first_day=first_day,
            last_day=last_day,
            through=through,
            load=lambda first, last: {
                day: list(totals)
                for day, totals in cls.load(infant=infant, first_day=first, last_day=last).days.items()
            },
        )
        return cls.of(totals), None if later is None else cls.of(later)

    @classmethod
    def of(cls, totals: dict[date, list]) -> "_DailyHistory":
        return cls({day: SymptomDayTotals(*values) for day, values in totals.items()})

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
        return cls({day: totals for (_, day), totals in days.items()})
