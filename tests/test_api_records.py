"""The API's resources behave as the pages do: symptoms and the crying timer, daily checks,
regimens with today's slots, reminder settings, and the summary with the dashboard's numbers."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DoseLogFactory, FeedingSessionFactory, RegimenFactory, SymptomEntryFactory
from tests.history_helpers import NOW  # 10:00 in Rome on Monday 16 November 2026
from tracker.models import DailyCheck, FeedingSession, Regimen, ReminderSettings, SymptomEntry
from tracker.selectors.dashboard import dashboard_for

pytestmark = pytest.mark.usefixtures("history_clock")


def test_a_spit_up_tapped_twice_counts_once_and_a_typed_one_keeps_its_time(api, infant):
    tap = {"infant": infant.pk, "kind": "regurgitation", "size": "small"}
    assert api.post("/api/v1/symptoms/", tap).status_code == 201
    repeat = api.post("/api/v1/symptoms/", tap)
    assert (repeat.status_code, repeat.json()["occurred_at"]) == (200, "2026-11-16T09:00:00Z")
    typed = api.post("/api/v1/symptoms/", {**tap, "occurred_at": "2026-11-15T22:30:00+01:00"})
    assert typed.json()["occurred_at"] == "2026-11-15T21:30:00Z"
    assert SymptomEntry.objects.count() == 2


def test_each_kind_needs_its_details_as_the_form_does(api, infant):
    missing = {
        "regurgitation": "size",
        "abdominal_pain": "severity",
        "stool": "stool_consistency",
    }
    for kind, field in missing.items():
        response = api.post("/api/v1/symptoms/", {"infant": infant.pk, "kind": kind})
        assert (response.status_code, list(response.json()["errors"])) == (400, [field])
    stool = api.post("/api/v1/symptoms/", {"infant": infant.pk, "kind": "stool", "stool_consistency": 4})
    assert stool.json()["stool_consistency"] == 4
    assert SymptomEntry.objects.count() == 1


def test_the_crying_timer_starts_and_stops_with_its_minutes(api, infant):
    started = api.post("/api/v1/symptoms/crying/start/", {"infant": infant.pk})
    assert (started.status_code, started.json()["is_running"]) == (201, True)
    twice = api.post("/api/v1/symptoms/crying/start/", {"infant": infant.pk})
    assert twice.json()["errors"] == {"non_field_errors": ["Crying is already being timed for Luca."]}
    with time_machine.travel(NOW + timedelta(minutes=42), tick=False):
        stopped = api.post(f"/api/v1/symptoms/{started.json()['id']}/stop/")
    assert (stopped.json()["duration_minutes"], stopped.json()["is_running"]) == (42, False)


def test_a_symptom_is_corrected_and_deleted_through_the_services(api, infant):
    entry = SymptomEntryFactory(infant=infant, occurred_at=NOW - timedelta(hours=2))
    changed = api.patch(f"/api/v1/symptoms/{entry.pk}/", {"size": "large", "is_vomiting": True})
    assert (changed.json()["size"], changed.json()["is_vomiting"]) == ("large", True)
    moved_kind = api.patch(f"/api/v1/symptoms/{entry.pk}/", {"kind": "stool"})
    assert list(moved_kind.json()["errors"]) == ["kind"]
    assert api.delete(f"/api/v1/symptoms/{entry.pk}/").status_code == 204
    assert not SymptomEntry.objects.exists()


def test_the_daily_check_is_one_per_day_and_refuses_no_symptoms_on_a_day_with_some(api, infant):
    first = api.post("/api/v1/daily-checks/", {"infant": infant.pk, "no_symptoms": True})
    assert (first.status_code, first.json()["day"]) == (201, "2026-11-16")
    again = api.post(
        "/api/v1/daily-checks/", {"infant": infant.pk, "no_symptoms": True, "other_than_breast_milk": True}
    )
    assert again.json()["id"] == first.json()["id"]
    assert DailyCheck.objects.get().other_than_breast_milk is True
    SymptomEntryFactory(infant=infant, occurred_at=NOW - timedelta(hours=30))
    refused = api.post(
        "/api/v1/daily-checks/", {"infant": infant.pk, "no_symptoms": True, "day": "2026-11-15"}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"]["non_field_errors"][0].startswith(
        "You logged 1 symptom for Luca that day"
    )
    future = api.post("/api/v1/daily-checks/", {"infant": infant.pk, "day": "2026-11-17"})
    assert future.json()["errors"] == {"day": ["That day hasn't happened yet."]}


def test_a_regimen_is_made_with_its_product_and_shows_todays_slots(api, mother):
    body = {
        "product": {"name": "Drops", "cfu_per_dose": 1_000_000_000, "form": "drops"},
        "preset": "custom",
        "dose_times": ["20:00", "8:00"],
        "start_date": "2026-11-01",
    }
    made = api.post("/api/v1/regimens/", body)
    assert made.status_code == 201, made.json()
    assert (made.json()["dose_times"], made.json()["doses_per_day"]) == (["08:00", "20:00"], 2)
    regimen = Regimen.objects.get()
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 16))
    slots = api.get(f"/api/v1/regimens/{regimen.pk}/").json()["today_slots"]
    assert [(s["time"], s["status"]) for s in slots] == [("08:00", "taken"), ("20:00", None)]
    assert slots[0]["scheduled_at"] == "2026-11-16T07:00:00Z"
    trial = api.post("/api/v1/regimens/", {**body, "preset": "trial"})
    assert trial.json()["errors"] == {"preset": ["The trial preset needs your due date first."]}
    wrong = api.patch(f"/api/v1/regimens/{regimen.pk}/", {"dose_times": ["08:00", "08:00"]})
    assert wrong.json()["errors"] == {"dose_times": ["Each dose time can appear only once."]}


def test_reminder_settings_are_read_and_changed(api, mother):
    kept = RegimenFactory(mother=mother)
    dropped = RegimenFactory(mother=mother)
    assert api.get("/api/v1/reminder-settings/").json()["regimens"] == sorted([kept.pk, dropped.pk])
    changed = api.patch(
        "/api/v1/reminder-settings/", {"quiet_start": "22:00", "quiet_end": "07:00", "regimens": [kept.pk]}
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["quiet_start"], changed.json()["regimens"]) == ("22:00", [kept.pk])
    assert list(Regimen.objects.filter(reminders_enabled=True)) == [kept]
    half = api.patch("/api/v1/reminder-settings/", {"quiet_end": None})
    assert half.json()["errors"] == {"non_field_errors": ["Give both ends of your quiet hours, or neither."]}
    assert ReminderSettings.objects.get().quiet_end is not None


def test_the_summary_has_the_dashboards_numbers(api, mother, infant):
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 1))
    for day in range(1, 16):
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, day))
        FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, day, 9, 0, tzinfo=UTC))
        SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, day, 10, 0, tzinfo=UTC))
    body = api.get("/api/v1/summary/", range="30").json()
    board = dashboard_for(mother=mother, range_key="30")
    [summary] = body["regimens"]
    [page] = board.regimens
    adherence = page.adherence
    assert summary["adherence"]["pdc"] == adherence.pdc == 0.0
    assert (
        summary["adherence"]["dose_adherence"] == adherence.dose_adherence == 15 / 31
    )  # 10:00: 08:00 missed
    assert summary["adherence"]["days_elapsed"] == adherence.days_elapsed == 15
    assert body["feeding"]["feeds_per_day"] == board.feeding.feeds_per_day == 1.0
    assert body["feeding"]["minutes_per_day"] == board.feeding.minutes_per_day == 20.0
    week = board.symptoms.last_week
    assert body["symptoms"]["last_week"]["regurgitations"] == week.regurgitations == 1.0
    assert body["symptoms"]["last_week"]["logging_days"] == week.logging_days == 7
    assert [f["name"] for f in body["symptoms"]["flags"]] == [f.name for f in board.symptoms.flags]
    assert (body["range"], body["infant"], body["first_day"]) == ("30", infant.pk, "2026-10-18")


def feed_queries(api, infant, minute: int) -> int:
    body = {
        "infant": infant.pk,
        "started_at": f"2026-11-16T06:{minute:02d}:00Z",
        "ended_at": f"2026-11-16T06:{minute + 5:02d}:00Z",
    }
    with CaptureQueriesContext(connection) as queries:
        response = api.post("/api/v1/feeds/", body, key=f"feed-{minute}")
    assert response.status_code == 201, response.json()
    # The test's own transaction makes savepoints of the service's atomic blocks: not queries.
    return len([q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_logging_a_feed_costs_the_same_queries_whatever_her_history(api, infant):
    api.get("/api/v1/feeds/")  # the token's last use is written once a minute, not in what is measured
    short = feed_queries(api, infant, 0)
    FeedingSession.objects.bulk_create(
        FeedingSession(
            infant=infant,
            started_at=NOW - timedelta(days=1, hours=3 * n),
            ended_at=NOW - timedelta(days=1, hours=3 * n) + timedelta(minutes=20),
            start_side="left",
            left_seconds=600,
        )
        for n in range(120)
    )
    long = feed_queries(api, infant, 10)
    assert short == long
    assert long <= 10


def test_the_summary_refuses_an_unknown_range_or_a_baby_not_hers(api, infant, stranger_infant):
    assert list(api.get("/api/v1/summary/", range="AAA").json()["errors"]) == ["range"]
    assert api.get("/api/v1/summary/", infant=stranger_infant.pk).json()["errors"] == {
        "infant": ["Not one of her babies."]
    }
    assert api.get("/api/v1/summary/", infant=infant.pk).json()["infant"] == infant.pk
