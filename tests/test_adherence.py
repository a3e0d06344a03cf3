"""Adherence: days covered, dose adherence, on time, streaks and the calendar, in her local days.

Anna lives in Rome unless a test says otherwise; her regimen is two doses a day at 08:00
and 20:00. Expected values are worked out by hand in each test.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DoseLogFactory, InfantFactory, PregnancyFactory, RegimenFactory
from tracker.localtime import days_between
from tracker.models import DoseLog, Regimen
from tracker.selectors.adherence import DayState, adherence_for_regimen

MORNING, EVENING = time(8, 0), time(20, 0)
OCT = [date(2026, 10, day) for day in range(1, 32)]  # OCT[0] is 1 October


def took(regimen, day, at, *, minutes_late=0):
    slot = regimen.slot_at(day, at)
    return DoseLogFactory(
        regimen=regimen, slot_date=day, slot_time=at, taken_at=slot + timedelta(minutes=minutes_late)
    )


def skipped(regimen, day, at):
    return DoseLogFactory(regimen=regimen, slot_date=day, slot_time=at, status=DoseLog.Status.SKIPPED)


def took_both(regimen, days):
    for day in days:
        took(regimen, day, MORNING)
        took(regimen, day, EVENING)


def fresh(regimen) -> Regimen:
    return Regimen.objects.select_related("mother").get(pk=regimen.pk)


def states(adherence) -> list[str]:
    return [state for _, state in adherence.calendar]


@pytest.fixture
def ten_days(regimen):
    """1-10 October: 15 of 20 doses taken, 13 of them on time, 7 days covered."""
    took(regimen, OCT[0], MORNING, minutes_late=-60)  # an hour early is still on time
    took(regimen, OCT[0], EVENING)
    took(regimen, OCT[1], MORNING, minutes_late=60)  # an hour late is still on time
    took(regimen, OCT[1], EVENING, minutes_late=5)
    took_both(regimen, OCT[2:6])
    took(regimen, OCT[6], MORNING, minutes_late=90)  # day 7: late, and the evening skipped
    skipped(regimen, OCT[6], EVENING)
    # day 8: nothing logged at all
    skipped(regimen, OCT[8], MORNING)  # day 9: both skipped
    skipped(regimen, OCT[8], EVENING)
    took(regimen, OCT[9], MORNING)  # day 10: both taken, the evening 61 minutes late
    took(regimen, OCT[9], EVENING, minutes_late=61)
    return regimen


def test_a_ten_day_window_with_taken_skipped_late_and_missing_doses(ten_days):
    adherence = adherence_for_regimen(regimen=fresh(ten_days), today=OCT[9])

    assert adherence.is_started
    assert (adherence.window_start, adherence.window_end) == (OCT[0], OCT[9])
    assert adherence.days_elapsed == 10
    assert adherence.doses_scheduled == 20
    assert adherence.doses_taken == 15
    assert adherence.doses_skipped == 3
    assert adherence.dose_adherence * 100 == 75.0
    assert adherence.days_covered == 7
    assert adherence.pdc == 7 / 10
    assert adherence.doses_on_time == 13  # 12 on days 1-6, the 08:00 of day 10
    assert adherence.on_time == 13 / 15
    assert adherence.current_streak == 1  # day 10 only: day 9 was skipped
    assert adherence.longest_gap == 3  # days 7, 8 and 9
    assert not adherence.pdc_meets_target
    assert not adherence.dose_adherence_meets_target
    assert not adherence.today_is_open
    assert [day for day, _ in adherence.calendar] == OCT[:10]
    assert states(adherence) == ["taken"] * 6 + ["partial", "missed", "skipped", "taken"]
    assert adherence.birth_date is None
    assert adherence.before_birth is None and adherence.after_birth is None


def test_today_is_not_counted_before_its_first_dose_is_due(ten_days):
    # 08:30 in Rome on 11 October: the 08:00 slot's hour is not over, nothing logged today.
    with time_machine.travel(datetime(2026, 10, 11, 6, 30, tzinfo=UTC), tick=False):
        adherence = adherence_for_regimen(regimen=fresh(ten_days))

    assert adherence.today == OCT[10]
    assert adherence.today_is_open
    assert adherence.today_slots_counted == 0
    assert adherence.days_elapsed == 10  # as last night: 7 of 10 days, 15 of 20 doses
    assert adherence.doses_scheduled == 20
    assert adherence.pdc == 7 / 10
    assert adherence.current_streak == 1  # day 10, the last counted day
    assert adherence.longest_gap == 3
    assert states(adherence)[-1] == DayState.MISSED


def test_a_skip_closes_today_and_breaks_the_streak(ten_days):
    took(ten_days, OCT[10], MORNING)
    skipped(ten_days, OCT[10], EVENING)

    adherence = adherence_for_regimen(regimen=fresh(ten_days), today=OCT[10])

    assert not adherence.today_is_open
    assert adherence.current_streak == 0
    assert states(adherence)[-1] == DayState.PARTIAL


def test_a_fixed_window_shows_its_remaining_days_as_future_and_does_not_count_them(ten_days):
    Regimen.objects.filter(pk=ten_days.pk).update(end_date=OCT[13])

    adherence = adherence_for_regimen(regimen=fresh(ten_days), today=OCT[9])

    assert adherence.window_end == OCT[9]
    assert adherence.days_elapsed == 10
    assert adherence.doses_taken == 15
    assert [day for day, _ in adherence.calendar] == OCT[:14]
    assert states(adherence)[10:] == ["future"] * 4


def test_days_before_the_window_and_after_today_are_not_counted(regimen):
    took_both(regimen, [date(2026, 9, 30), OCT[0], OCT[1], OCT[2]])  # 30 Sept: before the start

    adherence = adherence_for_regimen(regimen=fresh(regimen), today=OCT[1])

    assert adherence.days_elapsed == 2
    assert adherence.doses_taken == 4
    assert adherence.pdc == 1.0
    assert [day for day, _ in adherence.calendar] == OCT[:2]


def test_a_dst_week_in_rome_neither_loses_nor_doubles_a_day(mother):
    # Clocks go forward in Rome at 02:00 on Sunday 29 March 2026.
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 3, 23), end_date=date(2026, 3, 29))
    week = days_between(date(2026, 3, 23), date(2026, 3, 29))
    took_both(regimen, week)
    assert regimen.slot_at(date(2026, 3, 28), MORNING) == datetime(2026, 3, 28, 7, 0, tzinfo=UTC)
    assert regimen.slot_at(date(2026, 3, 29), MORNING) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)

    with time_machine.travel(datetime(2026, 3, 30, 8, 0, tzinfo=UTC), tick=False):
        adherence = adherence_for_regimen(regimen=fresh(regimen))

    assert adherence.today == date(2026, 3, 30)
    assert adherence.window_end == date(2026, 3, 29)
    assert adherence.days_elapsed == 7
    assert adherence.doses_scheduled == 14
    assert adherence.doses_taken == 14
    assert adherence.on_time == 1.0
    assert adherence.pdc == 1.0
    assert adherence.current_streak == 7
    assert adherence.calendar == [(day, "taken") for day in week]


def test_a_dose_at_2330_local_time_counts_for_that_local_day(db):
    regimen = RegimenFactory(
        mother__time_zone="America/New_York", dose_times=["23:30"], start_date=OCT[0], end_date=OCT[0]
    )
    log = took(regimen, OCT[0], time(23, 30))
    assert log.taken_at == datetime(2026, 10, 2, 3, 30, tzinfo=UTC)  # already 2 October in UTC

    adherence = adherence_for_regimen(regimen=fresh(regimen), today=OCT[1])

    assert adherence.days_elapsed == 1
    assert adherence.doses_taken == 1
    assert adherence.calendar == [(OCT[0], "taken")]


def test_a_mother_who_flies_from_rome_to_new_york_keeps_every_day_once(mother):
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 3, 1))
    took_both(regimen, days_between(date(2026, 3, 1), date(2026, 3, 4)))  # in Rome
    mother.time_zone = "America/New_York"  # she lands on 5 March
    mother.save()
    regimen = fresh(regimen)
    took_both(regimen, [date(2026, 3, 5)])  # 20:00 in New York is 6 March, 02:00 in Rome

    # 03:30 UTC on 6 March: already 6 March in Rome, still 5 March (22:30) in New York.
    with time_machine.travel(datetime(2026, 3, 6, 3, 30, tzinfo=UTC), tick=False):
        adherence = adherence_for_regimen(regimen=fresh(regimen))

    assert adherence.today == date(2026, 3, 5)
    assert adherence.days_elapsed == 5
    assert adherence.doses_scheduled == 10
    assert adherence.doses_taken == 10
    assert adherence.days_covered == 5
    assert adherence.pdc == 1.0
    assert adherence.on_time == 1.0
    assert adherence.current_streak == 5
    assert adherence.calendar == [(day, "taken") for day in days_between(date(2026, 3, 1), date(2026, 3, 5))]


def test_twins_do_not_change_their_mothers_adherence(mother):
    pregnancy = PregnancyFactory(mother=mother, due_date=OCT[7])
    regimen = RegimenFactory(mother=mother, pregnancy=pregnancy, start_date=OCT[0])
    took_both(regimen, OCT[:3])
    took(regimen, OCT[3], MORNING)
    first = InfantFactory(
        mother=mother, pregnancy=pregnancy, birth_at=datetime(2026, 10, 3, 9, 0, tzinfo=UTC)
    )
    single = adherence_for_regimen(regimen=fresh(regimen), today=OCT[3])

    InfantFactory(mother=mother, pregnancy=pregnancy, birth_at=first.birth_at + timedelta(minutes=14))
    twins = adherence_for_regimen(regimen=fresh(regimen), today=OCT[3])

    assert twins == single
    assert twins.days_elapsed == 4
    assert twins.doses_scheduled == 8  # her doses, not one set per baby
    assert twins.doses_taken == 7
    assert twins.birth_date == OCT[2]
    assert twins.after_birth.days_elapsed == 2


def test_a_regimen_that_has_not_started_yet_counts_nothing(mother):
    regimen = RegimenFactory(mother=mother, start_date=OCT[19], end_date=OCT[22])

    adherence = adherence_for_regimen(regimen=fresh(regimen), today=OCT[9])

    assert not adherence.is_started
    assert adherence.days_elapsed == 0
    assert adherence.doses_scheduled == adherence.doses_taken == adherence.doses_skipped == 0
    assert adherence.pdc is None
    assert adherence.dose_adherence is None
    assert adherence.on_time is None
    assert adherence.current_streak == adherence.longest_gap == 0
    assert not adherence.pdc_meets_target
    assert adherence.calendar == [(day, "future") for day in OCT[19:23]]


def test_an_open_ended_regimen_that_has_not_started_shows_its_first_day(mother):
    regimen = RegimenFactory(mother=mother, start_date=OCT[19])

    adherence = adherence_for_regimen(regimen=fresh(regimen), today=OCT[9])

    assert adherence.days_elapsed == 0
    assert adherence.calendar == [(OCT[19], "future")]


def test_one_of_two_daily_doses_does_not_cover_the_day(mother):
    regimen = RegimenFactory(mother=mother, start_date=OCT[0], end_date=OCT[0])
    took(regimen, OCT[0], MORNING)

    adherence = adherence_for_regimen(regimen=fresh(regimen), today=OCT[4])

    assert adherence.days_covered == 0
    assert adherence.pdc == 0.0
    assert adherence.dose_adherence * 100 == 50.0
    assert adherence.calendar == [(OCT[0], "partial")]


def test_adherence_never_exceeds_100_percent_with_a_dose_time_since_removed(mother):
    regimen = RegimenFactory(mother=mother, start_date=OCT[0], end_date=OCT[1])
    for at in (MORNING, time(12, 0), EVENING):  # 12:00 was a dose time before she changed it
        took(regimen, OCT[0], at)
    took(regimen, OCT[1], MORNING)
    took(regimen, OCT[1], time(12, 0))
    skipped(regimen, OCT[1], EVENING)

    adherence = adherence_for_regimen(regimen=fresh(regimen), today=OCT[1])

    assert adherence.doses_scheduled == 4
    assert adherence.doses_taken == 4  # 3 logged on 1 October count as 2
    assert adherence.doses_skipped == 0  # 2 October is already full
    assert adherence.dose_adherence == 1.0
    assert adherence.pdc == 1.0
    assert adherence.on_time == 1.0
    assert states(adherence) == ["taken", "taken"]


def test_the_split_before_and_after_birth_puts_the_birth_day_after(mother):
    pregnancy = PregnancyFactory(mother=mother, due_date=OCT[7])
    regimen = RegimenFactory(mother=mother, pregnancy=pregnancy, start_date=OCT[0])
    # 23:30 UTC on 5 October is 01:30 on 6 October in Rome: born on 6 October.
    InfantFactory(mother=mother, pregnancy=pregnancy, birth_at=datetime(2026, 10, 5, 23, 30, tzinfo=UTC))
    took_both(regimen, OCT[:5])  # 1-5 October: before birth, all taken
    took(regimen, OCT[6], MORNING)  # 6 October (birth day): nothing; 7 October: one of two
    took_both(regimen, OCT[7:10])  # 8-10 October: both

    adherence = adherence_for_regimen(regimen=fresh(regimen), today=OCT[9])

    assert adherence.birth_date == OCT[5]
    before, after = adherence.before_birth, adherence.after_birth
    assert (before.first_day, before.last_day) == (OCT[0], OCT[4])
    assert (before.days_elapsed, before.days_covered, before.doses_taken) == (5, 5, 10)
    assert before.pdc == 1.0 and before.dose_adherence == 1.0
    assert before.pdc_meets_target
    assert (after.first_day, after.last_day) == (OCT[5], OCT[9])
    assert (after.days_elapsed, after.days_covered, after.doses_taken) == (5, 3, 7)
    assert after.pdc == 3 / 5
    assert after.dose_adherence == 7 / 10
    assert not after.pdc_meets_target and not after.dose_adherence_meets_target
    assert adherence.pdc == 8 / 10  # 80% exactly is on the line, and the line counts
    assert adherence.pdc_meets_target
    assert adherence.dose_adherence == 17 / 20
    assert adherence.longest_gap == 2  # 6 and 7 October


def history(regimen, days: int, today: date) -> None:
    """``days`` days ending ``today``: all taken, except every 10th day's evening skipped."""
    logs = []
    for n, day in enumerate(days_between(today - timedelta(days=days - 1), today)):
        for at in (MORNING, EVENING):
            slot = regimen.slot_at(day, at)
            if at == EVENING and n % 10 == 9:
                logs.append(
                    DoseLog(regimen=regimen, slot_date=day, slot_time=at, scheduled_at=slot, status="skipped")
                )
            else:
                logs.append(
                    DoseLog(regimen=regimen, slot_date=day, slot_time=at, scheduled_at=slot, taken_at=slot)
                )
    DoseLog.objects.bulk_create(logs)


@pytest.mark.parametrize("days", [7, 730])
def test_the_query_count_does_not_grow_with_two_years_of_doses(mother, days, django_assert_max_num_queries):
    today = date(2026, 10, 31)
    pregnancy = PregnancyFactory(mother=mother, due_date=date(2026, 10, 1))
    regimen = RegimenFactory(mother=mother, pregnancy=pregnancy, start_date=today - timedelta(days=days - 1))
    InfantFactory(mother=mother, pregnancy=pregnancy, birth_at=datetime(2026, 9, 28, 10, 0, tzinfo=UTC))
    history(regimen, days, today)
    regimen = fresh(regimen)

    with CaptureQueriesContext(connection) as queries:
        adherence = adherence_for_regimen(regimen=regimen, today=today)
    # The first time: the schedule changes, the stored months (none), the closed days and
    # today's doses by slot (one query), the birth, and the months stored; the same for a week
    # and two years.
    assert len(queries) == 5
    cache.clear()  # a new web process: the months are read from the database, today's doses apart
    with CaptureQueriesContext(connection) as queries:
        assert adherence_for_regimen(regimen=regimen, today=today) == adherence
    assert len(queries) == 4
    with django_assert_max_num_queries(1):  # warm: only today's doses are read
        assert adherence_for_regimen(regimen=regimen, today=today) == adherence

    assert adherence.days_elapsed == days
    assert adherence.days_covered == days - days // 10
    assert adherence.doses_taken == 2 * days - days // 10
    assert len(adherence.calendar) == days
