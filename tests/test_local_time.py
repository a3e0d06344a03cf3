"""Days are the mother's local days; slots are wall-clock times in her zone."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import RegimenFactory, UserFactory
from tracker.localtime import local_date, local_day_bounds, wall_clock_to_utc
from tracker.models import DoseLog

UTC = UTC
ROME = ZoneInfo("Europe/Rome")
NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def test_a_slot_inside_the_spring_forward_gap_moves_to_the_first_valid_minute():
    # 29 March 2026, Rome: 02:00 CET jumps to 03:00 CEST.
    assert wall_clock_to_utc(date(2026, 3, 29), time(2, 30), ROME) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert wall_clock_to_utc(date(2026, 3, 29), time(8, 0), ROME) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    # 8 March 2026, New York: 02:00 EST jumps to 03:00 EDT.
    assert wall_clock_to_utc(date(2026, 3, 8), time(2, 30), NEW_YORK) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )


def test_a_repeated_fall_back_time_is_its_first_occurrence():
    # 25 October 2026, Rome: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice.
    assert wall_clock_to_utc(date(2026, 10, 25), time(2, 30), ROME) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    # 1 November 2026, New York: 01:30 happens twice; 02:30 once.
    assert wall_clock_to_utc(date(2026, 11, 1), time(1, 30), NEW_YORK) == datetime(
        2026, 11, 1, 5, 30, tzinfo=UTC
    )


def test_change_days_are_23_and_25_hours_long():
    start, end = local_day_bounds(date(2026, 3, 29), ROME)
    assert (end - start).total_seconds() == 23 * 3600
    start, end = local_day_bounds(date(2026, 10, 25), ROME)
    assert (end - start).total_seconds() == 25 * 3600


def test_local_date_follows_the_zone_not_utc():
    moment = datetime(2026, 11, 11, 7, 30, tzinfo=UTC)
    assert local_date(moment, LOS_ANGELES) == date(2026, 11, 10)
    assert local_date(moment, ROME) == date(2026, 11, 11)


@pytest.mark.django_db
def test_a_dose_at_2330_in_los_angeles_counts_for_that_local_day(client):
    mother = UserFactory(time_zone="America/Los_Angeles")
    regimen = RegimenFactory(mother=mother, dose_times=["22:00"], start_date=date(2026, 11, 1))
    client.force_login(mother)
    with time_machine.travel(datetime(2026, 11, 11, 7, 30, tzinfo=UTC), tick=False):  # 23:30 on 10 Nov
        client.post("/today/dose/", {"regimen": regimen.pk})
        page = client.get("/").content.decode()
    log = DoseLog.objects.get(regimen=regimen)
    assert (log.slot_date, log.slot_time) == (date(2026, 11, 10), time(22, 0))
    assert log.taken_at == datetime(2026, 11, 11, 7, 30, tzinfo=UTC)
    assert "Today, Tuesday 10 November" in page
    assert "1 of 1 taken today, 0 open" in page
    assert "Taken at 23:30" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "utc_now, local_day, scheduled_utc",
    [
        (datetime(2026, 3, 28, 7, 5, tzinfo=UTC), date(2026, 3, 28), datetime(2026, 3, 28, 7, 0, tzinfo=UTC)),
        (datetime(2026, 3, 29, 6, 5, tzinfo=UTC), date(2026, 3, 29), datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
        (datetime(2026, 3, 30, 6, 5, tzinfo=UTC), date(2026, 3, 30), datetime(2026, 3, 30, 6, 0, tzinfo=UTC)),
    ],
)
def test_a_rome_0800_slot_stays_0800_across_the_march_change(client, utc_now, local_day, scheduled_utc):
    mother = UserFactory(time_zone="Europe/Rome")
    regimen = RegimenFactory(mother=mother, dose_times=["08:00"], start_date=date(2026, 3, 1))
    client.force_login(mother)
    with time_machine.travel(utc_now, tick=False):  # 08:05 in Rome each day
        page_before = client.get("/").content.decode()
        client.post("/today/dose/", {"regimen": regimen.pk})
        page_after = client.get("/").content.decode()
    log = DoseLog.objects.get(regimen=regimen)
    assert (log.slot_date, log.slot_time, log.scheduled_at) == (local_day, time(8, 0), scheduled_utc)
    assert "08:00 dose" in page_before
    assert "Taken at 08:05" in page_after
