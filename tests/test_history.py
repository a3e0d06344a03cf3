"""History: the four lists, and adding, correcting and deleting records by hand.

Anna lives in Rome (CET, UTC+1 in November). The clock is fixed at 10:00 her
time on Monday 16 November 2026.
"""

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from importlib import import_module
from urllib.parse import quote

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from tests.factories import (
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tracker.forms.fields import MSG_YEAR, LocalDateField, LocalDateTimeField
from tracker.models import DailyCheck, DoseLog, FeedingSession, SymptomEntry
from tracker.services import doses, feeding, symptoms

UTC = UTC
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def rows(response) -> list[str]:
    found = re.findall(r'data-testid="history-row">(.*?)</li>', response.content.decode(), re.S)
    return [" ".join(html.unescape(strip_tags(row)).split()) for row in found]


def utc(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def twin(mother, infant):
    return InfantFactory(mother=mother, pregnancy=infant.pregnancy, name="Sara")


@pytest.fixture
def stranger_infant(outsider):
    return InfantFactory(mother=outsider, name="Olivia")


def feed_data(**overrides) -> dict:
    data = {
        "started_at": "2026-11-16T08:00",
        "ended_at": "2026-11-16T08:25",
        "method": "breast",
        "start_side": "left",
        "minutes_left": "15",
        "minutes_right": "10",
        "switches": "1",
        "bottle_ml": "",
        "notes": "",
    }
    return data | overrides


# The lists


def test_feeds_list_shows_only_her_feeds_newest_first_25_a_page(mother_client, infant, stranger_infant):
    for n in range(30):  # one feed every 3 hours from 10 Nov, 01:00 UTC
        FeedingSessionFactory(infant=infant, started_at=utc(10, 1) + timedelta(hours=3 * n))
    FeedingSessionFactory(infant=stranger_infant, started_at=utc(15, 12), notes="Olga's feed")

    first = mother_client.get("/history/feeds/")
    listed = rows(first)
    assert len(listed) == 25
    # The newest: 10 Nov 01:00 UTC + 87 h = 13 Nov 16:00 UTC = 17:00 in Rome.
    assert listed[0].startswith("Fri 13 Nov · 17:00–17:20 (20 min)")
    assert listed[1].startswith("Fri 13 Nov · 14:00–14:20")
    assert "Luca · Breast · left 10 min, right 10 min" in listed[0]
    assert "Olga's feed" not in text(first)
    assert "Page 1 of 2" in text(first)

    second = mother_client.get("/history/feeds/?page=2")
    listed = rows(second)
    assert len(listed) == 5
    assert listed[-1].startswith("Tue 10 Nov · 02:00–02:20")


def test_page_links_keep_the_filters(mother_client, infant, twin):
    for n in range(26):
        FeedingSessionFactory(infant=infant, started_at=utc(10, 1) + timedelta(hours=3 * n))
    FeedingSessionFactory(infant=twin, started_at=utc(12, 0))

    page = mother_client.get(f"/history/feeds/?infant={infant.pk}&date_from=2026-11-01")
    assert f'href="?infant={infant.pk}&amp;date_from=2026-11-01&amp;page=2"' in page.content.decode()
    second = mother_client.get(f"/history/feeds/?infant={infant.pk}&date_from=2026-11-01&page=2")
    assert len(rows(second)) == 1
    assert "Sara" not in " ".join(rows(second))


def test_doses_list_is_hers_latest_slot_first(mother_client, regimen, outsider):
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 14), slot_time=time(8, 0))
    DoseLogFactory(
        regimen=regimen,
        slot_date=date(2026, 11, 14),
        slot_time=time(20, 0),
        status=DoseLog.Status.SKIPPED,
        skip_reason="Forgot",
        source=DoseLog.Source.EMAIL,
    )
    DoseLogFactory(
        regimen=regimen, slot_date=date(2026, 11, 15), slot_time=time(8, 0), source=DoseLog.Source.API
    )
    DoseLogFactory(regimen=RegimenFactory(mother=outsider), slot_date=date(2026, 11, 15))

    listed = rows(mother_client.get("/history/doses/"))
    assert listed == [
        "Sun 15 Nov · 08:00 dose Taken at 08:00 · Multi-strain probiotic · via API Edit Delete",
        "Sat 14 Nov · 20:00 dose Skipped: Forgot · Multi-strain probiotic · from the reminder email Edit Delete",
        "Sat 14 Nov · 08:00 dose Taken at 08:00 · Multi-strain probiotic · logged in the app Edit Delete",
    ]


def test_a_dose_skipped_from_the_email_says_so_once(mother_client, regimen):
    # Before the source told it, a skip from the email was given this reason too; migration
    # 0008 clears it.
    DoseLogFactory(
        regimen=regimen,
        slot_date=date(2026, 11, 15),
        slot_time=time(8, 0),
        status=DoseLog.Status.SKIPPED,
        skip_reason="Skipped from the reminder email",
        source=DoseLog.Source.EMAIL,
    )
    # The same words typed in the app are hers, and shown.
    DoseLogFactory(
        regimen=regimen,
        slot_date=date(2026, 11, 14),
        slot_time=time(8, 0),
        status=DoseLog.Status.SKIPPED,
        skip_reason="Skipped from the reminder email",
        source=DoseLog.Source.WEB,
    )
    import_module("tracker.migrations.0008_email_skips_without_a_reason").forget_email_skip_reason(apps, None)

    listed = rows(mother_client.get("/history/doses/"))
    assert [row.split(" Edit")[0] for row in listed] == [
        "Sun 15 Nov · 08:00 dose Skipped · Multi-strain probiotic · from the reminder email",
        "Sat 14 Nov · 08:00 dose Skipped: Skipped from the reminder email · Multi-strain probiotic · logged in the app",
    ]


def test_symptoms_list_filters_by_kind_and_baby(mother_client, infant, twin, stranger_infant):
    SymptomEntryFactory(infant=infant, occurred_at=utc(14, 9))
    SymptomEntryFactory(infant=infant, kind="stool", size="", stool_consistency=4, occurred_at=utc(14, 11))
    SymptomEntryFactory(infant=twin, occurred_at=utc(14, 12), size="large")
    SymptomEntryFactory(infant=stranger_infant, occurred_at=utc(14, 13))

    everything = rows(mother_client.get("/history/symptoms/"))
    assert [row.split(" Edit")[0] for row in everything] == [
        "Sat 14 Nov · 13:00 · Spit-up Sara · large",
        "Sat 14 Nov · 12:00 · Stool Luca · 4 · smooth, formed",
        "Sat 14 Nov · 10:00 · Spit-up Luca · small",
    ]
    spit_ups = rows(mother_client.get("/history/symptoms/?kind=regurgitation"))
    assert [row[:28] for row in spit_ups] == ["Sat 14 Nov · 13:00 · Spit-up", "Sat 14 Nov · 10:00 · Spit-up"]
    lucas = rows(mother_client.get(f"/history/symptoms/?kind=regurgitation&infant={infant.pk}"))
    assert len(lucas) == 1 and "Luca · small" in lucas[0]


def test_checks_list_by_day_and_baby(mother_client, infant, twin):
    DailyCheckFactory(infant=infant, day=date(2026, 11, 13), other_than_breast_milk=True)
    DailyCheckFactory(infant=infant, day=date(2026, 11, 14), notes="Good day")
    DailyCheckFactory(infant=twin, day=date(2026, 11, 14), no_symptoms=False, other_than_breast_milk=None)

    listed = rows(mother_client.get("/history/checks/"))
    assert [row.split(" Edit")[0] for row in listed] == [
        "Sat 14 Nov · Luca No symptoms: yes · Other than breast milk: no Good day",
        "Sat 14 Nov · Sara No symptoms: no · Other than breast milk: not sure",
        "Fri 13 Nov · Luca No symptoms: yes · Other than breast milk: yes",
    ]
    only_13 = rows(mother_client.get("/history/checks/?date_from=2026-11-13&date_to=2026-11-13"))
    assert len(only_13) == 1 and only_13[0].startswith("Fri 13 Nov · Luca")


def test_a_feed_at_2330_rome_time_is_listed_under_that_local_day(mother_client, infant):
    late = FeedingSessionFactory(infant=infant, started_at=utc(2, 22, 30))  # 23:30 in Rome on 2 Nov
    after_midnight = FeedingSessionFactory(infant=infant, started_at=utc(2, 23, 30))  # 00:30 on 3 Nov

    second = rows(mother_client.get("/history/feeds/?date_from=2026-11-02&date_to=2026-11-02"))
    assert len(second) == 1 and second[0].startswith("Mon 2 Nov · 23:30–23:50")
    third = rows(mother_client.get("/history/feeds/?date_from=2026-11-03&date_to=2026-11-03"))
    assert len(third) == 1 and third[0].startswith("Tue 3 Nov · 00:30–00:50")
    assert {late.pk, after_midnight.pk} == set(FeedingSession.objects.values_list("pk", flat=True))


def test_a_symptom_is_filtered_by_her_local_day_too(mother_client, infant):
    SymptomEntryFactory(infant=infant, occurred_at=utc(2, 22, 30))  # 23:30 in Rome on 2 Nov
    assert len(rows(mother_client.get("/history/symptoms/?date_to=2026-11-02"))) == 1
    assert rows(mother_client.get("/history/symptoms/?date_from=2026-11-03")) == []


def test_the_baby_filter_offers_only_her_babies_and_refuses_another(
    mother_client, infant, twin, stranger_infant
):
    FeedingSessionFactory(infant=infant, started_at=utc(14, 8))
    FeedingSessionFactory(infant=twin, started_at=utc(14, 9))

    sara = mother_client.get(f"/history/feeds/?infant={twin.pk}")
    listed = rows(sara)
    assert len(listed) == 1 and "(20 min) Sara · Breast" in listed[0]
    assert "Olivia" not in sara.content.decode()
    refused = mother_client.get(f"/history/feeds/?infant={stranger_infant.pk}")
    assert "Choose one of your own babies." in text(refused)


def test_a_reversed_date_range_is_reported(mother_client, infant):
    response = mother_client.get("/history/feeds/?date_from=2026-11-10&date_to=2026-11-01")
    assert "The last day must be on or after the first day." in text(response)


def test_empty_lists_say_what_to_do(mother_client, infant):
    assert "No feeds yet — start one from Today" in text(mother_client.get("/history/feeds/"))
    assert "No doses logged yet — tap “Took my probiotic” on Today, or log a missed dose." in text(
        mother_client.get("/history/doses/")
    )
    assert "No symptoms logged yet" in text(mother_client.get("/history/symptoms/"))
    assert "No daily checks yet" in text(mother_client.get("/history/checks/"))
    FeedingSessionFactory(infant=infant, started_at=utc(14, 8))
    filtered = mother_client.get("/history/feeds/?date_from=2026-11-15")
    assert "Nothing matches these filters." in text(filtered)


def test_tabs_carry_the_baby_and_days_to_the_other_lists(mother_client, infant):
    page = mother_client.get(f"/history/symptoms/?kind=stool&infant={infant.pk}&date_from=2026-11-01")
    content = page.content.decode()
    assert f'href="/history/feeds/?infant={infant.pk}&amp;date_from=2026-11-01"' in content
    assert 'aria-current="page">Symptoms<' in content


@pytest.mark.parametrize("url", ["/history/feeds/", "/history/symptoms/", "/history/checks/"])
def test_a_list_page_costs_the_same_queries_for_3_or_25_rows(mother_client, infant, twin, url):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert mother_client.get(url).status_code == 200
        return len(queries)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            baby = infant if i % 2 else twin
            FeedingSessionFactory(infant=baby, started_at=utc(1, 0) + timedelta(hours=3 * i))
            SymptomEntryFactory(infant=baby, occurred_at=utc(1, 1) + timedelta(hours=3 * i))
            DailyCheckFactory(infant=baby, day=date(2026, 10, 1) + timedelta(days=i))

    add(3, 0)
    few = count()
    add(22, 3)
    assert count() == few


def test_the_doses_list_costs_the_same_queries_for_3_or_25_rows(mother_client, regimen):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            mother_client.get("/history/doses/")
        return len(queries)

    for day in range(3):
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 1) + timedelta(days=day))
    few = count()
    for day in range(3, 25):
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, 1) + timedelta(days=day))
    assert count() == few


# Adding and editing


def test_adding_a_feed_by_hand_saves_it_in_her_time(mother_client, infant):
    page = mother_client.get("/history/feeds/add/").content.decode()
    assert f'<option value="{infant.pk}" selected>Luca</option>' in page  # her only baby is chosen
    response = mother_client.post(
        "/history/feeds/add/", feed_data(infant=infant.pk, notes="Sleepy"), follow=True
    )
    feed = FeedingSession.objects.get()
    assert (feed.infant, feed.started_at, feed.ended_at) == (infant, utc(16, 7), utc(16, 7, 25))
    assert (feed.left_seconds, feed.right_seconds, feed.switches, feed.notes) == (900, 600, 1, "Sleepy")
    assert "Saved the feed at 08:00 on 16 Nov." in text(response)
    assert rows(response)[0].startswith("Mon 16 Nov · 08:00–08:25 (25 min)")


def test_editing_a_feed_saves_and_lists_the_new_values(mother_client, infant):
    feed = FeedingSessionFactory(infant=infant, started_at=utc(15, 6), left_seconds=610, right_seconds=0)
    form = mother_client.get(f"/history/feeds/{feed.pk}/edit/").content.decode()
    assert 'value="2026-11-15T07:00"' in form  # shown in her local time
    assert 'name="minutes_left" value="10"' in form

    response = mother_client.post(
        f"/history/feeds/{feed.pk}/edit/",
        feed_data(
            started_at="2026-11-15T07:05",
            ended_at="2026-11-15T07:45",
            method="mixed",
            minutes_left="10",  # unchanged: the timer's exact 610 seconds stay
            minutes_right="20",
            switches="2",
            bottle_ml="60",
            notes="Top-up after",
        ),
        follow=True,
    )
    feed.refresh_from_db()
    assert (feed.started_at, feed.ended_at, feed.method) == (utc(15, 6, 5), utc(15, 6, 45), "mixed")
    assert (feed.left_seconds, feed.right_seconds, feed.switches, feed.bottle_ml) == (610, 1200, 2, 60)
    assert rows(response)[0].startswith(
        "Sun 15 Nov · 07:05–07:45 (40 min) Luca · Mixed · left 10 min, right 20 min · 60 ml Top-up after"
    )


def test_a_running_feed_gets_its_real_end_time(mother_client, infant):
    feed = FeedingSessionFactory(
        infant=infant, started_at=NOW - timedelta(hours=5), ended_at=None, current_side="left"
    )
    response = mother_client.post(
        f"/history/feeds/{feed.pk}/edit/",
        feed_data(started_at="2026-11-16T05:00", ended_at="2026-11-16T05:40"),
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert (feed.ended_at, feed.current_side) == (utc(16, 4, 40), "")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ended_at": "2026-11-16T07:50"}, "The end time must be after the start time."),
        (
            {"ended_at": "2026-11-16T10:10"},
            "That time is in the future. You can log things up to 5 minutes ahead, not more.",
        ),
        ({"started_at": "2026-11-16T03:00"}, "A feed can't be longer than 4 hours."),
        ({"method": "formula", "bottle_ml": "0"}, "A bottle amount must be between 1 and 400 ml."),
        ({"method": "formula", "bottle_ml": "401"}, "A bottle amount must be between 1 and 400 ml."),
        (
            {"started_at": "2026-11-16T06:10", "ended_at": "2026-11-16T06:40"},
            "This overlaps another feed for Luca that started at 06:30 on 16 Nov. "
            "Feeds for one baby can't overlap.",
        ),
    ],
    ids=["end-before-start", "future", "over-4-hours", "bottle-0", "bottle-401", "overlap"],
)
def test_feed_validation_messages_show_on_the_add_and_edit_forms(mother_client, infant, overrides, message):
    other = FeedingSessionFactory(infant=infant, started_at=utc(16, 5, 30))  # 06:30-06:50 in Rome
    mine = FeedingSessionFactory(infant=infant, started_at=utc(15, 6))
    before = mine.started_at, mine.ended_at, mine.bottle_ml

    added = mother_client.post("/history/feeds/add/", feed_data(infant=infant.pk, **overrides))
    assert added.status_code == 200
    assert message in text(added)
    assert text(added).count(message) == 1
    assert FeedingSession.objects.count() == 2

    edited = mother_client.post(f"/history/feeds/{mine.pk}/edit/", feed_data(**overrides))
    assert edited.status_code == 200
    assert message in text(edited)
    mine.refresh_from_db()
    assert (mine.started_at, mine.ended_at, mine.bottle_ml) == before
    assert other.pk in FeedingSession.objects.values_list("pk", flat=True)


def test_a_feed_for_another_mothers_baby_is_refused(mother_client, infant, stranger_infant):
    response = mother_client.post("/history/feeds/add/", feed_data(infant=stranger_infant.pk))
    assert "Choose one of your own babies." in text(response)
    assert not FeedingSession.objects.exists()
    assert "Olivia" not in response.content.decode()


def test_with_twins_she_must_choose_the_baby(mother_client, infant, twin):
    response = mother_client.post("/history/feeds/add/", feed_data())
    assert "This field is required." in text(response)
    response = mother_client.post("/history/feeds/add/", feed_data(infant=twin.pk))
    assert FeedingSession.objects.get().infant == twin


def test_editing_a_dose_to_skipped_clears_the_time(mother_client, regimen):
    log = DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 15), slot_time=time(20, 0))
    response = mother_client.post(
        f"/history/doses/{log.pk}/edit/",
        {"status": "skipped", "taken_at": "2026-11-15T20:05", "skip_reason": "Felt sick"},
        follow=True,
    )
    log.refresh_from_db()
    assert (log.status, log.taken_at, log.skip_reason) == ("skipped", None, "Felt sick")
    assert "Saved the 20:00 dose of 15 Nov." in text(response)
    assert "Sun 15 Nov · 20:00 dose Skipped: Felt sick" in rows(response)[0]


def test_editing_a_dose_time_and_the_models_messages(mother_client, regimen):
    log = DoseLogFactory(
        regimen=regimen,
        slot_date=date(2026, 11, 15),
        status=DoseLog.Status.SKIPPED,
        skip_reason="Forgot",
    )
    missing = mother_client.post(f"/history/doses/{log.pk}/edit/", {"status": "taken", "taken_at": ""})
    assert "Say when you took it." in text(missing)
    future = mother_client.post(
        f"/history/doses/{log.pk}/edit/", {"status": "taken", "taken_at": "2026-11-16T11:00"}
    )
    assert "That time is in the future." in text(future)
    log.refresh_from_db()
    assert log.status == "skipped"

    mother_client.post(f"/history/doses/{log.pk}/edit/", {"status": "taken", "taken_at": "2026-11-15T08:40"})
    log.refresh_from_db()
    assert (log.status, log.taken_at, log.skip_reason) == ("taken", utc(15, 7, 40), "")


def test_adding_a_symptom_starts_by_choosing_what_happened(mother_client, infant):
    picker = text(mother_client.get("/history/symptoms/add/"))
    assert "Spit-up Crying / fussing Tummy pain / colic Stool" in picker

    stool_form = mother_client.get("/history/symptoms/add/?kind=stool").content.decode()
    assert 'name="stool_consistency"' in stool_form and 'name="straining_minutes"' in stool_form
    assert 'name="size"' not in stool_form and 'name="severity"' not in stool_form

    mother_client.post(
        "/history/symptoms/add/?kind=stool",
        {
            "infant": infant.pk,
            "occurred_at": "2026-11-16T09:10",
            "stool_consistency": "6",
            "stool_colour": "yellow",
            "straining_minutes": "3",
        },
    )
    entry = SymptomEntry.objects.get()
    assert (entry.kind, entry.occurred_at, entry.stool_consistency) == ("stool", utc(16, 8, 10), 6)
    assert (entry.stool_colour, entry.straining_minutes) == ("yellow", 3)


def test_symptom_forms_show_the_models_messages(mother_client, infant):
    spit_up = mother_client.post(
        "/history/symptoms/add/?kind=regurgitation", {"infant": infant.pk, "occurred_at": "2026-11-16T09:00"}
    )
    assert "Choose how big the spit-up was." in text(spit_up)
    pain = mother_client.post(
        "/history/symptoms/add/?kind=abdominal_pain", {"infant": infant.pk, "occurred_at": "2026-11-16T09:00"}
    )
    assert "Choose how bad the pain looked, from 0 (none) to 3 (severe)." in text(pain)
    crying = mother_client.post(
        "/history/symptoms/add/?kind=crying",
        {"infant": infant.pk, "occurred_at": "2026-11-16T09:00", "ended_at": "2026-11-16T08:30"},
    )
    assert "The end time must be after the start time." in text(crying)
    assert not SymptomEntry.objects.exists()


def test_crying_typed_with_start_and_stop_keeps_its_minutes(mother_client, infant):
    mother_client.post(
        "/history/symptoms/add/?kind=crying",
        {"infant": infant.pk, "occurred_at": "2026-11-16T08:00", "ended_at": "2026-11-16T08:45"},
    )
    entry = SymptomEntry.objects.get()
    assert (entry.kind, entry.duration_minutes, entry.is_running) == ("crying", 45, False)
    vague = mother_client.post(
        "/history/symptoms/add/?kind=crying", {"infant": infant.pk, "occurred_at": "2026-11-16T09:00"}
    )
    assert "Give the minutes, or the time the crying stopped." in text(vague)
    assert SymptomEntry.objects.count() == 1


def test_editing_a_symptom_saves_and_lists_the_new_values(mother_client, infant):
    entry = SymptomEntryFactory(infant=infant, occurred_at=utc(15, 9))
    response = mother_client.post(
        f"/history/symptoms/{entry.pk}/edit/",
        {"occurred_at": "2026-11-15T10:15", "size": "large", "is_vomiting": "on", "notes": "After feed"},
        follow=True,
    )
    entry.refresh_from_db()
    assert (entry.occurred_at, entry.size, entry.is_vomiting) == (utc(15, 9, 15), "large", True)
    assert rows(response)[0].startswith("Sun 15 Nov · 10:15 · Spit-up Luca · large · vomiting After feed")


def test_a_symptom_for_another_mothers_baby_is_refused(mother_client, infant, stranger_infant):
    response = mother_client.post(
        "/history/symptoms/add/?kind=regurgitation",
        {"infant": stranger_infant.pk, "occurred_at": "2026-11-16T09:00", "size": "small"},
    )
    assert "Choose one of your own babies." in text(response)
    assert not SymptomEntry.objects.exists()


def test_editing_a_daily_check(mother_client, infant):
    check = DailyCheckFactory(infant=infant, day=date(2026, 11, 15))
    response = mother_client.post(
        f"/history/checks/{check.pk}/edit/",
        {"no_symptoms": "", "other_than_breast_milk": "true", "notes": "Some formula at night"},
        follow=True,
    )
    check.refresh_from_db()
    assert (check.no_symptoms, check.other_than_breast_milk, check.notes) == (
        False,
        True,
        "Some formula at night",
    )
    assert (check.infant, check.day) == (infant, date(2026, 11, 15))
    assert "Saved Luca’s daily check for 15 Nov." in text(response)
    assert "No symptoms: no · Other than breast milk: yes Some formula at night" in rows(response)[0]


# Deleting


@pytest.fixture
def one_of_each(infant, regimen):
    """A record of each type, with the question its delete page asks."""
    return {
        "feeds": (
            FeedingSessionFactory(infant=infant, started_at=utc(3, 13, 5)),
            "Delete the feed at 14:05 on 3 Nov? This can't be undone.",
        ),
        "doses": (
            DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 3), slot_time=time(20, 0)),
            "Delete the 20:00 dose of 3 Nov? This can't be undone.",
        ),
        "symptoms": (
            SymptomEntryFactory(infant=infant, occurred_at=utc(3, 13, 5)),
            "Delete the spit-up at 14:05 on 3 Nov? This can't be undone.",
        ),
        "checks": (
            DailyCheckFactory(infant=infant, day=date(2026, 11, 3)),
            "Delete Luca’s daily check for 3 Nov? This can't be undone.",
        ),
    }


@pytest.mark.parametrize("kind", ["feeds", "doses", "symptoms", "checks"])
def test_delete_asks_first_and_only_a_post_deletes(mother_client, one_of_each, kind):
    row, question = one_of_each[kind]
    model = type(row)
    url = f"/history/{kind}/{row.pk}/delete/"

    asked = mother_client.get(url)
    assert question in text(asked)
    assert model.objects.filter(pk=row.pk).exists()

    done = mother_client.post(url)
    assert done.status_code == 302 and done["Location"] == f"/history/{kind}/"
    assert not model.objects.filter(pk=row.pk).exists()
    listed = mother_client.get(done["Location"])
    assert "Deleted " + question.removeprefix("Delete ").removesuffix(
        "? This can't be undone."
    ) + "." in text(listed)


@pytest.mark.parametrize(
    ("kind", "delete"),
    [
        ("feeds", lambda row: feeding.feed_delete(feed=row)),
        ("doses", lambda row: doses.dose_delete(log=row)),
        ("symptoms", lambda row: symptoms.symptom_delete(entry=row)),
        ("checks", lambda row: symptoms.daily_check_delete(check=row)),
    ],
)
def test_a_delete_service_removes_that_record_only_and_forgets_the_cached_days(
    mother, one_of_each, kind, delete
):
    row = one_of_each[kind][0]
    model = type(row)
    kept = model.objects.exclude(pk=row.pk).count()
    stamp = type(mother).objects.get(pk=mother.pk).records_stamp
    delete(row)
    assert not model.objects.filter(pk=row.pk).exists()
    assert model.objects.count() == kept
    assert type(mother).objects.get(pk=mother.pk).records_stamp != stamp  # 3 Nov is a closed day


# Who may see what. tests/test_access.py already GETs every URL as the owner (200), an
# outsider (404) and a logged-out visitor (to log in); these check what it does not: a POST,
# the exact way back after logging in, that nothing changed, and her rows in the lists.


@pytest.fixture
def urls(one_of_each) -> dict[str, str]:
    """Every URL of the history pages, with the owner's rows in them."""
    feed, dose, symptom, check = (one_of_each[key][0] for key in ["feeds", "doses", "symptoms", "checks"])
    return {
        "history_doses": "/history/doses/",
        "history_feeds": "/history/feeds/",
        "history_symptoms": "/history/symptoms/",
        "history_checks": "/history/checks/",
        "feed_add": "/history/feeds/add/",
        "dose_add": "/history/doses/add/",
        "symptom_add": "/history/symptoms/add/?kind=stool",
        "dose_edit": f"/history/doses/{dose.pk}/edit/",
        "dose_delete": f"/history/doses/{dose.pk}/delete/",
        "feed_edit": f"/history/feeds/{feed.pk}/edit/",
        "feed_delete": f"/history/feeds/{feed.pk}/delete/",
        "symptom_edit": f"/history/symptoms/{symptom.pk}/edit/",
        "symptom_delete": f"/history/symptoms/{symptom.pk}/delete/",
        "check_edit": f"/history/checks/{check.pk}/edit/",
        "check_delete": f"/history/checks/{check.pk}/delete/",
    }


OWN_ROW_URLS = [
    "dose_edit",
    "dose_delete",
    "feed_edit",
    "feed_delete",
    "symptom_edit",
    "symptom_delete",
    "check_edit",
    "check_delete",
]
ALL_URLS = [
    "history_doses",
    "history_feeds",
    "history_symptoms",
    "history_checks",
    "feed_add",
    "dose_add",
    "symptom_add",
    *OWN_ROW_URLS,
]


@pytest.mark.parametrize("name", ALL_URLS)
def test_a_logged_out_visitor_is_sent_to_log_in(client, urls, name):
    for method in (client.get, client.post):
        response = method(urls[name])
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(urls[name], safe='/')}"
    assert FeedingSession.objects.count() == DoseLog.objects.count() == 1


@pytest.mark.parametrize("name", OWN_ROW_URLS)
def test_an_outsider_gets_404_for_her_rows(outsider_client, urls, name):
    assert outsider_client.get(urls[name]).status_code == 404
    assert outsider_client.post(urls[name], {"status": "skipped", "notes": "x"}).status_code == 404
    assert FeedingSession.objects.count() == DoseLog.objects.count() == SymptomEntry.objects.count() == 1
    assert DailyCheck.objects.get().notes == ""


@pytest.mark.parametrize("name", ["history_doses", "history_feeds", "history_symptoms", "history_checks"])
def test_an_outsider_sees_none_of_her_rows_in_the_lists(outsider_client, urls, name):
    response = outsider_client.get(urls[name])
    assert rows(response) == []
    assert "Luca" not in response.content.decode()


def test_an_outsider_cannot_add_to_her_baby(outsider_client, infant, stranger_infant):
    feed = outsider_client.post("/history/feeds/add/", feed_data(infant=infant.pk))
    symptom = outsider_client.post(
        "/history/symptoms/add/?kind=stool",
        {"infant": infant.pk, "occurred_at": "2026-11-16T09:00", "stool_consistency": "4"},
    )
    assert "Choose one of your own babies." in text(feed)
    assert "Choose one of your own babies." in text(symptom)
    assert not FeedingSession.objects.exists() and not SymptomEntry.objects.exists()


def test_without_a_baby_adding_sends_her_to_add_one(mother_client):
    response = mother_client.get("/history/feeds/add/")
    assert response["Location"] == "/setup/baby/add/"
    assert mother_client.get("/history/symptoms/add/")["Location"] == "/setup/baby/add/"


# Dates far outside any real record


def in_zone(mother, zone: str):
    mother.time_zone = zone
    mother.save(update_fields=["time_zone"])


def test_the_date_fields_take_years_2000_to_2100_only():
    day = LocalDateField()
    assert day.clean("2000-01-01") == date(2000, 1, 1)
    assert day.clean("2100-12-31") == date(2100, 12, 31)
    for typo in ("1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31"):
        with pytest.raises(ValidationError) as refused:
            day.clean(typo)
        assert refused.value.messages == [MSG_YEAR]

    moment = LocalDateTimeField()
    with timezone.override("Asia/Tokyo"):
        assert moment.clean("2026-11-16T09:00") == datetime(2026, 11, 16, 0, 0, tzinfo=UTC)
        for typo in ("0001-01-01T00:00", "9999-12-31T23:59"):
            with pytest.raises(ValidationError) as refused:
                moment.clean(typo)
            assert refused.value.messages == [MSG_YEAR]


@pytest.mark.parametrize("zone", ["Europe/Rome", "Asia/Tokyo", "America/New_York"])
@pytest.mark.parametrize("kind", ["feeds", "symptoms", "doses", "checks"])
@pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01"])
def test_a_filter_year_far_off_is_reported_not_a_crash(mother_client, mother, infant, zone, kind, query):
    in_zone(mother, zone)
    FeedingSessionFactory(infant=infant, started_at=utc(14, 8))
    SymptomEntryFactory(infant=infant, occurred_at=utc(14, 8))
    response = mother_client.get(f"/history/{kind}/?{query}")
    assert response.status_code == 200
    assert MSG_YEAR in text(response)
    if kind in ("feeds", "symptoms"):
        assert len(rows(response)) == 1  # the bad filter is not applied


def test_a_symptom_in_year_1_is_refused_for_a_mother_in_tokyo(mother_client, mother, infant):
    in_zone(mother, "Asia/Tokyo")
    response = mother_client.post(
        "/history/symptoms/add/?kind=regurgitation",
        {"infant": infant.pk, "occurred_at": "0001-01-01T00:00", "size": "small"},
    )
    assert response.status_code == 200
    assert MSG_YEAR in text(response)
    assert not SymptomEntry.objects.exists()


def test_feed_and_dose_forms_refuse_a_year_far_off(mother_client, mother, infant, regimen):
    in_zone(mother, "Asia/Tokyo")
    feed = mother_client.post(
        "/history/feeds/add/", feed_data(infant=infant.pk, started_at="0001-01-01T00:00")
    )
    assert MSG_YEAR in text(feed)
    assert not FeedingSession.objects.exists()
    log = DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 15))
    dose = mother_client.post(
        f"/history/doses/{log.pk}/edit/", {"status": "taken", "taken_at": "9999-12-31T23:59"}
    )
    assert MSG_YEAR in text(dose)
    added = mother_client.post(
        "/history/doses/add/",
        {"regimen": regimen.pk, "slot_date": "0001-01-01", "slot_time": "08:00", "status": "skipped"},
    )
    assert MSG_YEAR in text(added)
    assert DoseLog.objects.count() == 1


# Feed minutes and wording


def form_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def test_more_breast_minutes_than_the_feed_lasted_is_refused(mother_client, infant):
    response = mother_client.post(
        "/history/feeds/add/",
        feed_data(infant=infant.pk, ended_at="2026-11-16T08:10", minutes_left="200", minutes_right="0"),
    )
    assert response.status_code == 200
    assert "The minutes on each breast add up to 200 min, more than the feed's 10 min." in text(response)
    assert not FeedingSession.objects.exists()


def test_a_bottle_feed_with_breast_minutes_is_refused(mother_client, infant):
    response = mother_client.post(
        "/history/feeds/add/", feed_data(infant=infant.pk, method="formula", bottle_ml="90")
    )
    assert "A bottle feed has no time on the breast" in text(response)
    assert not FeedingSession.objects.exists()
    mother_client.post(
        "/history/feeds/add/",
        feed_data(
            infant=infant.pk,
            method="formula",
            bottle_ml="90",
            start_side="",
            minutes_left="0",
            minutes_right="0",
            switches="0",
        ),
    )
    assert FeedingSession.objects.get().bottle_ml == 90


def test_the_feed_form_says_bottle_only_for_no_breast(mother_client, infant):
    page = mother_client.get("/history/feeds/add/").content.decode()
    assert '<option value="" selected>No breast (bottle only)</option>' in page
    assert "---------" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"method": "mixed", "bottle_ml": "-5"},
            "bottle_ml",
            "A bottle amount must be between 1 and 400 ml.",
        ),
        ({"minutes_left": "-1"}, "minutes_left", "Minutes on one breast must be between 0 and 240."),
        ({"minutes_right": "300"}, "minutes_right", "Minutes on one breast must be between 0 and 240."),
        ({"switches": "-1"}, "switches", "Give the number of side switches: 0 or more."),
    ],
    ids=["bottle-negative", "minutes-negative", "minutes-too-many", "switches-negative"],
)
def test_feed_numbers_out_of_range_get_plain_messages(mother_client, infant, overrides, field, message):
    response = mother_client.post("/history/feeds/add/", feed_data(infant=infant.pk, **overrides))
    assert form_errors(response)[field] == [message]
    assert "Ensure this value" not in text(response)
    assert not FeedingSession.objects.exists()


def test_symptom_minutes_out_of_range_get_plain_messages(mother_client, infant):
    crying = mother_client.post(
        "/history/symptoms/add/?kind=crying",
        {"infant": infant.pk, "occurred_at": "2026-11-16T08:00", "duration_minutes": "2000"},
    )
    assert form_errors(crying)["duration_minutes"] == [
        "Crying minutes must be between 0 and 1440 (24 hours)."
    ]
    stool = mother_client.post(
        "/history/symptoms/add/?kind=stool",
        {
            "infant": infant.pk,
            "occurred_at": "2026-11-16T08:00",
            "stool_consistency": "4",
            "straining_minutes": "-3",
        },
    )
    assert form_errors(stool)["straining_minutes"] == ["Straining minutes must be between 0 and 120."]
    assert "Ensure this value" not in text(crying) + text(stool)
    assert not SymptomEntry.objects.exists()


# A feed left running


@pytest.fixture
def running_feed(infant):
    """Started at 05:00 her time on the left, on the right since 05:10, never stopped."""
    return FeedingSessionFactory(
        infant=infant,
        started_at=utc(16, 4),
        ended_at=None,
        start_side="left",
        left_seconds=600,
        right_seconds=0,
        switches=1,
        current_side="right",
        side_started_at=utc(16, 4, 10),
    )


def test_the_running_feed_form_asks_for_the_real_end(mother_client, running_feed):
    page = text(mother_client.get(f"/history/feeds/{running_feed.pk}/edit/"))
    assert "You were on the right breast since 05:10." in page
    assert "When did the feed really end?" in page
    assert "Leave empty while the feed is still going" not in page


def test_ending_a_running_feed_keeps_the_time_on_the_breast_she_was_on(mother_client, running_feed):
    response = mother_client.post(
        f"/history/feeds/{running_feed.pk}/edit/",
        feed_data(
            started_at="2026-11-16T05:00", ended_at="2026-11-16T05:40", minutes_left="10", minutes_right="0"
        ),
    )
    assert response.status_code == 302
    running_feed.refresh_from_db()
    assert (running_feed.left_seconds, running_feed.right_seconds) == (600, 30 * 60)
    assert (running_feed.ended_at, running_feed.current_side, running_feed.side_started_at) == (
        utc(16, 4, 40),
        "",
        None,
    )


def test_minutes_she_types_for_the_running_side_win(mother_client, running_feed):
    mother_client.post(
        f"/history/feeds/{running_feed.pk}/edit/",
        feed_data(
            started_at="2026-11-16T05:00", ended_at="2026-11-16T05:40", minutes_left="10", minutes_right="12"
        ),
    )
    running_feed.refresh_from_db()
    assert (running_feed.left_seconds, running_feed.right_seconds) == (600, 12 * 60)


def test_an_end_before_the_side_started_adds_nothing(mother_client, running_feed):
    mother_client.post(
        f"/history/feeds/{running_feed.pk}/edit/",
        feed_data(
            started_at="2026-11-16T05:00", ended_at="2026-11-16T05:08", minutes_left="8", minutes_right="0"
        ),
    )
    running_feed.refresh_from_db()
    assert (running_feed.left_seconds, running_feed.right_seconds) == (480, 0)
    assert running_feed.ended_at == utc(16, 4, 8)


# Tap targets and coming back to the same list


def test_edit_and_delete_are_thumb_sized_buttons(mother_client, infant, regimen):
    FeedingSessionFactory(infant=infant, started_at=utc(14, 8))
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 14))
    SymptomEntryFactory(infant=infant, occurred_at=utc(14, 8))
    DailyCheckFactory(infant=infant, day=date(2026, 11, 14))
    for kind in ("feeds", "doses", "symptoms", "checks"):
        content = mother_client.get(f"/history/{kind}/").content.decode()
        links = re.findall(r'<a class="([^"]*)" href="/history/[a-z]+/\d+/(edit|delete)/', content)
        assert sorted(action for _, action in links) == ["delete", "edit"]
        assert all({"btn", "btn-tap"} <= set(classes.split()) for classes, _ in links)


def test_list_links_carry_the_filtered_page_as_next(mother_client, infant):
    for n in range(26):
        FeedingSessionFactory(infant=infant, started_at=utc(10, 1) + timedelta(hours=3 * n))
    here = f"/history/feeds/?infant={infant.pk}&date_from=2026-11-01&page=2"
    content = mother_client.get(here).content.decode()
    feed = FeedingSession.objects.order_by("started_at").first()
    encoded = quote(here, safe="/")
    assert f'href="/history/feeds/{feed.pk}/edit/?next={encoded}"' in content
    assert f'href="/history/feeds/{feed.pk}/delete/?next={encoded}"' in content


@pytest.mark.parametrize("kind", ["feeds", "doses", "symptoms", "checks"])
def test_deleting_from_a_filtered_list_goes_back_to_it(mother_client, one_of_each, kind):
    row, _ = one_of_each[kind]
    here = f"/history/{kind}/?date_from=2026-11-01&date_to=2026-11-05"
    asked = mother_client.get(f"/history/{kind}/{row.pk}/delete/", {"next": here})
    assert f'href="{html.escape(here)}">No, keep it' in asked.content.decode()
    done = mother_client.post(f"/history/{kind}/{row.pk}/delete/?next={quote(here)}")
    assert done["Location"] == here
    assert not type(row).objects.filter(pk=row.pk).exists()


def test_saving_an_edit_goes_back_to_the_list_it_came_from(mother_client, one_of_each):
    entry, _ = one_of_each["symptoms"]
    here = "/history/symptoms/?kind=regurgitation&page=1"
    form = mother_client.get(f"/history/symptoms/{entry.pk}/edit/", {"next": here}).content.decode()
    assert f'href="{html.escape(here)}">Cancel' in form
    assert f'href="/history/symptoms/{entry.pk}/delete/?next={quote(here, safe="")}"' in form
    saved = mother_client.post(
        f"/history/symptoms/{entry.pk}/edit/?next={quote(here)}",
        {"occurred_at": "2026-11-03T14:05", "size": "medium"},
    )
    assert saved["Location"] == here


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "history/"],
)
def test_a_next_to_another_site_is_ignored(mother_client, one_of_each, unsafe):
    row, _ = one_of_each["feeds"]
    asked = mother_client.get(f"/history/feeds/{row.pk}/delete/", {"next": unsafe})
    assert "evil" not in asked.content.decode() and "javascript" not in asked.content.decode()
    done = mother_client.post(f"/history/feeds/{row.pk}/delete/?next={quote(unsafe, safe='')}")
    assert done["Location"] == "/history/feeds/"


def test_ending_a_running_feed_sent_from_today_goes_back_to_today(mother_client, running_feed):
    data = feed_data(
        started_at="2026-11-16T05:00", ended_at="2026-11-16T05:40", minutes_left="10", minutes_right="0"
    )
    response = mother_client.post(f"/history/feeds/{running_feed.pk}/edit/", data)
    assert response["Location"] == "/"


def test_an_explicit_next_to_today_wins_for_any_feed(mother_client, infant):
    feed = FeedingSessionFactory(infant=infant, started_at=utc(15, 6))
    response = mother_client.post(
        f"/history/feeds/{feed.pk}/edit/?next=/",
        feed_data(
            started_at="2026-11-15T07:00", ended_at="2026-11-15T07:20", minutes_left="10", minutes_right="10"
        ),
    )
    assert response["Location"] == "/"


# Logging a missed dose


def dose_data(regimen, **overrides) -> dict:
    data = {
        "regimen": regimen.pk,
        "slot_date": "2026-11-15",
        "slot_time": "20:00",
        "status": "taken",
        "taken_at": "2026-11-15T21:30",
        "skip_reason": "",
    }
    return data | overrides


def test_the_doses_list_links_to_log_a_missed_dose(mother_client, regimen):
    empty = mother_client.get("/history/doses/").content.decode()
    assert empty.count('href="/history/doses/add/"') == 2  # the button and the empty state
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 14))
    assert (
        'href="/history/doses/add/">Log a missed dose'
        in mother_client.get("/history/doses/").content.decode()
    )


def test_log_a_missed_dose_offers_her_regimen_and_its_times(mother_client, regimen, outsider):
    RegimenFactory(mother=outsider, dose_times=["07:15"])
    page = mother_client.get("/history/doses/add/")
    content = page.content.decode()
    assert (
        f'<option value="{regimen.pk}" selected>Multi-strain probiotic, from 01 Oct 2026</option>' in content
    )
    assert 'value="08:00"' in content and 'value="20:00"' in content
    assert "07:15" not in content
    assert 'value="2026-11-16"' in content  # today, her day


def test_a_missed_dose_is_logged_in_her_time(mother_client, regimen):
    response = mother_client.post("/history/doses/add/", dose_data(regimen), follow=True)
    log = DoseLog.objects.get()
    assert (log.regimen, log.slot_date, log.slot_time, log.status) == (
        regimen,
        date(2026, 11, 15),
        time(20),
        "taken",
    )
    assert (log.taken_at, log.source, log.skip_reason) == (utc(15, 20, 30), "web", "")
    assert "Saved the 20:00 dose of 15 Nov." in text(response)
    assert rows(response)[0].startswith("Sun 15 Nov · 20:00 dose Taken at 21:30")


def test_a_skipped_dose_keeps_its_reason_and_no_time(mother_client, regimen):
    mother_client.post(
        "/history/doses/add/",
        dose_data(regimen, status="skipped", skip_reason="Felt sick", slot_time="08:00"),
    )
    log = DoseLog.objects.get()
    assert (log.slot_time, log.status, log.taken_at, log.skip_reason) == (
        time(8),
        "skipped",
        None,
        "Felt sick",
    )


def test_a_taken_dose_needs_its_time(mother_client, regimen):
    response = mother_client.post("/history/doses/add/", dose_data(regimen, taken_at=""))
    assert form_errors(response)["taken_at"] == ["Say when you took it."]
    assert not DoseLog.objects.exists()


def test_a_dose_already_logged_is_not_logged_twice(mother_client, regimen):
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 15), slot_time=time(20), status="skipped")
    response = mother_client.post("/history/doses/add/", dose_data(regimen))
    assert response.status_code == 200
    assert "That dose is already logged." in text(response)
    assert "Saved" not in text(response)
    assert DoseLog.objects.get().status == "skipped"


def test_the_models_dose_messages_show_on_the_form(mother_client, mother, regimen):
    evening = RegimenFactory(mother=mother, dose_times=["09:00"], start_date=date(2026, 11, 1))
    outside = mother_client.post("/history/doses/add/", dose_data(regimen, slot_date="2026-09-20"))
    assert form_errors(outside)["slot_date"] == [
        "That day is outside your regimen (01 Oct 2026 to no end date)."
    ]
    not_a_time = mother_client.post("/history/doses/add/", dose_data(evening, slot_time="20:00"))
    assert form_errors(not_a_time)["slot_time"] == ["20:00 is not one of your dose times (09:00)."]
    future = mother_client.post("/history/doses/add/", dose_data(regimen, taken_at="2026-11-16T11:00"))
    assert form_errors(future)["taken_at"] == [
        "That time is in the future. You can log things up to 5 minutes ahead, not more."
    ]
    assert not DoseLog.objects.exists()


def test_she_cannot_log_a_dose_on_another_mothers_regimen(mother_client, regimen, outsider):
    theirs = RegimenFactory(mother=outsider)
    response = mother_client.post("/history/doses/add/", dose_data(theirs))
    assert form_errors(response)["regimen"] == ["Choose one of your own regimens."]
    assert not DoseLog.objects.exists()


def test_without_a_regimen_logging_a_dose_sends_her_to_set_one_up(mother_client):
    assert mother_client.get("/history/doses/add/")["Location"] == "/setup/regimen/add/"


def test_a_model_message_about_a_sides_seconds_shows_on_its_minutes_field(mother_client, infant, monkeypatch):
    def refuse(feed):
        raise ValidationError({"left_seconds": "Too long on the left."})

    monkeypatch.setattr(FeedingSession, "clean", refuse)
    response = mother_client.post("/history/feeds/add/", feed_data(infant=infant.pk))
    assert form_errors(response)["minutes_left"] == ["Too long on the left."]
    assert not FeedingSession.objects.exists()


def form_values(page: str) -> dict[str, str]:
    """What the browser would post back from an edit page left as it is."""
    values = dict(
        re.findall(r'<input type="(?:text|number|datetime-local)" name="(\w+)" value="([^"]*)"', page)
    )
    values |= dict(re.findall(r'<input type="radio" name="(\w+)" value="([^"]*)"[^>]*checked', page))
    for name, options in re.findall(r'<select name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
        values[name] = chosen.group(1) if chosen else ""
    values |= dict(re.findall(r'<textarea name="(\w+)"[^>]*>\s*(.*?)</textarea>', page, re.S))
    return values


def timed_on_today(client, infant, kind: str, start_second: int, stop_second: int):
    """A feed or a crying spell started and stopped with Today's buttons, within one minute."""
    started, model = ("feed", FeedingSession) if kind == "feed" else ("crying", SymptomEntry)
    with time_machine.travel(NOW + timedelta(seconds=start_second), tick=False):
        client.post(f"/today/{started}/start/", {"infant": infant.pk, "side": "left"})
    record = model.objects.get()
    with time_machine.travel(NOW + timedelta(seconds=stop_second), tick=False):
        client.post(f"/today/{started}/{record.pk}/stop/")
    return record


def test_a_feed_stopped_within_a_minute_can_be_saved_unchanged_with_a_note(mother_client, infant):
    feed = timed_on_today(mother_client, infant, "feed", 10, 50)
    values = form_values(mother_client.get(f"/history/feeds/{feed.pk}/edit/").content.decode())
    assert (values["started_at"], values["ended_at"]) == ("2026-11-16T10:00", "2026-11-16T10:00")

    response = mother_client.post(f"/history/feeds/{feed.pk}/edit/", values | {"notes": "Fell asleep"})
    assert response.status_code == 302, text(response)
    feed.refresh_from_db()
    assert (feed.started_at, feed.ended_at) == (NOW + timedelta(seconds=10), NOW + timedelta(seconds=50))
    assert (feed.notes, feed.left_seconds) == ("Fell asleep", 40)


def test_a_crying_spell_stopped_within_a_minute_can_be_saved_unchanged_with_a_note(mother_client, infant):
    entry = timed_on_today(mother_client, infant, "crying", 5, 45)
    values = form_values(mother_client.get(f"/history/symptoms/{entry.pk}/edit/").content.decode())
    assert (values["occurred_at"], values["ended_at"]) == ("2026-11-16T10:00", "2026-11-16T10:00")

    response = mother_client.post(f"/history/symptoms/{entry.pk}/edit/", values | {"notes": "Wind"})
    assert response.status_code == 302, text(response)
    entry.refresh_from_db()
    assert (entry.occurred_at, entry.ended_at) == (NOW + timedelta(seconds=5), NOW + timedelta(seconds=45))
    assert (entry.notes, entry.duration_minutes) == ("Wind", 1)


def test_a_time_she_changes_is_saved_to_the_minute_she_typed(mother_client, infant):
    feed = timed_on_today(mother_client, infant, "feed", 10, 50)
    values = form_values(mother_client.get(f"/history/feeds/{feed.pk}/edit/").content.decode())
    response = mother_client.post(
        f"/history/feeds/{feed.pk}/edit/", values | {"started_at": "2026-11-16T09:40"}
    )
    assert response.status_code == 302, text(response)
    feed.refresh_from_db()
    assert (feed.started_at, feed.ended_at) == (NOW - timedelta(minutes=20), NOW + timedelta(seconds=50))
