"""The settled months kept in the database (``DayTotalsMonth``): read when the cache lacks them,
deleted with the writes that change them, and never stored from records older than her
records stamp, even by a reader that ran alongside the write."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction

from accounts.models import User
from tests.conftest import needs_service
from tests.factories import FeedingSessionFactory, InfantFactory, UserFactory
from tracker.day_totals import Kind
from tracker.models import DayTotalsMonth, FeedingSession, Infant
from tracker.selectors.feeding_stats import feeding_summary

# 16 Nov 2026, 21:00 in Rome.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
FIRST_DAY = date(2026, 9, 1)


def feeds_every_day(infant: Infant, days: int = 60) -> None:
    for day in range(days):
        started = datetime(2026, 9, 10, 6, 0, tzinfo=UTC) + timedelta(days=day)
        FeedingSessionFactory(infant=infant, started_at=started, ended_at=started + timedelta(minutes=20))


def summary(infant: Infant, mother: User | None = None):
    """Her feeding summary as a page view computes it: with her as loaded (``mother``, by
    default now)."""
    baby = Infant.objects.select_related("mother").get(pk=infant.pk)
    if mother is not None:
        baby.mother = mother
    return feeding_summary(infant=baby, first_day=FIRST_DAY, last_day=NOW.date())


def feeds(board) -> int:
    return sum(day.feeds for day in board.per_day)


def stored_months(infant: Infant) -> list[date]:
    return sorted(
        DayTotalsMonth.objects.filter(kind=Kind.FEEDING, object_id=infant.pk).values_list("month", flat=True)
    )


@pytest.mark.django_db
def test_an_emptied_cache_reads_the_stored_months_and_regroups_nothing_older(mother, infant):
    with time_machine.travel(NOW, tick=False):
        feeds_every_day(infant)
        first = summary(infant)
        cache.clear()
        row = DayTotalsMonth.objects.get(kind=Kind.FEEDING, object_id=infant.pk, month=date(2026, 10, 1))
        row.days[(date(2026, 10, 10) - row.first_day).days][0] = 7  # seven feeds on 10 Oct, as stored
        row.save()
        from_stored = summary(infant)

    assert stored_months(infant) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert feeds(from_stored) == feeds(first) + 6


@pytest.mark.django_db
def test_a_write_on_a_past_day_deletes_the_months_around_it_only(mother, infant):
    with time_machine.travel(NOW, tick=False):
        feeds_every_day(infant)
        summary(infant)
        feed = FeedingSession.objects.get(infant=infant, started_at__date=date(2026, 10, 10))
        feed.ended_at += timedelta(minutes=5)
        feed.save()
        after_the_edit = stored_months(infant)
        summary(infant)
        stored_again = stored_months(infant)

    assert after_the_edit == [date(2026, 9, 1), date(2026, 11, 1)]
    assert stored_again == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


@pytest.mark.django_db
def test_a_reader_loaded_before_a_past_write_stores_nothing(mother, infant):
    with time_machine.travel(NOW, tick=False):
        feeds_every_day(infant)
        before_the_write = User.objects.get(pk=mother.pk)
        FeedingSessionFactory(
            infant=infant,
            started_at=datetime(2026, 10, 20, 12, 0, tzinfo=UTC),
            ended_at=datetime(2026, 10, 20, 12, 30, tzinfo=UTC),
        )
        late = summary(infant, mother=before_the_write)
        nothing = stored_months(infant)
        cache.clear()  # (what it cached is right: the cache's versions are older than the write)
        now_loaded = summary(infant)

    assert nothing == []
    assert feeds(late) == feeds(now_loaded) == 61  # computed all the same, only not kept
    assert stored_months(infant) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


@pytest.mark.django_db
def test_a_new_time_zone_or_a_deleted_baby_drops_her_stored_months(mother, infant):
    twin = InfantFactory(mother=mother, birth_at=infant.birth_at)
    with time_machine.travel(NOW, tick=False):
        feeds_every_day(infant)
        feeds_every_day(twin, days=5)
        summary(infant)
        summary(twin)
        twin.delete()
        twins_left = DayTotalsMonth.objects.filter(object_id=twin.pk, kind=Kind.FEEDING).count()
        infants_left = len(stored_months(infant))
        mother.time_zone = "Asia/Tokyo"
        mother.save()

    assert (twins_left, infants_left) == (0, 3)
    assert DayTotalsMonth.objects.filter(mother=mother).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_reader_storing_while_a_past_write_is_open_waits_and_stores_nothing():
    """The write changed her stamp and holds her account row; the reader, loaded before it,
    waits for the write to commit, then finds the stamp changed and stores nothing."""
    if connection.vendor != "postgresql":
        needs_service("a reader waiting on a writer's row lock needs PostgreSQL: runs on PostgreSQL")
    mother = UserFactory(time_zone="Europe/Rome")
    infant = InfantFactory(mother=mother, birth_at=datetime(2026, 8, 1, 6, 0, tzinfo=UTC))
    hold = 0.6
    written, waited = threading.Event(), []
    with time_machine.travel(NOW, tick=True):
        feeds_every_day(infant)
        reader_loaded = User.objects.get(pk=mother.pk)

        def write():
            try:
                with transaction.atomic():
                    FeedingSessionFactory(
                        infant=infant,
                        started_at=datetime(2026, 10, 20, 12, 0, tzinfo=UTC),
                        ended_at=datetime(2026, 10, 20, 12, 30, tzinfo=UTC),
                    )
                    written.set()
                    time.sleep(hold)
            finally:
                connection.close()

        def read():
            try:
                written.wait(timeout=10)
                cache.clear()  # nothing cached: every month is regrouped and would be stored
                started = time.monotonic()
                summary(infant, mother=reader_loaded)
                waited.append(time.monotonic() - started)
            finally:
                connection.close()

        threads = [threading.Thread(target=write), threading.Thread(target=read)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert stored_months(infant) == []
    assert waited and waited[0] > hold / 2  # it waited for the write to commit
