"""The screening flags as product.md words them, at their boundaries, and the vomiting notice.

Luca (the infant fixture) is born on 30 October 2026 in Rome: that is day 0 of life, so
day 21 (3 weeks old) is 20 November 2026 and his first birthday 30 October 2027.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tracker.localtime import days_between
from tracker.models import SymptomEntry
from tracker.selectors.symptom_trends import symptom_trends

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
BIRTH_DAY = date(2026, 10, 30)


def day_of_life(n: int) -> date:
    return BIRTH_DAY + timedelta(days=n)


def spit_ups(infant, days: list[date], per_day: int = 2, *, vomiting: bool = False) -> None:
    SymptomEntry.objects.bulk_create(
        SymptomEntry(
            infant=infant,
            kind=SymptomEntry.Kind.REGURGITATION,
            occurred_at=datetime.combine(day, time(8 + n), tzinfo=ROME).astimezone(UTC),
            size="small",
            is_vomiting=vomiting,
        )
        for day in days
        for n in range(per_day)
    )


def regurgitation(infant, on: date):
    trends = symptom_trends(infant=infant, first_day=on, last_day=on)
    return next(flag for flag in trends.flags if flag.name == "regurgitation")


def test_24_days_of_spit_up_from_day_6_of_life_are_flagged_from_day_26(infant):
    run = list(days_between(day_of_life(6), day_of_life(29)))  # 5 to 28 November
    spit_ups(infant, run)

    assert len(run) == 24
    assert not regurgitation(infant, day_of_life(25)).triggered  # 20 days of the run so far
    on_day_26 = regurgitation(infant, day_of_life(26))
    assert on_day_26.triggered
    assert on_day_26.trigger_days == list(days_between(date(2026, 11, 5), date(2026, 11, 25)))
    assert regurgitation(infant, day_of_life(40)).trigger_days == list(run)  # the whole run, once it ended


def test_21_days_ending_at_three_weeks_exactly_are_flagged(infant):
    spit_ups(infant, days_between(day_of_life(1), day_of_life(21)))  # 31 Oct to 20 Nov

    flag = regurgitation(infant, date(2026, 11, 20))

    assert flag.triggered
    assert flag.trigger_days[0] == date(2026, 10, 31) and len(flag.trigger_days) == 21


def test_20_days_ending_at_three_weeks_are_not(infant):
    spit_ups(infant, days_between(day_of_life(2), day_of_life(21)))

    assert not regurgitation(infant, date(2026, 11, 20)).triggered


def test_21_days_that_end_the_day_before_three_weeks_are_not(infant):
    # Birth day to day 20: complete on 19 Nov, aged 20 days, and over before 3 weeks.
    spit_ups(infant, days_between(day_of_life(0), day_of_life(20)))

    assert not regurgitation(infant, date(2026, 12, 31)).triggered


def test_a_vomiting_only_day_inside_the_run_is_not_regurgitation(infant):
    run = days_between(day_of_life(1), day_of_life(21))
    spit_ups(infant, run[:10] + run[11:])
    spit_ups(infant, run[10:11], per_day=3, vomiting=True)  # 10 Nov: 3 vomits, no spit-up

    assert not regurgitation(infant, date(2026, 11, 25)).triggered


def test_a_day_without_records_inside_the_run_is_not_a_day_of_spit_up(infant):
    run = days_between(day_of_life(1), day_of_life(22))
    spit_ups(infant, run[:10] + run[11:])  # nothing at all logged on 10 Nov

    assert not regurgitation(infant, date(2026, 11, 25)).triggered


def test_a_run_must_reach_21_days_before_the_first_birthday(infant):
    spit_ups(infant, days_between(date(2027, 10, 10), date(2027, 10, 30)))  # the 21st day is the birthday

    assert not regurgitation(infant, date(2027, 11, 5)).triggered


def test_a_run_that_reaches_21_days_the_day_before_the_first_birthday_is_flagged(infant):
    spit_ups(infant, days_between(date(2027, 10, 9), date(2027, 10, 31)))

    flag = regurgitation(infant, date(2027, 11, 5))

    assert flag.triggered
    # The days from the birthday on did not trigger it: 9 to 29 October 2027.
    assert flag.trigger_days == list(days_between(date(2027, 10, 9), date(2027, 10, 29)))


def test_vomiting_in_the_last_complete_week_or_today_shows_the_notice_with_its_days(infant):
    """Today is 16 Nov: the week the averages print is 9-15 Nov, and today counts at once."""
    spit_ups(infant, [date(2026, 11, 8)], per_day=1, vomiting=True)  # before the week
    spit_ups(infant, [date(2026, 11, 9)], per_day=1, vomiting=True)  # the week's first day
    spit_ups(infant, [date(2026, 11, 10)], per_day=2, vomiting=True)
    spit_ups(infant, [date(2026, 11, 16)], per_day=1, vomiting=True)  # today
    spit_ups(infant, [date(2026, 11, 12)], per_day=3)  # spit-up is not vomiting

    with time_machine.travel(datetime(2026, 11, 16, 20, 0, tzinfo=UTC), tick=False):
        trends = symptom_trends(infant=infant, first_day=date(2026, 11, 10), last_day=date(2026, 11, 16))
    a_day_later = symptom_trends(infant=infant, first_day=date(2026, 11, 11), last_day=date(2026, 11, 17))
    a_week_later = symptom_trends(infant=infant, first_day=date(2026, 11, 17), last_day=date(2026, 11, 23))

    assert trends.recent_vomiting == [
        (date(2026, 11, 9), 1),
        (date(2026, 11, 10), 2),
        (date(2026, 11, 16), 1),
    ]
    assert (trends.last_week.first_day, trends.last_week.logging_days) == (date(2026, 11, 9), 3)
    # A range in the past is complete to its last day: the 7 days to 17 Nov.
    assert a_day_later.recent_vomiting == [(date(2026, 11, 16), 1)]
    assert a_week_later.recent_vomiting == []
    assert [d.vomiting for d in trends.per_day] == [2, None, 0, None, None, None, 1]
    assert [d.regurgitations for d in trends.per_day] == [0, None, 3, None, None, None, 0]
