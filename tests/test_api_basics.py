"""The API's foundation: tokens, times with an offset, the error shape, the feed timer and
"took my probiotic" as a script would send them."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tests.api_helpers import ApiClient, api_for
from tests.factories import FeedingSessionFactory, RegimenFactory
from tests.history_helpers import NOW  # 10:00 in Rome on Monday 16 November 2026
from tracker.models import ApiToken, DoseLog, FeedingSession

pytestmark = pytest.mark.usefixtures("history_clock")


def test_the_command_prints_a_token_that_works_and_only_its_digest_is_kept(mother, infant):
    out = StringIO()
    call_command("api_token", "ANNA@example.org", "--name", "Shortcut", stdout=out)
    token = out.getvalue().strip()
    row = ApiToken.objects.get(owner=mother)
    assert (row.name, token.startswith(row.prefix + "_")) == ("Shortcut", True)
    assert token not in row.digest
    response = ApiClient(token).get("/api/v1/infants/")
    assert response.status_code == 200
    assert [baby["name"] for baby in response.json()["results"]] == ["Luca"]


def test_no_token_or_a_revoked_one_is_a_401_in_the_error_shape(mother, infant):
    row, token = ApiToken.issue(owner=mother, name="old phone")
    assert ApiClient(None).get("/api/v1/infants/").status_code == 401
    row.revoked_at = timezone.now()
    row.save()
    response = ApiClient(token).get("/api/v1/infants/")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "This API token was revoked or has expired.",
        "code": "authentication_failed",
        "errors": {},
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert ApiClient(token[:-1] + "x").get("/api/v1/infants/").json()["detail"] == "Unknown API token."


def test_last_used_is_written_at_most_once_a_minute(mother, infant, django_assert_num_queries):
    row, token = ApiToken.issue(owner=mother, name="widget")
    client = ApiClient(token)
    client.get("/api/v1/infants/")
    row.refresh_from_db()
    assert row.last_used_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        client.get("/api/v1/infants/")
    row.refresh_from_db()
    assert row.last_used_at == NOW
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        client.get("/api/v1/infants/")
    row.refresh_from_db()
    assert row.last_used_at == NOW + timedelta(seconds=61)


def test_the_session_works_with_its_csrf_token(mother, infant):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(mother)
    assert browser.get("/api/v1/infants/").status_code == 200
    refused = browser.post(
        "/api/v1/feeds/start/", {"infant": infant.pk, "side": "left"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not FeedingSession.objects.exists()


def test_a_time_without_an_offset_is_refused(api, infant):
    response = api.post(
        "/api/v1/feeds/",
        {"infant": infant.pk, "started_at": "2026-11-15T08:00:00", "ended_at": "2026-11-15T08:20:00+01:00"},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["started_at"]
    assert "offset" in response.json()["errors"]["started_at"][0]
    assert not FeedingSession.objects.exists()
    listed = api.get("/api/v1/feeds/", since="2026-11-15T08:00:00")
    assert listed.status_code == 400
    assert list(listed.json()["errors"]) == ["since"]


def test_a_past_feed_is_stored_as_that_instant_and_read_back_in_utc(api, infant):
    response = api.post(
        "/api/v1/feeds/",
        {
            "infant": infant.pk,
            "started_at": "2026-11-15T08:00:00+01:00",
            "ended_at": "2026-11-15T08:25:00+01:00",
            "left_seconds": 600,
            "right_seconds": 720,
            "switches": 1,
            "start_side": "left",
        },
    )
    assert response.status_code == 201, response.json()
    feed = FeedingSession.objects.get()
    assert feed.started_at == datetime(2026, 11, 15, 7, 0, tzinfo=UTC)
    assert response.json()["started_at"] == "2026-11-15T07:00:00Z"
    assert response.json()["is_running"] is False


def test_what_the_model_refuses_comes_back_as_field_errors(api, infant):
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 15, 7, 10, tzinfo=UTC))
    overlapping = api.post(
        "/api/v1/feeds/",
        {"infant": infant.pk, "started_at": "2026-11-15T07:00:00Z", "ended_at": "2026-11-15T07:20:00Z"},
    )
    assert overlapping.status_code == 400
    assert overlapping.json()["errors"]["non_field_errors"][0].startswith(
        "This overlaps another feed for Luca"
    )
    bottle = api.post(
        "/api/v1/feeds/",
        {
            "infant": infant.pk,
            "started_at": "2026-11-14T07:00:00Z",
            "ended_at": "2026-11-14T07:20:00Z",
            "method": "breast",
            "bottle_ml": 90,
        },
    )
    assert bottle.json()["errors"] == {
        "bottle_ml": ["A breastfeed has no bottle amount: choose Mixed instead."]
    }
    future = api.post(
        "/api/v1/feeds/",
        {"infant": infant.pk, "started_at": "2026-11-17T07:00:00Z", "ended_at": "2026-11-17T07:20:00Z"},
    )
    assert (
        set(future.json()["errors"]) == {"started_at", "ended_at"} or "started_at" in future.json()["errors"]
    )
    assert FeedingSession.objects.count() == 1


def test_another_mothers_baby_reads_as_unknown(api, stranger_infant):
    response = api.post("/api/v1/feeds/start/", {"infant": stranger_infant.pk, "side": "left"})
    assert response.status_code == 400
    assert "infant" in response.json()["errors"]
    assert not FeedingSession.objects.exists()


def test_the_feed_timer_starts_switches_and_stops(api, infant):
    started = api.post("/api/v1/feeds/start/", {"infant": infant.pk, "side": "left"})
    assert started.status_code == 201
    feed_id = started.json()["id"]
    assert (started.json()["current_side"], started.json()["is_running"]) == ("left", True)
    again = api.post("/api/v1/feeds/start/", {"infant": infant.pk, "side": "right"})
    assert again.status_code == 400
    assert again.json()["errors"]["non_field_errors"] == [
        "A feed is already running for Luca. Stop it before starting another."
    ]
    with time_machine.travel(NOW + timedelta(minutes=8), tick=False):
        switched = api.post(f"/api/v1/feeds/{feed_id}/switch/")
    assert (switched.json()["current_side"], switched.json()["left_seconds"]) == ("right", 480)
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        stopped = api.post(f"/api/v1/feeds/{feed_id}/stop/")
    body = stopped.json()
    assert (body["ended_at"], body["left_seconds"], body["right_seconds"], body["switches"]) == (
        "2026-11-16T09:20:00Z",
        480,
        720,
        1,
    )


def test_took_my_probiotic_logs_the_slot_due_now_once(api, mother):
    regimen = RegimenFactory(mother=mother, dose_times=["10:00", "20:00"], start_date=date(2026, 11, 1))
    first = api.post("/api/v1/doses/take/", {})
    assert first.status_code == 201
    assert (first.json()["slot_time"], first.json()["source"], first.json()["regimen"]) == (
        "10:00",
        "api",
        regimen.pk,
    )
    second = api.post("/api/v1/doses/take/", {"regimen": regimen.pk})
    assert second.status_code == 409
    assert second.json()["code"] == "no_slot_due"
    assert DoseLog.objects.count() == 1


def test_log_this_slot_answers_a_slot_once(api, mother):
    regimen = RegimenFactory(mother=mother, dose_times=["08:00", "20:00"], start_date=date(2026, 11, 1))
    body = {"regimen": regimen.pk, "slot_time": "08:00", "status": "skipped", "skip_reason": "forgot"}
    first = api.post("/api/v1/doses/", body)
    assert (first.status_code, first.json()["status"], first.json()["slot_date"]) == (
        201,
        "skipped",
        "2026-11-16",
    )
    again = api.post("/api/v1/doses/", {**body, "status": "taken"})
    assert (again.status_code, again.json()["id"], again.json()["status"]) == (
        200,
        first.json()["id"],
        "skipped",
    )
    wrong = api.post("/api/v1/doses/", {**body, "slot_time": "09:00"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {"slot_time": ["09:00 is not one of your dose times (08:00, 20:00)."]}


def test_past_its_rate_a_token_gets_429_with_retry_after(mother, infant, monkeypatch):
    from tracker.api import throttles

    rates = {"user": "100/minute", "token": "2/minute"}  # the settings' rates, read when DRF loads
    monkeypatch.setattr(throttles.UserThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(throttles.TokenThrottle, "THROTTLE_RATES", rates)
    script, other = api_for(mother, "script"), api_for(mother, "widget")
    assert [script.get("/api/v1/infants/").status_code for _ in range(2)] == [200, 200]
    refused = script.get("/api/v1/infants/")
    assert (refused.status_code, refused.json()["code"]) == (429, "throttled")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert other.get("/api/v1/infants/").status_code == 200  # per token: her other token still works


def test_a_feed_typed_in_needs_its_end_and_odd_ids_or_urls_are_json_404s(api, infant):
    running = api.post(
        "/api/v1/feeds/", {"infant": infant.pk, "started_at": "2026-11-16T08:00:00Z", "ended_at": None}
    )
    assert running.json()["errors"] == {
        "ended_at": ["Give the end of a feed typed in, or start the timer instead."]
    }
    huge = api.post("/api/v1/feeds/start/", {"infant": 2**70, "side": "left"})
    assert list(huge.json()["errors"]) == ["infant"]
    for url in ("/api/v1/feeds/-1/", "/api/v1/nothing/", f"/api/v1/feeds/{2**70}/"):
        response = api.get(url)
        assert (response.status_code, response["Content-Type"], response.json()["code"]) == (
            404,
            "application/json",
            "not_found",
        ), url
    assert api.post("/api/v1/nothing/", {}, key="k").status_code == 404  # not a CSRF page
    assert not FeedingSession.objects.exists()
