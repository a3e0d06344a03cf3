"""Logging stays quick whatever her history: Today and each of its writes cost a fixed number
of queries, a feed typed in is validated once, and the overlap check reads only the feeds next
to the new one."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DailyCheckFactory, FeedingSessionFactory, InfantFactory, SymptomEntryFactory
from tests.history_helpers import feed_data, form_errors, text
from tracker.models import DailyCheck, DoseLog, FeedingSession, SymptomEntry

# 10:00 in Rome (CET, UTC+1) on Monday 16 November 2026.
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def history(infant, days: int) -> None:
    """A feed every 3 hours (20 minutes long) and a spit-up a day, for ``days`` days before today."""
    first = NOW.replace(hour=0) - timedelta(days=days)
    FeedingSession.objects.bulk_create(
        FeedingSessionFactory.build(infant=infant, started_at=first + timedelta(hours=3 * n))
        for n in range(days * 8)
    )
    SymptomEntry.objects.bulk_create(
        SymptomEntryFactory.build(infant=infant, occurred_at=first + timedelta(days=n, hours=12))
        for n in range(days)
    )


def today_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries.captured_queries), text(response)


def test_today_costs_the_same_queries_for_one_baby_or_three_and_any_history(
    mother, infant, regimen, mother_client
):
    FeedingSessionFactory(infant=infant, started_at=NOW - timedelta(hours=2))  # 08:00 her time
    one_baby, page = today_queries(mother_client)
    assert "Last feed started 2 h 00 min ago." in page

    history(infant, days=60)
    twins = [InfantFactory(mother=mother, name=name) for name in ("Bea", "Carlo")]
    for twin in twins:
        history(twin, days=60)
    running = FeedingSessionFactory(
        infant=twins[0],
        started_at=NOW - timedelta(minutes=10),
        ended_at=None,
        current_side="right",
        side_started_at=NOW - timedelta(minutes=4),
    )
    SymptomEntryFactory(infant=twins[1], kind="crying", size="", occurred_at=NOW - timedelta(minutes=3))
    SymptomEntryFactory(infant=twins[1], occurred_at=NOW - timedelta(hours=1))
    DailyCheckFactory(infant=infant, day=NOW.date(), no_symptoms=False, other_than_breast_milk=True)
    three_babies, page = today_queries(mother_client)

    assert (
        three_babies == one_baby == 9
    )  # session, user, regimens, doses, babies, feeds, symptoms, checks, pregnancy
    assert "Luca" in page and "Bea" in page and "Carlo" in page
    assert f"/today/feed/{running.pk}/switch/" in mother_client.get("/").content.decode()
    overview = mother_client.get("/").context["overview"]
    rows = {row.infant.name: row for row in overview.infants}
    assert rows["Bea"].running_feed == running and rows["Luca"].running_feed is None
    assert rows["Bea"].last_feed == running and rows["Bea"].since_last_feed == timedelta(minutes=10)
    assert [feed.started_at for feed in rows["Luca"].feeds] == [NOW - timedelta(hours=2)]
    assert rows["Carlo"].running_crying.kind == "crying" and len(rows["Carlo"].symptoms) == 2
    assert rows["Luca"].check.other_than_breast_milk is True and rows["Carlo"].check is None
    assert rows["Luca"].next_side == "right"  # after a feed on both breasts, the one it ended on


def test_a_feed_typed_in_is_validated_once_in_at_most_six_queries(
    mother_client, infant, django_assert_max_num_queries
):
    history(infant, days=30)
    with (
        mock.patch.object(
            FeedingSession, "full_clean", autospec=True, side_effect=FeedingSession.full_clean
        ) as clean,
        django_assert_max_num_queries(6),
    ):
        response = mother_client.post("/history/feeds/add/", feed_data(infant=infant.pk))
    assert response.status_code == 302
    assert clean.call_count == 1
    assert FeedingSession.objects.get(started_at=NOW - timedelta(hours=2)).left_seconds == 900


def test_the_overlap_check_reads_only_the_two_neighbouring_feeds(infant):
    history(infant, days=30)  # feeds at 00:00, 03:00 ... UTC, 20 minutes each
    middle = NOW.replace(hour=6) - timedelta(days=15)
    overlapping = FeedingSession(
        infant=infant, started_at=middle + timedelta(minutes=10), ended_at=middle + timedelta(minutes=40)
    )
    in_a_gap = FeedingSession(
        infant=infant, started_at=middle + timedelta(minutes=20), ended_at=middle + timedelta(hours=3)
    )
    late_end = FeedingSession(
        infant=infant, started_at=middle - timedelta(minutes=30), ended_at=middle + timedelta(minutes=1)
    )
    with CaptureQueriesContext(connection) as queries:
        in_a_gap._check_no_overlap()  # from the end of one feed to the start of the next: no overlap
    # One query on PostgreSQL (a UNION of the two), two on SQLite; each reads one row at most.
    one_query = connection.features.supports_slicing_ordering_in_compound
    assert len(queries.captured_queries) == (1 if one_query else 2)
    assert all(query["sql"].count("LIMIT 1") == (2 if one_query else 1) for query in queries.captured_queries)
    for feed in (overlapping, late_end):
        with pytest.raises(Exception) as refused:
            feed._check_no_overlap()
        assert refused.value.messages == [
            "This overlaps another feed for Luca that started at 07:00 on 01 Nov. Feeds for one baby can't overlap."
        ]


def test_a_running_feed_overlaps_a_feed_typed_in_after_its_start(mother_client, infant):
    FeedingSessionFactory(infant=infant, started_at=NOW - timedelta(hours=3), ended_at=None)  # 07:00 her time
    response = mother_client.post("/history/feeds/add/", feed_data(infant=infant.pk))
    assert form_errors(response)["__all__"] == [
        "This overlaps another feed for Luca that started at 07:00 on 16 Nov. Feeds for one baby can't overlap."
    ]
    assert FeedingSession.objects.count() == 1


TODAY_WRITES = {
    # write: (url, data, the most queries it may take in a test's transaction)
    "dose taken now": ("/today/dose/", {}, 9),
    "dose slot": ("/today/dose/slot/", {"slot_time": "08:00", "status": "taken"}, 8),
    "feed start": ("/today/feed/start/", {"side": "left"}, 10),
    "spit-up": ("/today/symptom/", {"kind": "regurgitation", "size": "small"}, 8),
    "crying start": ("/today/crying/start/", {}, 9),
    "daily check": ("/today/check/", {"other_than_breast_milk": "false"}, 9),
}


@pytest.mark.parametrize("write", TODAY_WRITES)
def test_each_write_on_today_takes_a_fixed_number_of_queries_whatever_her_history(
    write, mother, infant, regimen, mother_client, django_assert_max_num_queries
):
    history(infant, days=60)
    url, data, most = TODAY_WRITES[write]
    with django_assert_max_num_queries(most):
        response = mother_client.post(url, {"regimen": regimen.pk, "infant": infant.pk, **data})
    assert (response.status_code, response["Location"]) == (302, "/")
    written = {
        "dose taken now": DoseLog.objects.filter(slot_date=NOW.date(), status="taken"),
        "dose slot": DoseLog.objects.filter(slot_date=NOW.date(), status="taken"),
        "feed start": FeedingSession.objects.filter(started_at=NOW, ended_at=None),
        "spit-up": SymptomEntry.objects.filter(occurred_at=NOW, size="small"),
        "crying start": SymptomEntry.objects.filter(occurred_at=NOW, kind="crying"),
        "daily check": DailyCheck.objects.filter(day=NOW.date(), other_than_breast_milk=False),
    }[write]
    assert written.count() == 1


@pytest.mark.parametrize("timer", ["feed", "crying"])
def test_stopping_a_timer_takes_a_fixed_number_of_queries(
    timer, infant, mother_client, django_assert_max_num_queries
):
    history(infant, days=60)
    mother_client.post(f"/today/{timer}/start/", {"infant": infant.pk, "side": "left"})
    record = (
        FeedingSession.objects.get(ended_at=None)
        if timer == "feed"
        else SymptomEntry.objects.get(kind="crying")
    )
    with time_machine.travel(NOW + timedelta(minutes=12), tick=False), django_assert_max_num_queries(10):
        response = mother_client.post(f"/today/{timer}/{record.pk}/stop/", follow=False)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.ended_at == NOW + timedelta(minutes=12)
