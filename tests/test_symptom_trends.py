"""Symptom trends and screening flags, by the mother's local day (Europe/Rome).

The infant fixture (Luca) is born on 30 October 2026 at 07:00 in Rome, so he
is 3 weeks old on 20 November 2026, 5 months old on 30 March 2027 and 9 months
old on 30 July 2027.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from tests.factories import DailyCheckFactory, InfantFactory, SymptomEntryFactory
from tracker.localtime import days_between
from tracker.models import DailyCheck, Infant, SymptomEntry
from tracker.selectors.symptom_trends import SymptomDay, symptom_trends

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
Kind = SymptomEntry.Kind
BIRTH_DAY = date(2026, 10, 30)
THREE_WEEKS_OLD = date(2026, 11, 20)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """The UTC instant of a wall-clock time in Rome."""
    return datetime.combine(day, time(hour, minute), tzinfo=ROME).astimezone(UTC)


def log(infant, day: date, kind=Kind.REGURGITATION, times: int = 1, **fields) -> None:
    for n in range(times):
        SymptomEntryFactory(infant=infant, kind=kind, occurred_at=at(day, 8 + n % 12, n // 12), **fields)


def spit_ups(infant, days: list[date], per_day: int = 2) -> None:
    SymptomEntry.objects.bulk_create(
        SymptomEntry(infant=infant, kind=Kind.REGURGITATION, occurred_at=at(day, 8 + n), size="small")
        for day in days
        for n in range(per_day)
    )


def flag(trends, name):
    return next(f for f in trends.flags if f.name == name)


def test_daily_counts_and_a_day_without_entries_is_no_data_not_zeros(infant):
    log(infant, date(2026, 11, 2), times=3)
    log(infant, date(2026, 11, 2), Kind.CRYING, duration_minutes=45)
    SymptomEntryFactory(
        infant=infant,
        kind=Kind.CRYING,
        occurred_at=at(date(2026, 11, 2), 18),
        ended_at=at(date(2026, 11, 2), 18, 30),
    )
    log(infant, date(2026, 11, 4), Kind.STOOL, times=2, stool_consistency=5)
    log(infant, date(2026, 11, 4), Kind.ABDOMINAL_PAIN, severity=2)
    # Still being timed: no minutes yet.
    SymptomEntryFactory(infant=infant, kind=Kind.CRYING, occurred_at=at(date(2026, 11, 4), 20))

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 4))

    assert [
        (d.day, d.regurgitations, d.crying_minutes, d.stools, d.abdominal_pain) for d in trends.per_day
    ] == [
        (date(2026, 11, 2), 3, 75, 0, 0),
        (date(2026, 11, 3), None, None, None, None),  # nothing logged: a gap, not a day of zeros
        (date(2026, 11, 4), 0, 0, 2, 1),
    ]


def test_a_spit_up_at_23_30_in_rome_counts_for_that_local_day(infant):
    SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 2, 22, 30, tzinfo=UTC))

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 3))

    assert [d.regurgitations for d in trends.per_day] == [1, None]


def test_rolling_averages_reach_back_before_the_first_day_shown(infant):
    # n spit-ups on 1 + n November, for n = 1..10 (1 Nov: none).
    for n in range(1, 11):
        log(infant, date(2026, 11, 1) + timedelta(days=n), times=n)

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 9), last_day=date(2026, 11, 11))

    assert [d.regurgitations for d in trends.per_day] == [8, 9, 10]
    # 9 Nov: (2+3+...+8) / 7 = 35 / 7; then 42 / 7 and 49 / 7.
    assert [d.regurgitations_7d for d in trends.per_day] == [5.0, 6.0, 7.0]
    assert [d.crying_minutes_7d for d in trends.per_day] == [0.0, 0.0, 0.0]


def test_a_7_day_mean_needs_4_logging_days_and_averages_only_those(infant):
    # 4-10 Nov: spit-ups on 4, 6 and 9 Nov (2, 3 and 4), nothing on the other days.
    log(infant, date(2026, 11, 4), times=2)
    log(infant, date(2026, 11, 6), times=3)
    log(infant, date(2026, 11, 9), times=4)

    three_days = symptom_trends(infant=infant, first_day=date(2026, 11, 10), last_day=date(2026, 11, 10))
    DailyCheckFactory(infant=infant, day=date(2026, 11, 10), no_symptoms=True)  # a 4th logging day, of 0
    infant = type(infant).objects.select_related("mother").get(pk=infant.pk)  # her new records stamp
    four_days = symptom_trends(infant=infant, first_day=date(2026, 11, 10), last_day=date(2026, 11, 10))

    assert (three_days.per_day[0].logging_days_7d, three_days.per_day[0].regurgitations_7d) == (3, None)
    # (2 + 3 + 4 + 0) / 4 logging days, not / 7 days.
    assert (four_days.per_day[0].logging_days_7d, four_days.per_day[0].regurgitations_7d) == (4, 2.25)
    assert four_days.per_day[0].regurgitations == 0


def test_no_mean_in_the_first_days_of_life(infant):
    log(infant, date(2026, 10, 31), Kind.STOOL, times=3, stool_consistency=6)
    log(infant, date(2026, 11, 1), Kind.STOOL, times=6, stool_consistency=6)

    trends = symptom_trends(infant=infant, first_day=date(2026, 10, 29), last_day=date(2026, 11, 1))

    assert trends.birth_day == BIRTH_DAY
    assert trends.per_day[0] == SymptomDay(date(2026, 10, 29), *[None] * 9, 0, *[None] * 5)
    assert [d.stools for d in trends.per_day] == [None, None, 3, 6]
    assert [d.stools_loose for d in trends.per_day] == [None, None, 3, 6]
    assert [d.stools_7d for d in trends.per_day] == [None] * 4  # 2 logging days at most


def test_regurgitation_flag_triggers_on_the_21st_day_in_a_row_not_the_20th(infant):
    run = days_between(THREE_WEEKS_OLD, THREE_WEEKS_OLD + timedelta(days=20))
    spit_ups(infant, run)

    day_20 = symptom_trends(infant=infant, first_day=run[19], last_day=run[19])
    day_21 = symptom_trends(infant=infant, first_day=run[20], last_day=run[20])

    assert not flag(day_20, "regurgitation").triggered
    assert flag(day_20, "regurgitation").trigger_days == []
    assert flag(day_21, "regurgitation").triggered
    assert flag(day_21, "regurgitation").trigger_days == list(run)


def test_regurgitation_flag_needs_two_spit_ups_on_every_day(infant):
    run = days_between(THREE_WEEKS_OLD, THREE_WEEKS_OLD + timedelta(days=21))
    spit_ups(infant, run[:10])
    spit_ups(infant, run[10:11], per_day=1)  # one day with a single spit-up breaks the run
    spit_ups(infant, run[11:])

    trends = symptom_trends(infant=infant, first_day=run[-1], last_day=run[-1])

    assert not flag(trends, "regurgitation").triggered


def test_crying_flag_three_long_days_in_seven(infant):
    for day in (date(2026, 11, 2), date(2026, 11, 5)):
        log(infant, day, Kind.CRYING, duration_minutes=180)
    # 120 typed + 60 timed minutes make the third long day.
    log(infant, date(2026, 11, 8), Kind.CRYING, duration_minutes=120)
    SymptomEntryFactory(
        infant=infant,
        kind=Kind.CRYING,
        occurred_at=at(date(2026, 11, 8), 20),
        ended_at=at(date(2026, 11, 8), 21),
    )

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 8))

    crying = flag(trends, "crying")
    assert crying.triggered
    assert crying.trigger_days == [date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 8)]


def test_crying_flag_not_for_two_long_days_in_seven(infant):
    for day in (date(2026, 11, 2), date(2026, 11, 5), date(2026, 11, 9)):  # 2 Nov to 9 Nov is 8 days
        log(infant, day, Kind.CRYING, duration_minutes=200)
    log(infant, date(2026, 11, 7), Kind.CRYING, duration_minutes=179)

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 9))

    assert not flag(trends, "crying").triggered


def test_crying_flag_only_under_five_months(infant):
    for day in (date(2027, 3, 30), date(2027, 3, 31), date(2027, 4, 1)):
        log(infant, day, Kind.CRYING, duration_minutes=240)

    trends = symptom_trends(infant=infant, first_day=date(2027, 3, 26), last_day=date(2027, 4, 1))

    assert not flag(trends, "crying").triggered


def quiet_month(infant, *, checked: bool = True) -> None:
    """Plenty of stools until 1 November, then one a week (2, 9, 16, 23 November); from
    2 November she saves a daily check every day, so each week is a week of logging."""
    for day in days_between(BIRTH_DAY, date(2026, 11, 1)):
        log(infant, day, Kind.STOOL, times=3, stool_consistency=4)
    for day in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)):
        log(infant, day, Kind.STOOL, stool_consistency=2)
    if checked:
        DailyCheck.objects.bulk_create(
            DailyCheck(infant=infant, day=day) for day in days_between(date(2026, 11, 2), date(2026, 11, 29))
        )


def test_few_stools_flag_after_four_weeks_of_two_or_fewer(infant):
    quiet_month(infant)

    after_27_days = symptom_trends(infant=infant, first_day=date(2026, 11, 22), last_day=date(2026, 11, 28))
    after_28_days = symptom_trends(infant=infant, first_day=date(2026, 11, 23), last_day=date(2026, 11, 29))

    assert not flag(after_27_days, "few_stools").triggered
    stools = flag(after_28_days, "few_stools")
    assert stools.triggered
    assert stools.trigger_days == list(days_between(date(2026, 11, 2), date(2026, 11, 29)))


def test_few_stools_flag_counts_checked_days_as_logging(infant):
    quiet_month(infant, checked=False)
    SymptomEntry.objects.filter(occurred_at__gte=at(date(2026, 11, 16), 0)).delete()
    # Weeks 1-2 (2-15 Nov): 4 checked days each; weeks 3-4: no stool, but 4 checks each.
    for first in (2, 9, 16, 23):
        for offset in range(4):
            DailyCheckFactory(infant=infant, day=date(2026, 11, first + offset))

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 23), last_day=date(2026, 11, 29))

    assert flag(trends, "few_stools").triggered


def test_one_check_a_week_is_not_a_week_of_logging(infant):
    """The other six days have no records: they are not six days without stools."""
    quiet_month(infant, checked=False)
    for day in (3, 10, 17, 24):
        DailyCheckFactory(infant=infant, day=date(2026, 11, day))

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 23), last_day=date(2026, 11, 29))

    assert not flag(trends, "few_stools").triggered


def test_no_few_stools_flag_for_weeks_nothing_was_logged(infant):
    quiet_month(infant)
    SymptomEntry.objects.filter(occurred_at__gte=at(date(2026, 11, 16), 0)).delete()
    DailyCheck.objects.filter(day__gte=date(2026, 11, 16)).delete()

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 23), last_day=date(2026, 11, 29))

    assert not flag(trends, "few_stools").triggered


def test_no_few_stools_flag_for_a_mother_who_never_logs_stools(infant):
    log(infant, date(2026, 11, 2), times=2)
    for day in days_between(BIRTH_DAY, date(2026, 12, 31)):
        DailyCheckFactory(infant=infant, day=day)

    trends = symptom_trends(infant=infant, first_day=date(2026, 12, 1), last_day=date(2026, 12, 31))

    assert not flag(trends, "few_stools").triggered


def test_straining_flag_from_ten_minutes_under_nine_months(infant):
    log(infant, date(2026, 11, 3), Kind.STOOL, stool_consistency=2, straining_minutes=9)
    log(infant, date(2026, 11, 5), Kind.STOOL, stool_consistency=2, straining_minutes=10)
    log(infant, date(2027, 7, 30), Kind.STOOL, stool_consistency=2, straining_minutes=30)  # 9 months old

    trends = symptom_trends(infant=infant, first_day=date(2027, 7, 24), last_day=date(2027, 7, 30))

    straining = flag(trends, "straining")
    assert straining.triggered
    assert straining.trigger_days == [date(2026, 11, 5)]


def test_no_flags_for_a_quiet_baby_and_every_flag_is_worded_as_screening(infant):
    log(infant, date(2026, 11, 2), times=1)
    log(infant, date(2026, 11, 3), Kind.STOOL, times=4, stool_consistency=4, straining_minutes=2)

    trends = symptom_trends(infant=infant, first_day=date(2026, 11, 1), last_day=date(2026, 11, 7))

    assert [(f.name, f.triggered) for f in trends.flags] == [
        ("regurgitation", False),
        ("crying", False),
        ("few_stools", False),
        ("straining", False),
    ]
    for screening_flag in trends.flags:
        assert screening_flag.wording.endswith("Screening, not a diagnosis: talk to your clinician.")
        assert "has" not in screening_flag.wording


def test_twins_each_have_their_own_trends(mother, infant):
    twin = InfantFactory(mother=mother, name="Sara", pregnancy=infant.pregnancy)
    log(infant, date(2026, 11, 2), times=2)
    log(twin, date(2026, 11, 2), Kind.CRYING, duration_minutes=190)
    log(twin, date(2026, 11, 3), Kind.CRYING, duration_minutes=190)
    log(twin, date(2026, 11, 4), Kind.CRYING, duration_minutes=190)

    luca = symptom_trends(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 4))
    sara = symptom_trends(infant=twin, first_day=date(2026, 11, 2), last_day=date(2026, 11, 4))

    assert [(d.regurgitations, d.crying_minutes) for d in luca.per_day] == [
        (2, 0),
        (None, None),
        (None, None),
    ]
    assert [(d.regurgitations, d.crying_minutes) for d in sara.per_day] == [(0, 190), (0, 190), (0, 190)]
    assert (flag(luca, "crying").triggered, flag(sara, "crying").triggered) == (False, True)


def seed_symptoms(infant, days: int) -> date:
    """Two spit-ups, 60 minutes of crying and a stool a day for ``days`` days from 1 November."""
    first = date(2026, 11, 1)
    SymptomEntry.objects.bulk_create(
        entry
        for n in range(days)
        for entry in (
            SymptomEntry(infant=infant, kind=Kind.REGURGITATION, occurred_at=at(first + timedelta(n), 8)),
            SymptomEntry(infant=infant, kind=Kind.REGURGITATION, occurred_at=at(first + timedelta(n), 14)),
            SymptomEntry(
                infant=infant, kind=Kind.CRYING, occurred_at=at(first + timedelta(n), 18), duration_minutes=60
            ),
            SymptomEntry(
                infant=infant, kind=Kind.STOOL, occurred_at=at(first + timedelta(n), 10), stool_consistency=4
            ),
        )
    )
    return first + timedelta(days=days - 1)


@pytest.mark.parametrize("days", [7, 730])
def test_the_query_count_does_not_grow_with_the_data(infant, days, django_assert_num_queries):
    last_day = seed_symptoms(infant, days)
    infant = Infant.objects.select_related("mother").get(pk=infant.pk)  # her records stamp as it is now

    with time_machine.travel(at(last_day, 20), tick=False):  # the evening of the last day
        # The first time: the stored months (none), the entries and checks of the closed days and
        # today at once, the months stored.
        with django_assert_num_queries(4):
            trends = symptom_trends(infant=infant, first_day=date(2026, 11, 1), last_day=last_day)
        cache.clear()
        with django_assert_num_queries(3):  # a new web process: the stored months, today's entries and checks
            assert symptom_trends(infant=infant, first_day=date(2026, 11, 1), last_day=last_day) == trends
        with django_assert_num_queries(2):  # warm: today's only
            assert symptom_trends(infant=infant, first_day=date(2026, 11, 1), last_day=last_day) == trends

    assert len(trends.per_day) == days
    assert trends.per_day[-1].regurgitations_7d == 2.0
    assert trends.per_day[-1].crying_minutes_7d == 60.0
    assert flag(trends, "regurgitation").triggered is (days == 730)
