"""The weekly diary (weekly.csv), in the trial's shape: one row per infant per week of life.

product.md: "A weekly diary in the trial's shape: one row per infant per week of life (and
per week of regimen), with stool frequency and consistency groups, regurgitation and
vomiting per day, crying minutes per day, days of >= 3 h crying, and the week's dose
adherence."

Every number is summed from the daily summary's rows (``daily_records``), never counted
again, so a week's figures are those of its seven daily rows:

- week 1 of life is days 0-6 of life (the birth day is day 0), week 2 days 7-13, and so on;
  a baby's rows start at a record logged before the birth day when there is one (as in the
  daily summary), in week 0 (days -7 to -1) or earlier; the current week holds the days to
  today only (``days`` says how many);
- the pregnancy rows of the daily summary (no baby yet) make pregnancy weeks with the
  infant columns blank, counted in regimen weeks from her earliest regimen's first day;
- a symptom mean is over the week's logging days ("Other days are 'no data' ... left out
  of averages (never counted as zero)"), with ``logging_days`` beside it, and like a 7-day
  mean on the dashboard it needs 4 of them ("A 7-day mean needs at least 4 logging days in
  its window, else it is not shown"): with fewer it is blank; with none the week's symptom
  counts are blank too;
- feeds per day are over the days with a feed logged (``feed_days``): a day she did not log
  feeds is not a day without feeds;
- the doses are the mother's, repeated in each twin's row, as in the daily summary.

The regimen a baby's weeks are counted against is the one of her pregnancy if one is
linked, otherwise her mother's earliest (``regimen_for``); the cohort export's
``day_of_regimen`` uses the same rule.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import groupby
from typing import NamedTuple

from tracker.exports.catalogue import DATE, DECIMAL, INTEGER, Column, CsvExport, field
from tracker.exports.daily import BabyDay, daily_records
from tracker.localtime import local_date
from tracker.models import Infant, Regimen
from tracker.selectors.screening import CRYING_MINUTES_PER_DAY  # the crying flag's 3 h
from tracker.selectors.symptom_days import mean_over_logging_days

DAYS_IN_WEEK = 7

#: A regimen's first and last day (None: no end), as the weekly diary counts its weeks.
Window = tuple[date, date | None]


class DiaryWeek(NamedTuple):
    """One week of the weekly diary: one infant's week of life, or (``infant_id`` None) a
    pregnancy week of the regimen, whose infant fields are None."""

    infant_id: int | None
    week_of_life: int | None
    regimen_week: int | None
    first_day: date
    last_day: date
    days: int
    logging_days: int | None
    stools: int | None
    stools_per_day: float | None
    stools_hard: int | None
    stools_formed: int | None
    stools_loose: int | None
    stools_watery: int | None
    regurgitations_per_day: float | None
    vomiting_per_day: float | None
    crying_minutes_per_day: float | None
    crying_3h_days: int | None
    feed_days: int | None
    feeds_per_day: float | None
    breast_milk_only_days: int | None
    doses_taken: int
    doses_scheduled: int
    dose_adherence: float | None
    regimen_days: int
    days_covered: int


def regimen_windows(mothers: Iterable) -> dict[int, dict[int | None, Window]]:
    """Per mother id: the window of the earliest-starting regimen of each linked pregnancy,
    and under ``None`` the window of her earliest regimen of all. One query."""
    windows: dict[int, dict[int | None, Window]] = defaultdict(dict)
    for mother_id, pregnancy_id, start, end in (
        Regimen.objects.filter(mother__in=mothers)
        .order_by("start_date", "pk")
        .values_list("mother_id", "pregnancy_id", "start_date", "end_date")
    ):
        windows[mother_id].setdefault(None, (start, end))
        if pregnancy_id is not None:
            windows[mother_id].setdefault(pregnancy_id, (start, end))
    return windows


def regimen_for(windows: dict[int | None, Window], pregnancy_id: int | None) -> Window | None:
    """The regimen a baby is counted against: her pregnancy's if linked, else the earliest."""
    return windows.get(pregnancy_id, windows.get(None))


def week_of_regimen(window: Window | None, days: Iterable[BabyDay]) -> int | None:
    """The regimen week (1 = the regimen's first 7 days) of the first of ``days`` inside the
    regimen's window; None when none is (or there is no regimen)."""
    if window is None:
        return None
    start, end = window
    for day in (row.day for row in days):
        if start <= day and (end is None or day <= end):
            return (day - start).days // DAYS_IN_WEEK + 1
    return None


def weekly_records(*, mother, today: date | None = None, since: date | None = None) -> Iterator[DiaryWeek]:
    """The pregnancy weeks, then each infant's weeks of life in birth order, week by week,
    built from ``daily_records(mother=mother, today=today, since=since)``. Two queries besides
    those. A week that starts before ``since`` is left out or cut short: pass the first day
    of a week of life."""
    infants = {
        pk: (local_date(birth_at, mother.zone), pregnancy_id)
        for pk, birth_at, pregnancy_id in Infant.objects.for_mother(mother).values_list(
            "pk", "birth_at", "pregnancy_id"
        )
    }
    windows = regimen_windows([mother]).get(mother.pk, {})
    earliest = windows.get(None)

    def week_of(row: BabyDay) -> tuple[int | None, int]:
        if row.infant_id is None:  # a pregnancy day, a regimen day: the earliest regimen's week
            return None, (row.day - earliest[0]).days // DAYS_IN_WEEK if earliest else 0
        return row.infant_id, (row.day - infants[row.infant_id][0]).days // DAYS_IN_WEEK

    for (infant_id, week), rows in groupby(
        daily_records(mother=mother, today=today, since=since), key=week_of
    ):
        days = list(rows)
        if infant_id is None:
            yield diary_week(days, week_of_life=None, regimen_week=week + 1)
        else:
            window = regimen_for(windows, infants[infant_id][1])
            yield diary_week(days, week_of_life=week + 1, regimen_week=week_of_regimen(window, days))


def _mean(total: int, days: int) -> float | None:
    return round(total / days, 2) if days else None


def diary_week(days: list[BabyDay], *, week_of_life: int | None, regimen_week: int | None) -> DiaryWeek:
    """One diary week from its daily summary rows (one infant's, or the pregnancy rows)."""
    first = days[0]
    taken = sum(day.doses_taken for day in days)
    scheduled = sum(day.doses_scheduled for day in days)
    # Today is a day of adherence once each of its slots counts (product.md), as on the dashboard.
    regimen_days = [day for day in days if day.doses_scheduled and not day.doses_to_come]
    doses = {
        "doses_taken": taken,
        "doses_scheduled": scheduled,
        "dose_adherence": round(100 * taken / scheduled, 1) if scheduled else None,
        "regimen_days": len(regimen_days),
        "days_covered": sum(day.doses_taken >= day.doses_scheduled for day in regimen_days),
    }
    week = {
        "infant_id": first.infant_id,
        "week_of_life": week_of_life,
        "regimen_week": regimen_week,
        "first_day": first.day,
        "last_day": days[-1].day,
        "days": len(days),
    }
    if first.infant_id is None:
        return DiaryWeek(**week, **dict.fromkeys(_BABY_FIELDS), **doses)
    logged = [day for day in days if day.symptom_logging_day]
    fed = [day for day in days if day.feeds]

    long_crying = sum(day.crying_minutes >= CRYING_MINUTES_PER_DAY for day in logged)

    def total(name: str) -> int | None:
        return sum(getattr(day, name) for day in logged) if logged else None

    def per_day(name: str) -> float | None:
        mean = mean_over_logging_days(sum(getattr(day, name) for day in logged), len(logged))
        return None if mean is None else round(mean, 2)

    return DiaryWeek(
        **week,
        logging_days=len(logged),
        stools=total("stools"),
        stools_per_day=per_day("stools"),
        stools_hard=total("stools_hard"),
        stools_formed=total("stools_formed"),
        stools_loose=total("stools_loose"),
        stools_watery=total("stools_watery"),
        regurgitations_per_day=per_day("regurgitations"),
        vomiting_per_day=per_day("vomiting"),
        crying_minutes_per_day=per_day("crying_minutes"),
        crying_3h_days=long_crying if logged else None,
        feed_days=len(fed),
        feeds_per_day=_mean(sum(day.feeds for day in fed), len(fed)),
        breast_milk_only_days=sum(day.exclusive_breastfeeding == "yes" for day in days),
        **doses,
    )


#: The fields of a week that belong to a baby: None in a pregnancy week.
_BABY_FIELDS = (
    "logging_days",
    "stools",
    "stools_per_day",
    "stools_hard",
    "stools_formed",
    "stools_loose",
    "stools_watery",
    "regurgitations_per_day",
    "vomiting_per_day",
    "crying_minutes_per_day",
    "crying_3h_days",
    "feed_days",
    "feeds_per_day",
    "breast_milk_only_days",
)


PREGNANCY_WEEK = "a pregnancy week (infant_id blank)"
NO_LOGGING = "the week has no symptom logging day (logging_days 0: no data, not zero), or " + PREGNANCY_WEEK
OVER_LOGGING = "over the week's logging days (logging_days), days without data left out"


def _baby_column(name: str, type_: str, description: str, unit: str, blank_when: str) -> Column:
    return Column(name, type_, description, field(name), unit=unit, blank_when=blank_when)


def _count(name: str, description: str, unit: str = "stools") -> Column:
    return _baby_column(name, INTEGER, f"{description}, a count for the week.", unit, NO_LOGGING)


FEW_LOGGING = (
    "the week has fewer than 4 symptom logging days (product.md: a 7-day mean needs at least 4), "
    "or " + PREGNANCY_WEEK
)


def _per_day(name: str, what: str, unit: str) -> Column:
    description = (
        f"{what} per day, {OVER_LOGGING}: the daily summary's sum / logging_days, rounded to 2 decimals "
        "(1.0, 0.67); blank with fewer than 4 logging days, as on the dashboard."
    )
    return _baby_column(name, DECIMAL, description, unit, FEW_LOGGING)


WEEKLY_COLUMNS = (
    Column(
        "infant_id",
        INTEGER,
        "The baby's id in this app, as in daily.csv; twins have a row each per week, with the mother's "
        "doses repeated in each. Blank on a pregnancy week (the daily summary's pregnancy rows).",
        field("infant_id"),
        blank_when=PREGNANCY_WEEK,
    ),
    Column(
        "week_of_life",
        INTEGER,
        "Week of the baby's life: 1 = days 0-6 (the birth day is day 0), 2 = days 7-13, and so on; 0 = days "
        "-7 to -1 (-1 the week before), for a record logged before the birth day.",
        field("week_of_life"),
        unit="weeks",
        blank_when=PREGNANCY_WEEK,
    ),
    Column(
        "regimen_week",
        INTEGER,
        "Week of the probiotic regimen (1 = its first 7 days) of the week's first day inside the regimen: "
        "the regimen of the baby's pregnancy if one is linked, otherwise the mother's earliest. A pregnancy "
        "week is counted from her earliest regimen's first day. Blank when no day of the week is inside it.",
        field("regimen_week"),
        unit="weeks",
        blank_when="no day of the week is inside the regimen, or she has no regimen",
    ),
    Column("first_day", DATE, "The week's first local day (YYYY-MM-DD).", field("first_day")),
    Column(
        "last_day",
        DATE,
        "The week's last local day with a row in daily.csv: today for the current week.",
        field("last_day"),
    ),
    Column(
        "days",
        INTEGER,
        "Days of the week so far: the daily summary's rows it sums (7, fewer for the current week, or for "
        "a pregnancy week cut by the birth or the regimen's dates).",
        field("days"),
        unit="days",
        allowed_values="1-7",
    ),
    _baby_column(
        "logging_days",
        INTEGER,
        "Symptom logging days in the week (a symptom entry or a daily check; daily.csv "
        "symptom_logging_day yes): the days the symptom means are over.",
        "days",
        PREGNANCY_WEEK,
    ),
    _count("stools", "Stools logged on the week's logging days"),
    _per_day("stools_per_day", "Stools", "stools"),
    _count("stools_hard", "Stools of Brussels scale 1-3 (hard)"),
    _count("stools_formed", "Stools of Brussels scale 4 (formed)"),
    _count("stools_loose", "Stools of Brussels scale 5-6 (loose)"),
    _count("stools_watery", "Stools of Brussels scale 7 (watery)"),
    _per_day("regurgitations_per_day", "Effortless spit-ups (not vomiting)", "episodes"),
    _per_day("vomiting_per_day", "Spit-ups marked as vomiting (forceful)", "episodes"),
    _per_day("crying_minutes_per_day", "Minutes of crying", "minutes"),
    _count("crying_3h_days", "Logging days with >= 180 minutes (3 h) of crying", "days"),
    _baby_column(
        "feed_days",
        INTEGER,
        "Days of the week with at least one feed logged.",
        "days",
        PREGNANCY_WEEK,
    ),
    _baby_column(
        "feeds_per_day",
        DECIMAL,
        "Feeds per day over the days with a feed logged (feed_days), rounded to 2 decimals: a day without "
        "any feed logged is taken as not logged, not as a day without feeds.",
        "feeds",
        "no feed logged in the week, or " + PREGNANCY_WEEK,
    ),
    _baby_column(
        "breast_milk_only_days",
        INTEGER,
        "Days of breast milk only (daily.csv exclusive_breastfeeding yes); the other days are no or unknown.",
        "days",
        PREGNANCY_WEEK,
    ),
    Column(
        "doses_taken",
        INTEGER,
        "The mother's probiotic doses taken in the week (daily.csv doses_taken summed).",
        field("doses_taken"),
        unit="doses",
    ),
    Column(
        "doses_scheduled",
        INTEGER,
        "Doses her regimens scheduled in the week (daily.csv doses_scheduled summed).",
        field("doses_scheduled"),
        unit="doses",
    ),
    Column(
        "dose_adherence",
        DECIMAL,
        "Dose adherence in the week: 100 x doses_taken / doses_scheduled, 1 decimal.",
        field("dose_adherence"),
        unit="%",
        allowed_values="0-100",
        blank_when="no dose scheduled in the week",
    ),
    Column(
        "regimen_days",
        INTEGER,
        "Days of the week on which her regimens scheduled doses (daily.csv doses_scheduled above 0); "
        "today only once each of its doses is logged or an hour past, as on the dashboard.",
        field("regimen_days"),
        unit="days",
        allowed_values="0-7",
    ),
    Column(
        "days_covered",
        INTEGER,
        "Regimen days of the week (regimen_days) on which every scheduled dose was taken "
        "(doses_taken = doses_scheduled).",
        field("days_covered"),
        unit="days",
        allowed_values="0-7",
    ),
)

WEEKLY = CsvExport(
    key="weekly",
    title="Weekly diary",
    summary="One row per baby per week of life (and per pregnancy week of the regimen), as the trial's "
    "diary: stools and their consistency, spit-ups, vomiting, crying, feeds, dose adherence.",
    columns=WEEKLY_COLUMNS,
    records=weekly_records,
)
