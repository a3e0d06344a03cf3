"""product.md's adherence rules, clock in hand: the morning before and after a slot's hour, the
autumn DST day, a trip across time zones, and a dose schedule changed mid-window.

Anna lives in Rome (UTC+2 until 25 October 2026, UTC+1 after) unless a test says otherwise.
Every expected value is worked out by hand in the test, never by another selector.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import User
from tests.factories import DoseLogFactory, FeedingSessionFactory, InfantFactory, RegimenFactory
from tests.test_export_pdf import readable_summary
from tracker.exports.daily import daily_records
from tracker.models import DoseLog, DoseSchedule, Regimen, ScheduleChange
from tracker.selectors.adherence import DayState, adherence_for_regimen
from tracker.selectors.slots import slots_counted
from tracker.services.regimens import regimen_save

MORNING, MIDDAY, EVENING = time(8, 0), time(14, 0), time(20, 0)
OCT = [date(2026, 10, day) for day in range(1, 32)]  # OCT[0] is 1 October
NOV = [date(2026, 11, day) for day in range(1, 31)]
ROME = ZoneInfo("Europe/Rome")


def rome(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Rome as UTC, by hand: UTC+2 to 24 October, UTC+1 from 26 October."""
    offset = 2 if day < date(2026, 10, 25) else 1
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC) - timedelta(hours=offset)


def took(regimen, day, at, *, taken_at=None):
    return DoseLogFactory(
        regimen=regimen, slot_date=day, slot_time=at, taken_at=taken_at or regimen.slot_at(day, at)
    )


def skipped(regimen, day, at):
    return DoseLogFactory(regimen=regimen, slot_date=day, slot_time=at, status=DoseLog.Status.SKIPPED)


def at(moment: datetime, regimen):
    with time_machine.travel(moment, tick=False):
        return adherence_for_regimen(regimen=Regimen.objects.select_related("mother").get(pk=regimen.pk))


@pytest.fixture
def week(mother):
    """1-7 October at 08:00 and 20:00: days 1, 2, 4 and 7 covered, day 3 the morning only,
    day 5 nothing, day 6 both skipped. 9 of 14 doses, 4 of 7 days."""
    regimen = RegimenFactory(mother=mother, start_date=OCT[0])
    for day in (OCT[0], OCT[1], OCT[3], OCT[6]):
        took(regimen, day, MORNING)
        took(regimen, day, EVENING)
    took(regimen, OCT[2], MORNING)
    skipped(regimen, OCT[5], MORNING)
    skipped(regimen, OCT[5], EVENING)
    return regimen


def numbers(adherence):
    return (
        adherence.days_elapsed,
        adherence.days_covered,
        adherence.doses_scheduled,
        adherence.doses_taken,
        adherence.current_streak,
        adherence.longest_gap,
    )


def test_her_numbers_do_not_dip_in_the_morning_before_the_first_dose_is_due(week):
    evening = at(rome(OCT[6], 21, 30), week)  # 7 October, 21:30: the week is all counted
    assert numbers(evening) == (7, 4, 14, 9, 1, 2)  # streak: day 7; gap: days 5-6
    assert evening.pdc == 4 / 7
    assert evening.dose_adherence == 9 / 14

    morning = at(rome(OCT[7], 8, 59), week)  # 8 October, 08:59: the 08:00 slot's hour is not over

    assert morning.today == OCT[7]
    assert morning.today_is_open and morning.today_slots_counted == 0
    assert numbers(morning) == numbers(evening)
    assert (morning.pdc, morning.dose_adherence) == (4 / 7, 9 / 14)
    assert morning.calendar[-1] == (OCT[7], DayState.MISSED)  # drawn as "today, still open"


def test_an_unlogged_slot_counts_as_missed_once_its_hour_has_passed(week):
    after = at(rome(OCT[7], 9, 1), week)  # 09:01: the 08:00 dose is missed; 20:00 still to come

    assert after.today_is_open and after.today_slots_counted == 1
    assert after.doses_scheduled == 15
    assert after.dose_adherence == 9 / 15
    assert after.days_elapsed == 7  # today is not a day yet
    assert after.pdc == 4 / 7
    assert (after.current_streak, after.longest_gap) == (1, 2)

    evening = at(rome(OCT[7], 21, 1), week)  # 21:01: both missed, today is a day

    assert not evening.today_is_open and evening.today_slots_counted == 2
    assert numbers(evening) == (8, 4, 16, 9, 0, 2)
    assert evening.pdc == 4 / 8
    assert evening.dose_adherence == 9 / 16


def test_today_counts_as_a_day_as_soon_as_both_doses_are_logged(week):
    took(week, OCT[7], MORNING, taken_at=rome(OCT[7], 8, 30))
    morning = at(rome(OCT[7], 8, 31), week)
    assert morning.today_slots_counted == 1  # the logged slot counts before its hour is over
    assert (morning.days_elapsed, morning.doses_scheduled, morning.doses_taken) == (7, 15, 10)
    assert morning.dose_adherence == 10 / 15

    took(week, OCT[7], EVENING, taken_at=rome(OCT[7], 19, 50))
    evening = at(rome(OCT[7], 19, 55), week)  # before 20:00: both logged, so today is a day

    assert not evening.today_is_open
    assert numbers(evening) == (8, 5, 16, 11, 2, 2)
    assert evening.pdc == 5 / 8
    assert evening.calendar[-1] == (OCT[7], DayState.TAKEN)


def test_streak_and_gap_count_up_to_the_last_counted_day(mother):
    regimen = RegimenFactory(mother=mother, start_date=OCT[0])
    for day in OCT[:3]:  # 1-3 October covered, 4-5 October nothing
        took(regimen, day, MORNING)
        took(regimen, day, EVENING)
    three_covered = at(rome(OCT[3], 10, 0), regimen)  # 4 October, 10:00, morning missed
    assert (three_covered.current_streak, three_covered.longest_gap) == (3, 0)

    two_missed = at(rome(OCT[5], 8, 0), regimen)  # 6 October, 08:00: days 4-5 missed
    assert (two_missed.current_streak, two_missed.longest_gap) == (0, 2)
    assert (two_missed.days_elapsed, two_missed.doses_scheduled) == (5, 10)

    three_missed = at(rome(OCT[5], 21, 1), regimen)  # 21:01: 6 October joins the gap
    assert (three_missed.current_streak, three_missed.longest_gap) == (0, 3)
    assert three_missed.pdc == 3 / 6


def test_the_25_hour_day_of_the_autumn_change_neither_loses_nor_doubles_a_dose(mother):
    # Rome's clocks go back from 03:00 to 02:00 on Sunday 25 October 2026: a 25-hour day.
    regimen = RegimenFactory(
        mother=mother, dose_times=["08:00", "23:30"], start_date=OCT[23], end_date=OCT[25]
    )
    late = time(23, 30)
    assert regimen.slot_at(OCT[23], late) == datetime(2026, 10, 24, 21, 30, tzinfo=UTC)  # CEST
    assert regimen.slot_at(OCT[24], MORNING) == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # CET
    assert regimen.slot_at(OCT[24], late) == datetime(2026, 10, 25, 22, 30, tzinfo=UTC)
    took(regimen, OCT[23], MORNING)
    took(regimen, OCT[23], late)

    # On the 25th 08:00 is 07:00 UTC, so its hour is over at 08:00 UTC (the day before: 07:00).
    assert at(datetime(2026, 10, 25, 7, 59, tzinfo=UTC), regimen).today_slots_counted == 0
    assert at(datetime(2026, 10, 25, 8, 1, tzinfo=UTC), regimen).today_slots_counted == 1
    for day in OCT[24:26]:
        took(regimen, day, MORNING)
        took(regimen, day, late)  # the 25th's: 22:30 UTC, still the 25th in Rome

    adherence = at(rome(OCT[26], 10, 0), regimen)

    assert adherence.days_elapsed == 3
    assert (adherence.doses_scheduled, adherence.doses_taken, adherence.doses_on_time) == (6, 6, 6)
    assert adherence.pdc == 1.0
    assert adherence.calendar == [(day, DayState.TAKEN) for day in OCT[23:26]]


def test_after_a_flight_doses_keep_their_slots_day_and_feeds_group_by_her_new_zone(mother):
    regimen = RegimenFactory(mother=mother, dose_times=["22:00"], start_date=NOV[0], end_date=NOV[4])
    infant = InfantFactory(mother=mother, birth_at=datetime(2026, 11, 1, 6, 0, tzinfo=UTC))
    for day in NOV[:4]:  # 1-4 November in Rome; 22:00 on the 4th is 21:00 UTC, 06:00 on the 5th in Tokyo
        took(regimen, day, time(22, 0))
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 4, 21, 30, tzinfo=UTC))
    User.objects.filter(pk=mother.pk).update(time_zone="Asia/Tokyo")  # she lands in Tokyo on the 5th
    mother.refresh_from_db()
    took(Regimen.objects.select_related("mother").get(pk=regimen.pk), NOV[4], time(22, 0))  # 13:00 UTC

    adherence = at(datetime(2026, 11, 6, 1, 0, tzinfo=UTC), regimen)  # 6 November, 10:00 in Tokyo

    assert adherence.today == NOV[5]
    assert (adherence.days_elapsed, adherence.doses_scheduled, adherence.doses_taken) == (5, 5, 5)
    assert adherence.calendar == [(day, DayState.TAKEN) for day in NOV[:5]]
    with time_machine.travel(datetime(2026, 11, 6, 1, 0, tzinfo=UTC), tick=False):
        rows = {row.day: row for row in daily_records(mother=mother)}
    assert [rows[day].doses_taken for day in NOV[:5]] == [1, 1, 1, 1, 1]
    # The feed began at 22:30 in Rome on the 4th: 06:30 on the 5th in her zone now.
    assert (rows[NOV[3]].feeds, rows[NOV[4]].feeds) == (0, 1)


def change_times(regimen, times: list[str], moment: datetime) -> None:
    with time_machine.travel(moment, tick=False):
        regimen = Regimen.objects.select_related("mother", "product").get(pk=regimen.pk)
        regimen.dose_times, regimen.doses_per_day = times, len(times)
        regimen_save(regimen=regimen)


@pytest.fixture
def three_then_two(mother):
    """1-7 November; three doses a day (08:00, 14:00, 20:00) until she changes to two (08:00,
    20:00) at 07:00 on 5 November. Taken: 3, 2 (no 14:00), 3, 3 | 2, 1 (08:00 only), 2."""
    regimen = RegimenFactory(
        mother=mother, dose_times=["08:00", "14:00", "20:00"], start_date=NOV[0], end_date=NOV[6]
    )
    InfantFactory(mother=mother, birth_at=datetime(2026, 11, 1, 6, 0, tzinfo=UTC))
    for day in NOV[:4]:
        for slot in (MORNING, MIDDAY, EVENING) if day != NOV[1] else (MORNING, EVENING):
            took(regimen, day, slot)
    change_times(regimen, ["08:00", "20:00"], rome(NOV[4], 7, 0))
    regimen = Regimen.objects.select_related("mother").get(pk=regimen.pk)
    for day in (NOV[4], NOV[6]):
        took(regimen, day, MORNING)
        took(regimen, day, EVENING)
    took(regimen, NOV[5], MORNING)
    return regimen


def test_days_before_a_schedule_change_keep_the_old_number_of_doses(three_then_two):
    change = ScheduleChange.objects.get(regimen=three_then_two)
    assert (change.effective_from, change.previous_times) == (NOV[4], ["08:00", "14:00", "20:00"])

    adherence = at(rome(NOV[7], 10, 0), three_then_two)

    # Scheduled 4 x 3 + 3 x 2 = 18; taken 3 + 2 + 3 + 3 + 2 + 1 + 2 = 16; covered: 1, 3, 4, 5, 7.
    assert (adherence.days_elapsed, adherence.days_covered) == (7, 5)
    assert (adherence.doses_scheduled, adherence.doses_taken) == (18, 16)
    assert adherence.pdc == 5 / 7
    assert adherence.dose_adherence == 16 / 18
    assert adherence.doses_per_day == 2
    assert [state for _, state in adherence.calendar] == [
        "taken",
        "partial",
        "taken",
        "taken",
        "taken",
        "partial",
        "taken",
    ]
    with time_machine.travel(rome(NOV[7], 10, 0), tick=False):
        rows = {row.day: row for row in daily_records(mother=three_then_two.mother)}
    assert [rows[day].doses_scheduled for day in NOV[:8]] == [3, 3, 3, 3, 2, 2, 2, 0]
    assert [rows[day].doses_taken for day in NOV[:8]] == [3, 2, 3, 3, 2, 1, 2, 0]


def test_a_day_before_the_change_is_still_logged_on_the_times_it_had(three_then_two):
    with time_machine.travel(rome(NOV[7], 10, 0), tick=False):
        forgotten = DoseLog(
            regimen=three_then_two, slot_date=NOV[1], slot_time=MIDDAY, taken_at=rome(NOV[1], 14, 5)
        )
        forgotten.clean()  # 2 November still had 14:00
        too_late = DoseLog(
            regimen=three_then_two, slot_date=NOV[5], slot_time=MIDDAY, taken_at=rome(NOV[5], 14, 5)
        )
        with pytest.raises(ValidationError) as caught:
            too_late.clean()
        forgotten.save()
    assert caught.value.message_dict["slot_time"] == ["14:00 is not one of your dose times (08:00, 20:00)."]

    adherence = at(rome(NOV[7], 10, 0), three_then_two)

    assert (adherence.days_covered, adherence.doses_taken) == (6, 17)  # 2 November now 3 of 3
    assert (adherence.pdc, adherence.dose_adherence) == (6 / 7, 17 / 18)


def test_on_the_day_of_the_change_today_follows_the_new_times(mother):
    regimen = RegimenFactory(mother=mother, dose_times=["08:00", "14:00", "20:00"], start_date=NOV[0])
    change_times(regimen, ["08:00", "20:00"], rome(NOV[4], 7, 0))

    adherence = at(rome(NOV[4], 15, 0), regimen)  # 15:00: 08:00 missed; 14:00 is no longer a slot

    assert adherence.today_slots_counted == 1
    assert adherence.doses_scheduled == 4 * 3 + 1
    assert adherence.days_elapsed == 4


def test_a_second_change_on_the_same_day_keeps_the_first_ones_previous_times(mother):
    regimen = RegimenFactory(mother=mother, dose_times=["08:00", "14:00", "20:00"], start_date=NOV[0])
    change_times(regimen, ["08:00", "20:00"], rome(NOV[4], 7, 0))
    change_times(regimen, ["09:00"], rome(NOV[4], 12, 0))
    assert list(ScheduleChange.objects.values_list("effective_from", "previous_times")) == [
        (NOV[4], ["08:00", "14:00", "20:00"])
    ]

    change_times(regimen, ["08:00", "14:00", "20:00"], rome(NOV[4], 18, 0))  # back as it was

    assert not ScheduleChange.objects.exists()


def test_a_schedule_change_forgets_the_cached_days_and_goes_with_its_regimen(mother, three_then_two):
    stamp = User.objects.get(pk=mother.pk).records_stamp
    ScheduleChange.objects.filter(regimen=three_then_two).update(effective_from=NOV[3])
    assert User.objects.get(pk=mother.pk).records_stamp != stamp
    stamp = User.objects.get(pk=mother.pk).records_stamp
    ScheduleChange.objects.get(regimen=three_then_two).delete()
    assert User.objects.get(pk=mother.pk).records_stamp != stamp

    change_times(three_then_two, ["09:00"], rome(NOV[6], 7, 0))
    Regimen.objects.get(pk=three_then_two.pk).delete()

    assert not ScheduleChange.objects.exists()


def test_a_regimen_that_has_not_started_records_no_change(mother):
    regimen = RegimenFactory(mother=mother, dose_times=["08:00"], start_date=NOV[10])

    change_times(regimen, ["09:00"], rome(NOV[4], 7, 0))

    assert not ScheduleChange.objects.exists()


def test_the_missed_dose_form_says_which_days_had_which_times(three_then_two, client):
    """The form offers 08:00, 14:00 and 20:00; it says 14:00 was only until 4 November."""
    client.force_login(three_then_two.mother)
    with time_machine.travel(rome(NOV[7], 10, 0), tick=False):
        page = client.get("/history/doses/add/").content.decode()

    assert "Your dose times changed: until 4 Nov 2026, 08:00, 14:00, 20:00; since then, 08:00, 20:00." in page


def test_the_pdf_names_the_times_days_before_the_change_had(three_then_two):
    with time_machine.travel(rome(NOV[7], 10, 0), tick=False):
        _, text = readable_summary(three_then_two.mother)

    assert (
        "2 doses a day at 08:00, 20:00 (until 4 Nov 2026: 08:00, 14:00, 20:00); 1 Nov 2026 to 7 Nov 2026"
        in text
    )


def test_a_log_for_a_time_no_longer_scheduled_answers_the_nearest_slot_not_the_evening():
    """Her times are 08:00 and 20:00; a 07:00 log (from before a change) answers 08:00, so at
    10:30 one slot counts (08:00) and the day is not counted while 20:00 is to come."""
    schedule = DoseSchedule(current=("08:00", "20:00"), doses_per_day=2)
    at_half_past_ten = rome(NOV[3], 10, 30)

    counted = slots_counted(
        schedule=schedule, day=NOV[3], logged={time(7, 0)}, zone=ROME, now=at_half_past_ten
    )
    in_the_evening = slots_counted(
        schedule=schedule, day=NOV[3], logged={time(7, 0)}, zone=ROME, now=rome(NOV[3], 21, 1)
    )

    assert (counted, in_the_evening) == (1, 2)
