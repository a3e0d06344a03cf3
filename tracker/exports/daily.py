"""The daily summary: one row per infant per local day, from birth (or first record) to today,
and one row per pregnancy day of her regimen.

product.md, "Exports for clinicians and studies": "one row per infant per day ... Pregnancy
days of the regimen have a row too (infant columns blank), so no dose is left out." A
pregnancy row is a day of one of her regimens (up to today) before her first baby's first
row; with no baby yet, every regimen day to today. Later regimen days (a second pregnancy
while a baby is followed) are in the babies' rows. The doses are the mother's, so twins'
rows repeat them: one row per infant, the same doses in each.

Symptoms come from ``symptom_days`` (tracker/selectors/symptom_days.py), the one place a
baby's symptoms are totalled per day: "A *logging day* for an infant is a day with any
symptom entry or a daily check. Other days are 'no data' ... (never counted as zero)", so
on any other day the symptom cells are blank, not 0. Vomiting is counted apart from
regurgitations. Feeds are grouped as in ``feeding_summary``, doses as in
``adherence_for_regimen`` (a regimen's day counts at most the doses its schedule of that day
sets; today, only its slots that count by now). Seven queries whatever the amount of data;
Python only walks the per-day (doses: per-slot) totals.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tracker.exports.catalogue import CHOICE, DATE, DECIMAL, INTEGER, YES_NO, Column, CsvExport, field
from tracker.exports.csv_safe import yes_no
from tracker.exports.records import INFANT_ID
from tracker.localtime import days_between, local_date, local_day_bounds, local_today
from tracker.models import (
    DailyCheck,
    DoseLog,
    DoseSchedule,
    FeedingSession,
    Infant,
    Regimen,
    ScheduleChange,
    SymptomEntry,
)
from tracker.selectors.feeding_stats import NOT_BREAST_MILK_ONLY
from tracker.selectors.slots import slots_counted
from tracker.selectors.symptom_days import DAY_COUNTS, SymptomDayTotals, symptom_days


class BabyDay(NamedTuple):
    """One row of the daily summary: an infant's numbers for one of the mother's local days,
    or (``infant_id`` None) a pregnancy day of her regimen, whose infant fields are None."""

    infant_id: int | None
    day: date
    doses_taken: int
    doses_scheduled: int
    feeds: int | None
    feed_minutes: float | None
    #: The symptom counts are None on a day that is not a logging day (no data, not zero).
    regurgitations: int | None
    vomiting: int | None
    crying_minutes: int | None
    stools: int | None
    stools_hard: int | None
    stools_formed: int | None
    stools_loose: int | None
    stools_watery: int | None
    symptom_logging_day: bool | None
    #: "yes", "no" or "" (nothing tells)
    exclusive_breastfeeding: str
    #: Today's doses that do not count yet (neither logged nor an hour past); 0 on other days.
    #: While any is left, today is not yet a day of adherence (days covered), as on the dashboard.
    doses_to_come: int = 0


def daily_records(*, mother, today: date | None = None, since: date | None = None) -> Iterator[BabyDay]:
    """The pregnancy rows day by day, then a ``BabyDay`` per infant per day, infant by infant
    in birth order, day by day.

    Days are the mother's local days; each infant's run goes from the earlier of her birth
    day and her first record's day to ``today`` (default: the mother's today), both
    inclusive. The pregnancy rows are the days of her regimens, up to ``today``, before the
    first day of any infant's run. Doses are the mother's, so twins share them. With
    ``since``, the rows before that day are left out, and so are their records from the
    queries (the PDF's last four weeks): a row is the same with or without it.
    """
    zone = mother.zone
    today = today or local_today(zone)
    start = local_day_bounds(since, zone)[0] if since else None
    feeds = _feeds_by_day(mother, zone, start)
    checks = {
        (infant_id, day): other
        for infant_id, day, other in DailyCheck.objects.for_mother(mother)
        .filter(**({"day__gte": since} if since else {}))
        .order_by()
        .values_list("infant_id", "day", "other_than_breast_milk")
    }
    entries = SymptomEntry.objects.for_mother(mother)
    symptoms = symptom_days(
        entries=entries.filter(occurred_at__gte=start) if start else entries, checked=checks, zone=zone
    )
    doses = _doses_by_day(mother, today, since)

    first_record: dict[int, date] = {}
    for infant_id, day in [*feeds, *symptoms, *checks]:
        first_record[infant_id] = min(day, first_record.get(infant_id, day))
    runs = [
        (
            infant_id,
            max(min(local_date(birth_at, zone), first_record.get(infant_id, today)), since or date.min),
        )
        for infant_id, birth_at in Infant.objects.for_mother(mother)
        .order_by("birth_at", "pk")
        .values_list("pk", "birth_at")
    ]

    before_babies = min((first for _, first in runs), default=today + timedelta(days=1))
    for day in doses.regimen_days(
        first=since or date.min, last=min(today, before_babies - timedelta(days=1))
    ):
        yield BabyDay(
            infant_id=None,
            day=day,
            doses_taken=doses.taken.get(day, 0),
            doses_scheduled=doses.scheduled(day),
            feeds=None,
            feed_minutes=None,
            **_symptom_counts(None),
            symptom_logging_day=None,
            exclusive_breastfeeding="",
            doses_to_come=doses.to_come(day),
        )

    for infant_id, first in runs:
        for day in days_between(first, today):
            key = (infant_id, day)
            feed = feeds.get(key)
            symptom = symptoms.get(key)
            yield BabyDay(
                infant_id=infant_id,
                day=day,
                doses_taken=doses.taken.get(day, 0),
                doses_scheduled=doses.scheduled(day),
                feeds=feed["feeds"] if feed else 0,
                feed_minutes=round(feed["minutes"], 1) if feed else 0.0,
                **_symptom_counts(symptom),
                symptom_logging_day=symptom is not None,
                exclusive_breastfeeding=_exclusive(checks.get(key), bool(feed and feed["not_breast_milk"])),
                doses_to_come=doses.to_come(day),
            )


def _symptom_counts(totals: SymptomDayTotals | None) -> dict[str, int | None]:
    """The day's symptom counts, all None when it is not a logging day."""
    return {name: None if totals is None else getattr(totals, name) for name in DAY_COUNTS}


def _exclusive(other_than_breast_milk: bool | None, gave_formula: bool) -> str:
    """yes: the daily check says only breast milk and no formula/mixed feed started that day
    (the dashboard's rule); no: either says otherwise; blank: nothing tells."""
    if gave_formula or other_than_breast_milk:
        return yes_no(False)
    return yes_no(True) if other_than_breast_milk is False else ""


def _feeds_by_day(mother, zone, start: datetime | None = None) -> dict[tuple[int, date], dict]:
    ended = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    feeds = FeedingSession.objects.for_mother(mother)
    rows = (
        (feeds.filter(started_at__gte=start) if start else feeds)
        .annotate(day=TruncDate("started_at", tzinfo=zone))
        .order_by()
        .values("infant_id", "day")
        .annotate(
            feeds=Count("pk"),
            duration=Sum(ended, filter=Q(ended_at__isnull=False)),
            not_breast_milk=Count("pk", filter=Q(method__in=NOT_BREAST_MILK_ONLY)),
        )
    )
    return {
        (row["infant_id"], row["day"]): {
            "feeds": row["feeds"],
            "minutes": (row["duration"] or timedelta()).total_seconds() / 60,
            "not_breast_milk": row["not_breast_milk"],
        }
        for row in rows
    }


@dataclass(frozen=True)
class _MotherDoses:
    """Her doses per local day, summed over her regimens."""

    today: date
    #: Taken doses per day, each regimen's day capped at the doses it schedules.
    taken: dict[date, int]
    #: Per regimen: its schedule and its window up to today, both inclusive.
    windows: dict[int, tuple[DoseSchedule, date, date]]
    #: Per regimen covering today: today's slots that count by now.
    counted_today: dict[int, int]

    def scheduled(self, day: date) -> int:
        """The doses her regimens schedule on ``day``, each on the times that day had; today,
        only the slots that count by now."""
        return sum(self.counted_today.values()) if day == self.today else self._all_scheduled(day)

    def to_come(self, day: date) -> int:
        """Today's slots that do not count yet (neither logged nor an hour past); 0 on other days."""
        return self._all_scheduled(day) - self.scheduled(day) if day == self.today else 0

    def _all_scheduled(self, day: date) -> int:
        return sum(
            schedule.doses_on(day) for schedule, start, end in self.windows.values() if start <= day <= end
        )

    def regimen_days(self, *, first: date = date.min, last: date) -> list[date]:
        """The days any of her regimens covers, ``first`` to ``last`` inclusive, in order."""
        days: set[date] = set()
        for _, start, end in self.windows.values():
            start = max(start, first)
            days.update(days_between(start, min(end, last)) if start <= min(end, last) else ())
        return sorted(days)


def _doses_by_day(mother, today: date, since: date | None = None) -> _MotherDoses:
    """Taken doses per local day (summed over regimens, each day capped at the doses it
    schedules), and the doses scheduled on a day: the regimens covering it, up to today, each
    on the dose times that day had (``DoseSchedule``). Today holds only the slots that count
    by now (``slots_counted``: logged, or an hour past), as in adherence; the others are
    ``to_come``. Three queries."""
    changes = defaultdict(list)
    for regimen_id, effective_from, previous in ScheduleChange.objects.for_mother(mother).values_list(
        "regimen_id", "effective_from", "previous_times"
    ):
        changes[regimen_id].append((effective_from, previous))
    windows = {
        regimen.pk: (
            DoseSchedule.of(regimen, changes[regimen.pk]),
            regimen.start_date,
            min(regimen.end_date or today, today),
        )
        for regimen in Regimen.objects.for_mother(mother).only(
            "doses_per_day", "dose_times", "start_date", "end_date"
        )
    }
    rows = (
        DoseLog.objects.for_mother(mother)
        .filter(**({"slot_date__gte": since} if since else {}))
        .order_by()
        .values_list("regimen_id", "slot_date", "slot_time")
        .annotate(taken=Count("pk", filter=Q(status=DoseLog.Status.TAKEN)))
    )
    logs: dict[tuple[int, date], int] = defaultdict(int)
    logged_today: dict[int, set] = defaultdict(set)
    for regimen_id, day, at, count in rows:
        logs[regimen_id, day] += count
        if day == today:
            logged_today[regimen_id].add(at)
    taken: dict[date, int] = defaultdict(int)
    for (regimen_id, day), count in logs.items():
        schedule, start, end = windows[regimen_id]
        if start <= day <= end:
            taken[day] += Regimen.doses_counted(count, schedule.doses_on(day))
    now = timezone.now()
    counted_today = {
        regimen_id: slots_counted(
            schedule=schedule, day=today, logged=logged_today[regimen_id], zone=mother.zone, now=now
        )
        for regimen_id, (schedule, start, end) in windows.items()
        if start <= today <= end
    }

    return _MotherDoses(today=today, taken=taken, windows=windows, counted_today=counted_today)


PREGNANCY_ROW = "a pregnancy row (infant_id blank)"
NOT_LOGGING = "not a symptom logging day (symptom_logging_day no: no data, not zero), or " + PREGNANCY_ROW
LOGGING_NOTE = "Blank, never 0, on a day that is not a symptom logging day."


def _symptom_column(name: str, description: str, unit: str) -> Column:
    return Column(
        name, INTEGER, f"{description} {LOGGING_NOTE}", field(name), unit=unit, blank_when=NOT_LOGGING
    )


DAILY = CsvExport(
    key="daily",
    title="Daily summary",
    summary="One row per baby per day from birth to today, and one per pregnancy day of the regimen: "
    "doses, feeds, symptoms, exclusive breastfeeding.",
    columns=(
        replace(
            INFANT_ID,
            description="The baby's id in this app (stable across exports). Twins have a row each for the "
            "same day, with the mother's doses repeated in each. Blank on a pregnancy row: a day of her "
            "regimen before her first baby's first row (or, with no baby yet, any regimen day to today).",
            blank_when="a pregnancy row",
        ),
        Column(
            "day",
            DATE,
            "The mother's local day (YYYY-MM-DD); for a baby each day from birth (or first record) to today, "
            "for the pregnancy rows each regimen day before that.",
            field("day"),
        ),
        Column(
            "doses_taken",
            INTEGER,
            "The mother's probiotic doses taken that day, at most the number scheduled per regimen; "
            "the same in each twin's row.",
            field("doses_taken"),
            unit="doses",
        ),
        Column(
            "doses_scheduled",
            INTEGER,
            "Doses her regimens scheduled that day, on the dose times that day had (0 outside them); "
            "today, only the doses already logged or more than an hour past their time.",
            field("doses_scheduled"),
            unit="doses",
        ),
        Column(
            "doses_to_come",
            INTEGER,
            "Today's doses not counted yet (neither logged nor an hour past their time), so today is "
            "not yet a day of adherence (weekly.csv regimen_days, days_covered); 0 on every other day.",
            field("doses_to_come"),
            unit="doses",
        ),
        Column(
            "feeds",
            INTEGER,
            "Feeds that started that day (0 when none was logged). Blank on a pregnancy row.",
            field("feeds"),
            unit="feeds",
            blank_when=PREGNANCY_ROW,
        ),
        Column(
            "feed_minutes",
            DECIMAL,
            "Wall-clock minutes of the ended feeds that started that day, 1 decimal (0.0 when none; a "
            "feed still running adds nothing yet). Blank on a pregnancy row.",
            field("feed_minutes"),
            unit="minutes",
            blank_when=PREGNANCY_ROW,
        ),
        _symptom_column(
            "regurgitations", "Effortless spit-ups logged that day, not counting vomiting.", "episodes"
        ),
        _symptom_column("vomiting", "Spit-ups marked as vomiting (forceful) logged that day.", "episodes"),
        _symptom_column(
            "crying_minutes",
            "Crying: the sum of the minutes of the spells that started that day (each spell as in "
            "symptoms.csv duration_minutes; a spell still being timed adds nothing yet).",
            "minutes",
        ),
        _symptom_column("stools", "Stools logged that day.", "stools"),
        _symptom_column("stools_hard", "Stools of Brussels scale 1-3 (hard) logged that day.", "stools"),
        _symptom_column("stools_formed", "Stools of Brussels scale 4 (formed) logged that day.", "stools"),
        _symptom_column("stools_loose", "Stools of Brussels scale 5-6 (loose) logged that day.", "stools"),
        _symptom_column("stools_watery", "Stools of Brussels scale 7 (watery) logged that day.", "stools"),
        Column(
            "symptom_logging_day",
            YES_NO,
            "yes: a symptom entry or a daily check was saved for the baby that day, so the symptom "
            "columns hold counts (0 is a real zero); no: nothing was logged, the symptom columns are blank. "
            "Blank on a pregnancy row.",
            field("symptom_logging_day"),
            allowed_values="yes | no",
            blank_when=PREGNANCY_ROW,
        ),
        Column(
            "exclusive_breastfeeding",
            CHOICE,
            "yes: the daily check says only breast milk and no formula or mixed feed started that day; "
            "no: the check or a feed says otherwise; blank: no daily check and no formula feed, or a "
            "pregnancy row.",
            field("exclusive_breastfeeding"),
            allowed_values="yes | no | blank",
            blank_when="no daily check and no formula or mixed feed that day, or " + PREGNANCY_ROW,
        ),
    ),
    records=daily_records,
)
