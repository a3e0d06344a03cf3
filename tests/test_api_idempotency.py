"""``Idempotency-Key``: the same key answers the first response and writes nothing more; the
same key with another request is a 422; two at once on PostgreSQL make one row."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connection

from tests.api_helpers import ApiClient, api_for
from tests.conftest import needs_service
from tests.factories import InfantFactory, UserFactory
from tracker.api.idempotency import idempotency_keys_drop_old
from tracker.models import ApiToken, FeedingSession, IdempotencyKey
from tracker.services import feeding
from tracker.tasks import drop_old_idempotency_keys

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


def past_feed(infant, minute: int = 0) -> dict:
    return {
        "infant": infant.pk,
        "started_at": f"2026-11-16T07:{minute:02d}:00Z",
        "ended_at": f"2026-11-16T07:{minute + 15:02d}:00Z",
    }


@pytest.fixture
def api(mother):
    with time_machine.travel(NOW, tick=False):
        yield api_for(mother)


def test_the_same_key_twice_answers_the_first_response_and_writes_one_row(api, infant):
    first = api.post("/api/v1/feeds/", past_feed(infant), key="feed-1")
    again = api.post("/api/v1/feeds/", past_feed(infant), key="feed-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert (first.get("Idempotent-Replayed"), again["Idempotent-Replayed"]) == (None, "true")
    assert FeedingSession.objects.count() == 1
    assert IdempotencyKey.objects.get().status_code == 201


def test_the_same_json_in_another_key_order_or_spacing_is_the_same_request(api, infant):
    body = past_feed(infant)
    api.post("/api/v1/feeds/", body, key="k")
    reordered = api.client.post(
        "/api/v1/feeds/",
        data=f'{{ "ended_at": "{body["ended_at"]}", "started_at": "{body["started_at"]}", "infant": {infant.pk} }}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.token}",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert reordered["Idempotent-Replayed"] == "true"
    assert FeedingSession.objects.count() == 1


def test_the_same_key_with_another_body_or_path_is_a_422_and_writes_nothing(api, infant):
    api.post("/api/v1/feeds/", past_feed(infant), key="feed-1")
    other_body = api.post("/api/v1/feeds/", past_feed(infant, minute=30), key="feed-1")
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency_key_reused"
    other_path = api.post("/api/v1/feeds/start/", {"infant": infant.pk, "side": "left"}, key="feed-1")
    assert other_path.status_code == 422
    assert FeedingSession.objects.count() == 1


def test_a_refusal_is_replayed_too_and_a_new_key_tries_again(api, infant):
    early = {**past_feed(infant), "started_at": "2026-10-01T07:00:00Z", "ended_at": "2026-10-01T07:10:00Z"}
    first = api.post("/api/v1/feeds/", early, key="before-birth")
    assert first.status_code == 400
    assert api.post("/api/v1/feeds/", early, key="before-birth").json() == first.json()
    assert api.post("/api/v1/feeds/", past_feed(infant), key="fixed").status_code == 201


def test_keys_are_per_user(mother, infant):
    other = UserFactory()
    her_baby = InfantFactory(mother=other)
    with time_machine.travel(NOW, tick=False):
        assert api_for(mother).post("/api/v1/feeds/", past_feed(infant), key="same").status_code == 201
        assert api_for(other).post("/api/v1/feeds/", past_feed(her_baby), key="same").status_code == 201
    assert FeedingSession.objects.count() == 2


def test_a_key_is_free_again_after_24_hours(mother, infant):
    client = api_for(mother)
    with time_machine.travel(NOW, tick=False):
        client.post("/api/v1/feeds/start/", {"infant": infant.pk, "side": "left"}, key="tap")
        feed = FeedingSession.objects.get()
    feeding.feed_stop(feed=feed, now=NOW + timedelta(minutes=20))
    with time_machine.travel(NOW + timedelta(hours=24, seconds=1), tick=False):
        again = client.post("/api/v1/feeds/start/", {"infant": infant.pk, "side": "left"}, key="tap")
    assert again.status_code == 201
    assert again.get("Idempotent-Replayed") is None
    assert FeedingSession.objects.count() == 2


def test_a_key_that_is_not_printable_ascii_is_refused(api, infant):
    response = api.post("/api/v1/feeds/", past_feed(infant), key="x" * 256)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not FeedingSession.objects.exists()


def test_gets_and_writes_without_a_key_store_nothing(api, infant):
    api.get("/api/v1/feeds/")
    api.post("/api/v1/feeds/", past_feed(infant))
    assert not IdempotencyKey.objects.exists()


def test_beat_drops_keys_older_than_a_day(mother, infant):
    with time_machine.travel(NOW, tick=False):
        api_for(mother).post("/api/v1/feeds/", past_feed(infant), key="old")
    with time_machine.travel(NOW + timedelta(hours=23), tick=False):
        api_for(mother).post("/api/v1/feeds/", past_feed(infant, minute=30), key="new")
        assert idempotency_keys_drop_old() == 0
    with time_machine.travel(NOW + timedelta(hours=24, minutes=1), tick=False):
        assert drop_old_idempotency_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    entry = settings.CELERY_BEAT_SCHEDULE["drop-old-idempotency-keys"]
    assert entry["task"] == "tracker.tasks.drop_old_idempotency_keys"
    assert entry["options"]["expires"] < entry["schedule"]


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_the_same_key_at_once_make_one_feed_on_postgresql(monkeypatch):
    if connection.vendor != "postgresql":
        needs_service("two requests at once need PostgreSQL's row locks: runs on PostgreSQL")
    mother = UserFactory()
    infant = InfantFactory(mother=mother, birth_at=datetime(2026, 10, 30, 6, 0, tzinfo=UTC))
    _, token = ApiToken.issue(owner=mother, name="race")
    saving = feeding.feed_save

    def slow_save(**kwargs):  # hold the first request's transaction open while the second arrives
        time.sleep(0.3)
        return saving(**kwargs)

    monkeypatch.setattr(feeding, "feed_save", slow_save)
    body = past_feed(infant)
    start = threading.Barrier(2)
    responses = []

    def send():
        start.wait()
        try:
            responses.append(ApiClient(token).post("/api/v1/feeds/", body, key="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(r.status_code for r in responses) == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert FeedingSession.objects.filter(infant=infant).count() == 1
    assert IdempotencyKey.objects.filter(user=mother).count() == 1
