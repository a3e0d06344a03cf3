"""The dashboard page: the numbers she sees, empty states, twins, and a constant query count."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import (
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tracker.models import DoseLog, FeedingSession, SymptomEntry

# 16 Nov 2026, 21:00 in Rome: both of today's doses are due.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def log_day(regimen, day, *, taken=(), skipped=(), late_minutes=0):
    for at in taken:
        slot = regimen.slot_at(day, at)
        DoseLogFactory(
            regimen=regimen, slot_date=day, slot_time=at, taken_at=slot + timedelta(minutes=late_minutes)
        )
    for at in skipped:
        DoseLogFactory(regimen=regimen, slot_date=day, slot_time=at, status="skipped", taken_at=None)


def test_the_numbers_she_sees_for_a_ten_day_window(mother, mother_client):
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 7))  # 7..16 Nov: 10 days, 20 doses
    morning, evening = time(8, 0), time(20, 0)
    for offset in range(6):  # 7-12 Nov: all taken on time
        log_day(regimen, date(2026, 11, 7 + offset), taken=[morning, evening])
    log_day(regimen, date(2026, 11, 13), taken=[morning], skipped=[evening])
    # 14 Nov: nothing logged (missed)
    log_day(regimen, date(2026, 11, 15), skipped=[morning, evening])
    log_day(regimen, date(2026, 11, 16), taken=[morning, evening], late_minutes=90)
    page = mother_client.get("/dashboard/").content.decode()
    # Taken: 12 + 1 + 2 = 15 of 20; covered days: 7 (7-12 Nov and 16 Nov) of 10; on time 13 of 15.
    assert '<dd class="col-5 text-end" data-testid="pdc">70.0%' in page
    assert "(7/10 days)" in page
    assert 'data-testid="dose-adherence">75.0%' in page
    assert "(15/20)" in page
    assert 'data-testid="on-time">86.7%' in page
    assert "Mon 16 Nov: all taken" in page and "Sun 15 Nov: skipped" in page and "Sat 14 Nov: missed" in page
    assert "Fri 13 Nov: partly taken" in page


def test_feeding_numbers_and_twin_switch(mother, mother_client):
    luca = InfantFactory(mother=mother, name="Luca")
    sofia = InfantFactory(mother=mother, pregnancy=luca.pregnancy, name="Sofia")
    for hour in (6, 9, 12):
        FeedingSessionFactory(infant=luca, started_at=datetime(2026, 11, 15, hour, 0, tzinfo=UTC))
    FeedingSessionFactory(infant=luca, started_at=datetime(2026, 11, 16, 6, 0, tzinfo=UTC))  # today
    FeedingSessionFactory(infant=sofia, started_at=datetime(2026, 11, 15, 7, 0, tzinfo=UTC))
    luca_page = mother_client.get(f"/dashboard/?range=7&infant={luca.pk}")
    sofia_page = mother_client.get(f"/dashboard/?range=7&infant={sofia.pk}")
    # Over the complete days (10-15 Nov) with a feed logged: only 15 Nov; today is under way.
    assert luca_page.context["board"].feeding.feeds_per_day == 3.0
    assert sofia_page.context["board"].feeding.feeds_per_day == 1.0
    assert 'data-testid="feeds-per-day">3.0<' in luca_page.content.decode()
    assert (
        "Over the 1 day with feeds logged of the 6 complete days to 15 Nov: 3.0 feeds and 60 minutes a day"  # 3 x 20 min
        in luca_page.content.decode()
    )
    assert sofia_page.context["board"].infant == sofia


def test_another_mothers_baby_id_shows_her_own_baby(mother_client, mother, outsider):
    mine = InfantFactory(mother=mother, name="Luca")
    theirs = InfantFactory(mother=outsider, name="Secret")
    response = mother_client.get(f"/dashboard/?infant={theirs.pk}")
    assert response.context["board"].infant == mine
    assert "Secret" not in response.content.decode()


def test_empty_states_say_what_to_log(mother_client):
    page = mother_client.get("/dashboard/").content.decode()
    assert "No regimen yet." in page and "Set up your regimen" in page
    assert "When your baby is born" in page


def test_a_regimen_that_has_not_started(mother, mother_client):
    RegimenFactory(mother=mother, start_date=date(2026, 12, 1))
    page = mother_client.get("/dashboard/").content.decode()
    assert "Starts on 1 December 2026. Nothing to count yet." in page


def test_a_screening_flag_is_worded_as_screening(mother, mother_client):
    infant = InfantFactory(mother=mother, birth_at=datetime(2026, 9, 1, 8, 0, tzinfo=UTC))
    for offset in range(25):  # two spit-ups a day for 25 days, baby over 3 weeks old
        day = datetime(2026, 10, 20, 9, 0, tzinfo=UTC) + timedelta(days=offset)
        SymptomEntryFactory(infant=infant, occurred_at=day)
        SymptomEntryFactory(infant=infant, occurred_at=day + timedelta(hours=5))
    page = mother_client.get("/dashboard/?range=30").content.decode()
    assert "Screening, not a diagnosis: talk to your clinician." in page
    assert "The days that triggered it" in page
    assert "has reflux" not in page.lower()


def seed_history(mother, days: int):
    """``days`` days of doses, feeds and symptoms, bulk-inserted."""
    infant = InfantFactory(mother=mother, birth_at=NOW - timedelta(days=days + 1))
    regimen = RegimenFactory(mother=mother, start_date=(NOW - timedelta(days=days)).date())
    doses, feeds, symptoms = [], [], []
    for offset in range(days):
        day = regimen.start_date + timedelta(days=offset)
        for at in regimen.slot_times:
            slot = regimen.slot_at(day, at)
            doses.append(
                DoseLog(regimen=regimen, slot_date=day, slot_time=at, scheduled_at=slot, taken_at=slot)
            )
        start = datetime.combine(day, time(0, 30), UTC)
        for n in range(10):
            begin = start + timedelta(hours=2 * n)
            feeds.append(
                FeedingSession(
                    infant=infant,
                    started_at=begin,
                    ended_at=begin + timedelta(minutes=20),
                    start_side="left",
                    left_seconds=600,
                    right_seconds=600,
                    switches=1,
                )
            )
        symptoms.append(SymptomEntry(infant=infant, kind="regurgitation", size="small", occurred_at=start))
        symptoms.append(SymptomEntry(infant=infant, kind="stool", stool_consistency=4, occurred_at=start))
    DoseLog.objects.bulk_create(doses)
    FeedingSession.objects.bulk_create(feeds)
    SymptomEntry.objects.bulk_create(symptoms)


@pytest.mark.parametrize("range_key", ["7", "30", "all"])
def test_query_count_is_small_and_the_same_for_a_week_and_two_years(
    mother, mother_client, outsider, django_assert_max_num_queries, range_key
):
    """The first view (nothing cached, nothing stored), a view with the cache emptied (a new
    web process: the months come from the database) and a warm view (the closed days come from
    the cache): their counts, each the same for both."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    seed_history(mother, 7)
    seed_history(outsider, 730)
    counts = {}
    for who, client in (("week", mother_client), ("years", Client())):
        if who == "years":
            client.force_login(outsider)
        with CaptureQueriesContext(connection) as cold:
            client.get(f"/dashboard/?range={range_key}")
        with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as warm:
            response = client.get(f"/dashboard/?range={range_key}")
        cache.clear()
        with CaptureQueriesContext(connection) as emptied:
            client.get(f"/dashboard/?range={range_key}")
        counts[who] = (len(cold.captured_queries), len(warm.captured_queries), len(emptied.captured_queries))
    # 730 days to yesterday; at 21:00 today, with nothing logged, the 20:00 slot's hour is not
    # over yet (a dose taken at 21:00 is still on time), so today is not counted
    assert response.context["board"].regimens[0].adherence.days_elapsed == 730
    assert counts["years"] == counts["week"]
    first, warm, emptied = counts["years"]
    # emptied, the closed days are read with today's: the dose times' changes, a birth, and each
    # kind's stored months more (one read each for doses, feeds and symptoms)
    assert warm <= 11 and emptied <= warm + 2 + 3 <= 15
    # the first view also stores each kind's months (one write each)
    assert first == emptied + 3


def test_the_trend_sentence_compares_the_first_full_week_with_the_week_to_yesterday(mother, mother_client):
    # Born 1 Nov (nothing logged that day); 2 spit-ups a day 2-8 Nov, 1 a day 9-15 Nov,
    # and nothing yet on 16 Nov, today: neither the birth day nor today's empty hours count.
    infant = InfantFactory(mother=mother, birth_at=datetime(2026, 11, 1, 6, 0, tzinfo=UTC))
    for day in range(2, 16):
        for hour in (9, 15)[: 2 if day <= 8 else 1]:
            SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, day, hour, 0, tzinfo=UTC))

    response = mother_client.get("/dashboard/?range=all")

    assert response.context["trend_sentence"].startswith(
        # 1-7 Nov: 12 spit-ups over its 6 days with records (not 7: the birth day has none).
        "Spit-ups, 7-day average: 2.0 a day in the week to 7 Nov, 1.0 a day in the week to 15 Nov."
    )


def test_with_no_screening_flag_met_the_dashboard_says_so(mother, mother_client, infant):
    SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC))

    page = mother_client.get("/dashboard/").content.decode()

    assert (
        "None of the four screening flags (frequent spit-up, long crying, few stools, long straining)" in page
    )


def test_the_calendar_writes_each_day_as_djangos_date_format_does_in_the_page_language(mother, mother_client):
    from django.utils import translation
    from django.utils.formats import date_format

    RegimenFactory(mother=mother, start_date=date(2026, 11, 14))
    for language in ("en", "it"):
        with translation.override(language):
            page = mother_client.get("/dashboard/").content.decode()
            for day in (date(2026, 11, 14), date(2026, 11, 15)):
                assert f'title="{date_format(day, "D j M")}: missed"' in page
    with translation.override("it"):
        assert date_format(date(2026, 11, 14), "D j M") == "Sab 14 Nov"  # Italian names, not English


def test_each_calendar_key_keeps_its_swatch_and_its_words_on_one_line(mother, mother_client):
    """On a phone the key wraps; a swatch must not end one line with its words on the next."""
    import re

    RegimenFactory(mother=mother, start_date=date(2026, 11, 14))
    page = mother_client.get("/dashboard/").content.decode()

    legend = re.search(r'data-testid="calendar-legend">(.*?)</p>', page, re.S)[1]
    keys = re.findall(r'<span class="text-nowrap"><span class="cal cal-(\w+)"></span> ([^<]+)</span>', legend)
    assert [label for _, label in keys] == [
        "all taken",
        "partly",
        "skipped",
        "missed",
        "today, not counted yet",
        "to come",
    ]


def test_a_range_of_days_shows_each_days_number_in_its_cell_and_all_keeps_them_small(mother, mother_client):
    """A phone shows no tooltip: on the 7- and 30-day ranges each cell shows its day of the month."""
    import re

    RegimenFactory(mother=mother, start_date=date(2026, 11, 1))
    week = mother_client.get("/dashboard/?range=7").content.decode()
    everything = mother_client.get("/dashboard/?range=all").content.decode()

    numbers = re.findall(
        r'class="cal cal-\w+ cal-numbered[^"]*"[^>]*>.*?<span aria-hidden="true">(\d+)</span>', week
    )
    today = timezone.localdate(timezone=mother.zone)
    assert [int(n) for n in numbers] == [(today - timedelta(days=back)).day for back in range(6, -1, -1)]
    assert "cal-numbered" not in everything
    assert everything.count('role="listitem" class="cal cal-') == (today - date(2026, 11, 1)).days + 1
