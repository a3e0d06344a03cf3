"""History: the four lists (feeds, doses, symptoms, daily checks), their filters, pages and links."""

import re
from datetime import UTC, date, datetime, time, timedelta
from importlib import import_module
from urllib.parse import quote

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tests.history_helpers import in_zone, rows, text, utc
from tracker.forms.fields import MSG_YEAR, LocalDateField, LocalDateTimeField
from tracker.models import DoseLog, FeedingSession

pytestmark = pytest.mark.usefixtures("history_clock")


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


# Her local day, the baby and the dates


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


# Dates far outside any real record


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


# Queries


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


# The buttons on each row


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
