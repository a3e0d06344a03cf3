"""Lists: newest first, cursor pages, filters by baby and time; babies and the due date."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import FeedingSessionFactory, InfantFactory, RegimenFactory, SymptomEntryFactory
from tests.history_helpers import NOW  # 10:00 in Rome on Monday 16 November 2026
from tracker.models import Infant, Pregnancy, Regimen

pytestmark = pytest.mark.usefixtures("history_clock")


def test_feeds_come_newest_first_in_cursor_pages_without_repeats(api, infant):
    for n in range(60):
        FeedingSessionFactory(infant=infant, started_at=NOW - timedelta(hours=3 * (n + 1)))
    first = api.get("/api/v1/feeds/").json()
    assert len(first["results"]) == 50 and first["previous"] is None
    starts = [feed["started_at"] for feed in first["results"]]
    assert starts == sorted(starts, reverse=True)
    assert starts[0] == "2026-11-16T06:00:00Z"
    second = api.client.get(first["next"], HTTP_AUTHORIZATION=f"Bearer {api.token}").json()
    assert len(second["results"]) == 10 and second["next"] is None
    assert not {f["id"] for f in first["results"]} & {f["id"] for f in second["results"]}


def test_filters_by_baby_and_time_with_an_offset(api, mother, infant, twin):
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 15, 6, 0, tzinfo=UTC))
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 15, 23, 30, tzinfo=UTC))
    FeedingSessionFactory(infant=twin, started_at=datetime(2026, 11, 15, 8, 0, tzinfo=UTC))
    her_day = {"since": "2026-11-15T00:00:00+01:00", "until": "2026-11-16T00:00:00+01:00"}
    listed = api.get("/api/v1/feeds/", infant=infant.pk, **her_day).json()["results"]
    assert [feed["started_at"] for feed in listed] == [
        "2026-11-15T06:00:00Z"
    ]  # 23:30 UTC is the 16th in Rome
    assert len(api.get("/api/v1/feeds/", **her_day).json()["results"]) == 2
    SymptomEntryFactory(infant=infant, kind="stool", size="", stool_consistency=4)
    SymptomEntryFactory(infant=infant)
    kinds = [entry["kind"] for entry in api.get("/api/v1/symptoms/", kind="stool").json()["results"]]
    assert kinds == ["stool"]
    empty = api.get("/api/v1/feeds/", until="")
    assert empty.json()["errors"] == {"until": ["Give a value, or leave the parameter out."]}


def test_filtering_by_another_mothers_baby_finds_nothing_and_says_nothing(api, infant, stranger_infant):
    FeedingSessionFactory(infant=stranger_infant)
    assert api.get("/api/v1/feeds/", infant=stranger_infant.pk).json()["results"] == []
    assert api.get("/api/v1/feeds/", infant=10**9).json()["results"] == []


def test_a_baby_added_through_the_api_dates_the_trial_regimen(api, mother):
    pregnancy = api.post("/api/v1/pregnancies/", {"due_date": "2026-11-20"})
    assert pregnancy.status_code == 201
    regimen = RegimenFactory(
        mother=mother, preset="trial", pregnancy=Pregnancy.objects.get(), start_date=date(2026, 10, 23)
    )
    born = api.post(
        "/api/v1/infants/",
        {
            "name": "Luca",
            "birth_at": "2026-11-10T04:30:00+01:00",
            "gestational_weeks": 39,
            "gestational_days": 1,
            "delivery_mode": "caesarean",
        },
    )
    assert born.status_code == 201, born.json()
    assert born.json()["pregnancy"] == pregnancy.json()["id"]
    regimen.refresh_from_db()
    assert regimen.end_date == date(2026, 12, 8)  # 28 days after the birth, not the due date
    typo = api.patch(f"/api/v1/infants/{born.json()['id']}/", {"birth_at": "2016-11-10T04:30:00+01:00"})
    assert list(typo.json()["errors"]) == ["birth_at"]
    moved = api.post("/api/v1/pregnancies/", {"due_date": "2026-11-22"})
    assert moved.json()["id"] == pregnancy.json()["id"]  # her current pregnancy, not a second one
    assert Pregnancy.objects.count() == 1


def test_deleting_a_baby_deletes_its_records(api, mother, infant):
    FeedingSessionFactory(infant=infant)
    other = InfantFactory(mother=mother, pregnancy=infant.pregnancy, name="Sara")
    assert api.delete(f"/api/v1/infants/{infant.pk}/").status_code == 204
    assert list(Infant.objects.values_list("name", flat=True)) == [other.name]
    assert api.get("/api/v1/feeds/").json()["results"] == []
    assert Regimen.objects.count() == 0
