"""The settled days' totals kept a month at a time (in the cache and in the database): a new day
regroups that day, an edit of the past regroups its month, a day is stored once it ended an hour
ago, and the dashboard computed from them, cached or stored, equals the one computed from the
records alone."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.factories import FeedingSessionFactory
from tracker.day_totals import Kind, settled_day_totals
from tracker.models import DayTotalsMonth, DoseLog, FeedingSession, Infant, SymptomEntry
from tracker.selectors import feeding_stats
from tracker.selectors.dashboard import dashboard_for
from tracker.selectors.feeding_stats import feeding_summary

# 16 Nov 2026, 21:00 in Rome.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def totals_of(mother, first_day, last_day):
    """The totals of an imaginary baby 1, and the spans ``load`` was asked for."""
    asked = []

    def load(first, last):
        asked.append((first, last))
        return {day: [day.day] for day in (first, last)}

    totals = settled_day_totals(
        mother=mother, kind=Kind.SYMPTOMS, object_id=1, first_day=first_day, last_day=last_day, load=load
    )
    return totals, asked


def test_a_new_day_regroups_that_day_only(mother):
    with time_machine.travel(NOW, tick=False):
        first, asked = totals_of(mother, date(2026, 9, 1), date(2026, 11, 15))
        again, asked_again = totals_of(mother, date(2026, 9, 1), date(2026, 11, 15))
    with time_machine.travel(NOW + timedelta(hours=12), tick=False):  # 17 Nov, 09:00 in Rome
        next_day, asked_next_day = totals_of(mother, date(2026, 9, 1), date(2026, 11, 16))

    assert asked == [(date(2026, 9, 1), date(2026, 11, 15))]
    assert (again, asked_again) == (first, [])
    assert asked_next_day == [(date(2026, 11, 16), date(2026, 11, 16))]
    assert next_day == {**first, date(2026, 11, 16): [16]}


def test_a_day_is_stored_once_it_ended_an_hour_ago(mother):
    """A write under way at midnight commits within the hour: the day is regrouped until then."""
    half_past_midnight = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)  # 00:30 on 17 Nov in Rome
    with time_machine.travel(half_past_midnight, tick=False):
        totals_of(mother, date(2026, 11, 10), date(2026, 11, 16))
        _, asked = totals_of(mother, date(2026, 11, 10), date(2026, 11, 16))
    with time_machine.travel(half_past_midnight + timedelta(hours=1), tick=False):
        _, asked_later = totals_of(mother, date(2026, 11, 10), date(2026, 11, 16))
        _, asked_last = totals_of(mother, date(2026, 11, 10), date(2026, 11, 16))

    assert asked == [(date(2026, 11, 16), date(2026, 11, 16))]
    assert asked_later == [(date(2026, 11, 16), date(2026, 11, 16))]
    assert asked_last == []


def test_an_edit_of_the_past_regroups_its_month_and_the_numbers_follow(mother, infant, monkeypatch):
    asked = []
    regroup = feeding_stats._day_totals

    def spying(*, infant, first_day, last_day):
        asked.append((first_day, last_day))
        return regroup(infant=infant, first_day=first_day, last_day=last_day)

    monkeypatch.setattr(feeding_stats, "_day_totals", spying)  # today's feeds are read by it too
    with time_machine.travel(NOW, tick=False):
        for day in range(60):
            started = datetime(2026, 9, 10, 6, 0, tzinfo=UTC) + timedelta(days=day)
            FeedingSessionFactory(infant=infant, started_at=started, ended_at=started + timedelta(minutes=20))

        def summary():  # as a page view loads her: with her records stamp as it is now
            baby = Infant.objects.select_related("mother").get(pk=infant.pk)
            return feeding_summary(infant=baby, first_day=date(2026, 9, 1), last_day=date(2026, 11, 16))

        summary()
        october = FeedingSession.objects.get(infant=infant, started_at__date=date(2026, 10, 10))
        october.ended_at = october.started_at + timedelta(minutes=50)
        october.save()
        asked.clear()
        edited = summary()
        regrouped = list(asked)
        cache.clear()
        fresh = summary()

    assert regrouped == [(date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 11, 16), date(2026, 11, 16))]
    assert edited == fresh
    assert edited.minutes_per_day == pytest.approx((59 * 20 + 50) / 60)


def test_the_dashboard_from_cached_totals_equals_the_one_from_the_records():
    """A varied history (the demo's): each range computed warm, the next morning, after edits of
    the past (a dose, a feed, a symptom), and from the records alone, with an empty cache."""
    call_command("seed_demo", days=75, email="varied@example.org", seed=7, stdout=StringIO())
    mother = User.objects.get(email="varied@example.org")

    def boards():
        return [
            dashboard_for(mother=User.objects.get(pk=mother.pk), range_key=key) for key in ("7", "30", "all")
        ]

    def emptied():  # a new web process: the months come from the database
        cache.clear()
        return boards()

    def fresh():  # from the records alone
        cache.clear()
        DayTotalsMonth.objects.all().delete()
        return boards()

    with time_machine.travel(datetime.now(UTC), tick=False):
        boards()
        assert boards() == emptied() == fresh()
    with time_machine.travel(datetime.now(UTC) + timedelta(days=1), tick=False):
        next_morning = boards()
        assert next_morning == emptied() == fresh()
        boards()
        dose = DoseLog.objects.filter(regimen__mother=mother).order_by("slot_date")[40]
        dose.status, dose.taken_at = DoseLog.Status.SKIPPED, None
        dose.save()
        feed = FeedingSession.objects.filter(infant__mother=mother).order_by("started_at")[200]
        feed.ended_at = feed.started_at + timedelta(minutes=45)
        feed.save()
        SymptomEntry.objects.filter(infant__mother=mother).order_by("occurred_at")[30].delete()
        after_edits = emptied()  # the edits deleted their months' stored rows
        edited = boards()
        assert after_edits == edited == fresh()
        assert edited != next_morning


@pytest.mark.parametrize("range_key", ["7", "all"])
def test_the_first_view_of_a_day_runs_the_queries_of_a_warm_one(range_key):
    """The day the cache lacks (yesterday) is read with today's records, one read per kind."""
    call_command("seed_demo", days=40, email="mornings@example.org", seed=3, stdout=StringIO())
    mother_id = User.objects.get(email="mornings@example.org").pk

    def queries():
        mother = User.objects.get(pk=mother_id)
        with CaptureQueriesContext(connection) as captured:
            dashboard_for(mother=mother, range_key=range_key)
        return len(captured.captured_queries)

    now = datetime.now(UTC)
    with time_machine.travel(now, tick=False):
        queries()
        warm = queries()
    with time_machine.travel(now + timedelta(days=1), tick=False):
        next_morning = queries()
        again = queries()

    assert next_morning == warm == again
