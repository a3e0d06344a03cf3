"""The one-tap actions take ``at``, the time she tapped (an offline queue sends it later): the
feed timer, the crying timer and "took it" record that time, checked, not the time of sending."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tests.factories import DoseLogFactory, FeedingSessionFactory
from tests.history_helpers import NOW  # 10:00 in Rome on Monday 16 November 2026
from tracker.models import DoseLog, FeedingSession, IdempotencyKey, SymptomEntry

pytestmark = pytest.mark.usefixtures("history_clock")

AT_0312 = "2026-11-16T03:12:00+01:00"  # Rome, in November: UTC+1


def utc(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 16, hour, minute, second, tzinfo=UTC)


def start(api, infant, at=AT_0312, key=None):
    return api.post("/api/v1/feeds/start/", {"infant": infant.pk, "side": "left", "at": at}, key=key)


def test_a_feed_started_at_0312_starts_at_0312_and_switches_and_stops_at_its_taps(api, infant):
    started = start(api, infant)
    assert (started.status_code, started.json()["started_at"]) == (201, "2026-11-16T02:12:00Z")
    feed = FeedingSession.objects.get()
    assert feed.started_at.astimezone(infant.mother.zone).strftime("%H:%M") == "03:12"
    switched = api.post(f"/api/v1/feeds/{feed.pk}/switch/", {"at": "2026-11-16T03:20:30+01:00"})
    assert (switched.json()["left_seconds"], switched.json()["current_side"]) == (510, "right")
    stopped = api.post(f"/api/v1/feeds/{feed.pk}/stop/", {"at": "2026-11-16T03:41:00+01:00"})
    body = stopped.json()
    assert (body["ended_at"], body["left_seconds"], body["right_seconds"]) == (
        "2026-11-16T02:41:00Z",
        510,
        1230,
    )
    feed.refresh_from_db()
    assert (feed.ended_at, feed.switches, feed.is_running) == (utc(2, 41), 1, False)


def test_a_stop_before_the_start_is_refused_on_at_and_the_feed_runs_on(api, infant):
    feed = FeedingSession.objects.get(pk=start(api, infant).json()["id"])
    early = api.post(f"/api/v1/feeds/{feed.pk}/stop/", {"at": "2026-11-16T03:05:00+01:00"})
    assert early.status_code == 400
    assert early.json()["errors"] == {
        "at": ["That stop is before the feed's 03:12:00, when it started: check the time."]
    }
    feed.refresh_from_db()
    assert feed.is_running


def test_a_switch_or_stop_before_the_last_switch_is_refused(api, infant):
    feed_id = start(api, infant).json()["id"]
    api.post(f"/api/v1/feeds/{feed_id}/switch/", {"at": "2026-11-16T03:30:00+01:00"})
    for action in ("switch", "stop"):
        refused = api.post(f"/api/v1/feeds/{feed_id}/{action}/", {"at": "2026-11-16T03:25:00+01:00"})
        assert refused.json()["errors"] == {
            "at": [f"That {action} is before the feed's 03:30:00, when its last switch: check the time."]
        }
    feed = FeedingSession.objects.get()
    assert (feed.switches, feed.left_seconds, feed.is_running) == (1, 18 * 60, True)


def test_a_feed_longer_than_four_hours_by_its_taps_is_refused_on_at(api, infant):
    feed_id = start(api, infant, at="2026-11-16T04:00:00+01:00").json()["id"]
    too_long = api.post(f"/api/v1/feeds/{feed_id}/stop/", {"at": "2026-11-16T08:30:00+01:00"})
    assert list(too_long.json()["errors"]) == ["at"]
    assert "can't be longer than 4 hours" in too_long.json()["errors"]["at"][0]


def test_at_may_be_two_minutes_ahead_and_two_days_old_not_more(api, infant):
    ahead = start(api, infant, at="2026-11-16T10:02:30+01:00")
    assert ahead.json()["errors"] == {
        "at": [
            "That time is more than 2 minutes ahead of the server's clock: check the time set on the phone."
        ]
    }
    old = start(api, infant, at="2026-11-14T09:59:00+01:00")
    assert old.json()["errors"]["at"][0].startswith("That tap is more than 48 hours old")
    assert "log it in History" in old.json()["errors"]["at"][0]
    naive = start(api, infant, at="2026-11-16T03:12:00")
    assert naive.json()["errors"]["at"][0].startswith("Give the time with its offset from UTC")
    assert not FeedingSession.objects.exists()
    assert start(api, infant, at="2026-11-16T10:01:30+01:00").json()["started_at"] == "2026-11-16T09:01:30Z"


def test_without_at_the_timer_starts_and_stops_now_as_before(api, infant):
    feed_id = api.post("/api/v1/feeds/start/", {"infant": infant.pk, "side": "right"}).json()["id"]
    with time_machine.travel(NOW + timedelta(minutes=9), tick=False):
        stopped = api.post(f"/api/v1/feeds/{feed_id}/stop/").json()
    assert (stopped["started_at"], stopped["ended_at"], stopped["right_seconds"]) == (
        "2026-11-16T09:00:00Z",
        "2026-11-16T09:09:00Z",
        540,
    )


def test_the_same_key_sent_twice_starts_and_stops_one_feed(api, infant):
    first = start(api, infant, key="q-start-1")
    again = start(api, infant, key="q-start-1")
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    feed_id = first.json()["id"]
    stop = {"at": "2026-11-16T03:40:00+01:00"}
    stopped = api.post(f"/api/v1/feeds/{feed_id}/stop/", stop, key="q-stop-1")
    assert api.post(f"/api/v1/feeds/{feed_id}/stop/", stop, key="q-stop-1").json() == stopped.json()
    assert list(FeedingSession.objects.values_list("started_at", "ended_at")) == [(utc(2, 12), utc(2, 40))]
    assert IdempotencyKey.objects.count() == 2


def test_crying_starts_and_stops_at_its_taps(api, infant):
    started = api.post("/api/v1/symptoms/crying/start/", {"infant": infant.pk, "at": AT_0312})
    assert started.json()["occurred_at"] == "2026-11-16T02:12:00Z"
    entry_id = started.json()["id"]
    early = api.post(f"/api/v1/symptoms/{entry_id}/stop/", {"at": "2026-11-16T03:00:00+01:00"})
    assert early.json()["errors"] == {
        "at": ["That stop is before the crying started (03:12:00): check the time."]
    }
    stopped = api.post(f"/api/v1/symptoms/{entry_id}/stop/", {"at": "2026-11-16T03:37:00+01:00"})
    assert (stopped.json()["ended_at"], stopped.json()["duration_minutes"]) == ("2026-11-16T02:37:00Z", 25)
    assert SymptomEntry.objects.get().duration_minutes == 25


def test_took_it_at_a_past_time_answers_that_times_slot_taken_then(api, regimen):
    # Slots at 08:00 and 20:00; at 10:00 the button would answer 08:00 too, so tap at 19:00
    # yesterday: the 20:00 slot of the 15th (an hour early is within the 2-hour window).
    taken = api.post("/api/v1/doses/take/", {"regimen": regimen.pk, "at": "2026-11-15T19:00:00+01:00"})
    assert taken.status_code == 201
    body = taken.json()
    assert (body["slot_date"], body["slot_time"], body["taken_at"]) == (
        "2026-11-15",
        "20:00",
        "2026-11-15T18:00:00Z",
    )
    now = api.post("/api/v1/doses/take/", {"regimen": regimen.pk}).json()
    assert (now["slot_date"], now["slot_time"], now["taken_at"]) == (
        "2026-11-16",
        "08:00",
        "2026-11-16T09:00:00Z",
    )
    assert DoseLog.objects.count() == 2


def test_took_it_sent_late_after_the_email_logged_that_dose_says_so(api, regimen):
    DoseLogFactory(
        regimen=regimen,
        slot_date=datetime(2026, 11, 16).date(),
        slot_time=regimen.slot_times[0],
        taken_at=utc(7, 4),
        source=DoseLog.Source.EMAIL,
    )
    late = api.post("/api/v1/doses/take/", {"regimen": regimen.pk, "at": "2026-11-16T08:10:00+01:00"})
    assert late.status_code == 409
    assert late.json() == {
        "detail": "Your 08:00 dose of 16 Nov was already logged (from the reminder email, taken at 08:04), "
        "so this tap was not logged again.",
        "code": "already_logged",
        "errors": {},
    }
    assert DoseLog.objects.count() == 1


def test_an_offline_start_inside_a_feed_logged_meanwhile_is_refused_in_words(api, infant):
    FeedingSessionFactory(infant=infant, started_at=utc(2, 0), ended_at=utc(2, 30))
    clash = start(api, infant)  # 03:12 Rome is 02:12 UTC, inside the feed typed in
    assert clash.status_code == 400
    assert clash.json()["errors"] == {
        "non_field_errors": [
            "This overlaps another feed for Luca that started at 03:00 on 16 Nov. Feeds for one baby can't overlap."
        ]
    }
    assert FeedingSession.objects.count() == 1
