"""The daily summary: one row per infant per local day, from birth (or first record) to today.

The numbers are the dashboard's, computed the same way: feeds and symptoms as
in ``feeding_summary`` and ``symptom_trends`` (grouped by the local day in
SQL), doses as in ``adherence_for_regimen`` (a regimen's day counts at most the
doses its schedule of that day sets; today, only its slots that count by now). Six
queries whatever the amount of data; Python only walks the per-day (doses: per-slot) totals.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from tracker.exports.catalogue import CHOICE, DATE, DECIMAL, INTEGER, Column, CsvExport, field
from tracker.exports.csv_safe import yes_no
from tracker.exports.records import INFANT_ID
from tracker.localtime import days_between, local_date, local_today
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
from tracker.selectors.symptom_days import symptom_days


class BabyDay(NamedTuple):
    """One infant's numbers for one of the mother's local days."""

    infant_id: int
    day: date
    doses_taken: int
    doses_scheduled: int
    feeds: int
    feed_minutes: float
    regurgitations: int
    crying_minutes: int
    stools: int
    #: "yes", "no" or "" (nothing tells)
    exclusive_breastfeeding: str


def daily_records(*, mother, today: date | None = None) -> Iterator[BabyDay]:
    """A ``BabyDay`` per infant per day, infant by infant in birth order, day by day.

    Days are the mother's local days; each infant's run goes from the earlier of
    her birth day and her first record's day to ``today`` (default: the
    mother's today), both inclusive. Doses are the mother's, so twins share them.
    """
    zone = mother.zone
    today = today or local_today(zone)
    feeds = _feeds_by_day(mother, zone)
    checks = {
        (infant_id, day): other
        for infant_id, day, other in DailyCheck.objects.for_mother(mother)
        .order_by()
        .values_list("infant_id", "day", "other_than_breast_milk")
    }
    symptoms = symptom_days(entries=SymptomEntry.objects.for_mother(mother), checked=checks, zone=zone)
    taken, scheduled = _doses_by_day(mother, today)

    first_record: dict[int, date] = {}
    for infant_id, day in [*feeds, *symptoms, *checks]:
        first_record[infant_id] = min(day, first_record.get(infant_id, day))

    for infant_id, birth_at in (
        Infant.objects.for_mother(mother).order_by("birth_at", "pk").values_list("pk", "birth_at")
    ):
        first = min(local_date(birth_at, zone), first_record.get(infant_id, today))
        for day in days_between(first, today):
            key = (infant_id, day)
            feed = feeds.get(key)
            symptom = symptoms.get(key)
            yield BabyDay(
                infant_id=infant_id,
                day=day,
                doses_taken=taken.get(day, 0),
                doses_scheduled=scheduled(day),
                feeds=feed["feeds"] if feed else 0,
                feed_minutes=round(feed["minutes"], 1) if feed else 0.0,
                regurgitations=symptom.regurgitations if symptom else 0,
                crying_minutes=symptom.crying_minutes if symptom else 0,
                stools=symptom.stools if symptom else 0,
                exclusive_breastfeeding=_exclusive(checks.get(key), bool(feed and feed["not_breast_milk"])),
            )


def _exclusive(other_than_breast_milk: bool | None, gave_formula: bool) -> str:
    """yes: the daily check says only breast milk and no formula/mixed feed started that day
    (the dashboard's rule); no: either says otherwise; blank: nothing tells."""
    if gave_formula or other_than_breast_milk:
        return yes_no(False)
    return yes_no(True) if other_than_breast_milk is False else ""


def _feeds_by_day(mother, zone) -> dict[tuple[int, date], dict]:
    ended = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    rows = (
        FeedingSession.objects.for_mother(mother)
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


def _doses_by_day(mother, today: date):
    """Taken doses per local day (summed over regimens, each day capped at the doses it
    schedules), and a function giving the doses scheduled on a day: the regimens covering it,
    up to today, each on the dose times that day had (``DoseSchedule``). Today holds only the
    slots that count by now (``slots_counted``: logged, or an hour past), as in adherence."""
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

    def scheduled(day: date) -> int:
        if day == today:
            return sum(counted_today.values())
        return sum(schedule.doses_on(day) for schedule, start, end in windows.values() if start <= day <= end)

    return taken, scheduled


DAILY = CsvExport(
    key="daily",
    title="Daily summary",
    summary="One row per baby per day from birth to today: doses, feeds, symptoms, exclusive breastfeeding.",
    columns=(
        INFANT_ID,
        Column(
            "day",
            DATE,
            "The mother's local day (YYYY-MM-DD); each day from birth or first record to today.",
            field("day"),
        ),
        Column(
            "doses_taken",
            INTEGER,
            "The mother's probiotic doses taken that day, at most the number scheduled per regimen.",
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
        Column("feeds", INTEGER, "Feeds that started that day.", field("feeds"), unit="feeds"),
        Column(
            "feed_minutes",
            DECIMAL,
            "Wall-clock minutes of the ended feeds that started that day.",
            field("feed_minutes"),
            unit="minutes",
        ),
        Column(
            "regurgitations",
            INTEGER,
            "Spit-ups logged that day, not counting vomiting.",
            field("regurgitations"),
            unit="episodes",
        ),
        Column(
            "crying_minutes",
            INTEGER,
            "Crying: the sum of the minutes of the spells that started that day (each spell as in "
            "symptoms.csv duration_minutes).",
            field("crying_minutes"),
            unit="minutes",
        ),
        Column("stools", INTEGER, "Stools logged that day.", field("stools"), unit="stools"),
        Column(
            "exclusive_breastfeeding",
            CHOICE,
            "yes: the daily check says only breast milk and no formula or mixed feed started that day; "
            "no: the check or a feed says otherwise; blank: no daily check and no formula feed.",
            field("exclusive_breastfeeding"),
            allowed_values="yes | no | blank",
        ),
    ),
    records=daily_records,
)
