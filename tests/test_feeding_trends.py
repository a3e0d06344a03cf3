"""Feeding numbers on the dashboard, by the mother's local day (Europe/Rome)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.cache import cache

from tests.factories import DailyCheckFactory, FeedingSessionFactory, InfantFactory
from tracker.models import DailyCheck, FeedingSession, Infant
from tracker.selectors.feeding_stats import FeedingDay, feeding_summary

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def feed(infant, started_at, minutes=20, **fields):
    return FeedingSessionFactory(
        infant=infant, started_at=started_at, ended_at=started_at + timedelta(minutes=minutes), **fields
    )


def test_feeds_and_minutes_a_day_are_over_the_complete_days_with_a_feed_logged(infant):
    feed(infant, datetime(2026, 11, 2, 8, 0, tzinfo=UTC), minutes=20)
    feed(infant, datetime(2026, 11, 2, 12, 0, tzinfo=UTC), minutes=10)
    feed(infant, datetime(2026, 11, 4, 8, 0, tzinfo=UTC), minutes=30)

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 4), now=NOW)

    assert summary.days == 3
    assert summary.per_day == [
        FeedingDay(date(2026, 11, 2), feeds=2, minutes=30.0),
        FeedingDay(date(2026, 11, 3), feeds=0, minutes=0.0),
        FeedingDay(date(2026, 11, 4), feeds=1, minutes=30.0),
    ]
    # 3 Nov has no feed logged: a day without data, not a day without feeds.
    assert (summary.complete_days, summary.feed_days) == (3, 2)
    assert summary.feeds_per_day == 1.5  # 3 feeds / 2 days
    assert summary.minutes_per_day == 30.0  # 60 minutes / 2 days


def test_today_is_unfinished_so_the_averages_do_not_dip_in_the_morning(infant):
    """11:00 in Rome on 4 Nov: today's one feed so far is shown, but not averaged."""
    feed(infant, datetime(2026, 11, 2, 8, 0, tzinfo=UTC), minutes=20)
    feed(infant, datetime(2026, 11, 2, 12, 0, tzinfo=UTC), minutes=10)
    feed(infant, datetime(2026, 11, 3, 8, 0, tzinfo=UTC), minutes=15)
    feed(infant, datetime(2026, 11, 4, 8, 0, tzinfo=UTC), minutes=25)
    morning = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)

    summary = feeding_summary(
        infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 4), now=morning
    )

    assert summary.per_day[-1] == FeedingDay(date(2026, 11, 4), feeds=1, minutes=25.0)
    assert (summary.days, summary.complete_days, summary.feed_days) == (3, 2, 2)
    assert summary.complete_last_day == date(2026, 11, 3)
    assert summary.feeds_per_day == 1.5  # 3 feeds on 2 and 3 Nov
    assert summary.minutes_per_day == 22.5  # (30 + 15) / 2


def test_a_running_feed_counts_as_a_feed_but_adds_no_minutes(infant):
    feed(infant, datetime(2026, 11, 2, 8, 0, tzinfo=UTC), minutes=15)
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC), ended_at=None)

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 2), now=NOW)

    assert summary.per_day == [FeedingDay(date(2026, 11, 2), feeds=2, minutes=15.0)]


def test_a_feed_at_23_30_in_rome_counts_for_that_local_day(infant):
    feed(infant, datetime(2026, 11, 2, 22, 30, tzinfo=UTC))  # 23:30 on 2 Nov in Rome (CET)
    feed(infant, datetime(2026, 11, 2, 23, 10, tzinfo=UTC))  # 00:10 on 3 Nov in Rome

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 3), now=NOW)

    assert [(d.day, d.feeds) for d in summary.per_day] == [(date(2026, 11, 2), 1), (date(2026, 11, 3), 1)]


def test_the_23_hour_dst_day_in_rome_keeps_each_feed_on_its_local_day(mother):
    infant = InfantFactory(mother=mother, birth_at=datetime(2026, 3, 1, 6, 0, tzinfo=UTC))
    feed(infant, datetime(2026, 3, 28, 22, 45, tzinfo=UTC))  # 23:45 CET on 28 March
    feed(infant, datetime(2026, 3, 28, 23, 15, tzinfo=UTC))  # 00:15 CET on 29 March
    feed(infant, datetime(2026, 3, 29, 21, 45, tzinfo=UTC))  # 23:45 CEST on 29 March
    feed(infant, datetime(2026, 3, 29, 22, 15, tzinfo=UTC))  # 00:15 CEST on 30 March

    summary = feeding_summary(infant=infant, first_day=date(2026, 3, 28), last_day=date(2026, 3, 30), now=NOW)

    assert [(d.day, d.feeds) for d in summary.per_day] == [
        (date(2026, 3, 28), 1),
        (date(2026, 3, 29), 2),
        (date(2026, 3, 30), 1),
    ]


def test_median_interval_between_feed_starts(infant):
    start = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    for offset in (0, 120, 300):  # intervals of 120 and 180 minutes
        feed(infant, start + timedelta(minutes=offset), minutes=15)

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 2), now=NOW)

    assert summary.median_interval_minutes == 150.0


def test_median_interval_with_an_odd_number_of_intervals_is_the_middle_one(infant):
    start = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    for offset in (0, 90, 300, 420):  # intervals of 90, 210 and 120 minutes
        feed(infant, start + timedelta(minutes=offset), minutes=15)

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 2), now=NOW)

    assert summary.median_interval_minutes == 120.0


def test_median_interval_needs_two_feeds(infant):
    feed(infant, datetime(2026, 11, 2, 6, 0, tzinfo=UTC))

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 2), now=NOW)

    assert summary.median_interval_minutes is None


def test_left_and_right_minutes_and_the_left_share(infant):
    feed(infant, datetime(2026, 11, 2, 6, 0, tzinfo=UTC), left_seconds=600, right_seconds=300)
    feed(infant, datetime(2026, 11, 3, 6, 0, tzinfo=UTC), left_seconds=300, right_seconds=0)
    feed(
        infant,
        datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        formula=True,
    )

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 3), now=NOW)

    assert summary.left_minutes == 15.0
    assert summary.right_minutes == 5.0
    assert summary.left_share == 0.75


def test_no_breast_time_has_no_left_share(infant):
    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 3), now=NOW)

    assert summary.left_share is None
    assert summary.median_interval_minutes is None
    assert summary.since_last_feed is None
    assert (summary.feeds_per_day, summary.minutes_per_day, summary.has_feeds) == (None, None, False)


def test_time_since_the_last_feed_looks_past_the_range(infant):
    feed(infant, datetime(2026, 11, 2, 6, 0, tzinfo=UTC))
    feed(infant, datetime(2026, 11, 20, 9, 30, tzinfo=UTC))  # after the range

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 3), now=NOW)

    assert summary.since_last_feed == timedelta(hours=2, minutes=30)


def test_exclusive_breastfeeding_days_need_a_daily_check_and_no_formula(infant):
    # 2 Nov: checked "breast milk only", breastfed: exclusive.
    DailyCheckFactory(infant=infant, day=date(2026, 11, 2), other_than_breast_milk=False)
    feed(infant, datetime(2026, 11, 2, 6, 0, tzinfo=UTC))
    # 3 Nov: checked "breast milk only", but a mixed feed was logged: not exclusive.
    DailyCheckFactory(infant=infant, day=date(2026, 11, 3), other_than_breast_milk=False)
    feed(infant, datetime(2026, 11, 3, 6, 0, tzinfo=UTC), method=FeedingSession.Method.MIXED, bottle_ml=30)
    # 4 Nov: the check says something else was given.
    DailyCheckFactory(infant=infant, day=date(2026, 11, 4), other_than_breast_milk=True)
    # 5 Nov: checked, question left unanswered.
    DailyCheckFactory(infant=infant, day=date(2026, 11, 5), other_than_breast_milk=None)
    # 6 Nov: breastfed, no check: unknown, not counted.
    feed(infant, datetime(2026, 11, 6, 6, 0, tzinfo=UTC))
    # 7 Nov: checked "breast milk only", no feed logged: still exclusive.
    DailyCheckFactory(infant=infant, day=date(2026, 11, 7), other_than_breast_milk=False)

    summary = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 7), now=NOW)

    assert summary.exclusive_breastfeeding_days == 2
    assert summary.checked_days == 5


def test_twins_each_have_their_own_numbers(mother, infant):
    twin = InfantFactory(mother=mother, name="Sara", pregnancy=infant.pregnancy)
    feed(infant, datetime(2026, 11, 2, 6, 0, tzinfo=UTC), minutes=20, left_seconds=1200, right_seconds=0)
    feed(twin, datetime(2026, 11, 2, 6, 0, tzinfo=UTC), minutes=10, left_seconds=0, right_seconds=600)
    feed(twin, datetime(2026, 11, 2, 9, 0, tzinfo=UTC), minutes=10, left_seconds=0, right_seconds=600)
    DailyCheckFactory(infant=twin, day=date(2026, 11, 2), other_than_breast_milk=False)

    luca = feeding_summary(infant=infant, first_day=date(2026, 11, 2), last_day=date(2026, 11, 2), now=NOW)
    sara = feeding_summary(infant=twin, first_day=date(2026, 11, 2), last_day=date(2026, 11, 2), now=NOW)

    assert (luca.feeds_per_day, luca.minutes_per_day, luca.left_share) == (1.0, 20.0, 1.0)
    assert (sara.feeds_per_day, sara.minutes_per_day, sara.left_share) == (2.0, 20.0, 0.0)
    assert luca.median_interval_minutes is None
    assert sara.median_interval_minutes == 180.0
    assert (luca.checked_days, sara.checked_days) == (0, 1)
    assert luca.since_last_feed == NOW - datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
    assert sara.since_last_feed == NOW - datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_the_range_must_not_run_backwards(infant):
    with pytest.raises(ValueError):
        feeding_summary(infant=infant, first_day=date(2026, 11, 3), last_day=date(2026, 11, 2), now=NOW)


def seed_feeds(infant, days: int) -> date:
    """Eight breastfeeds a day for ``days`` days, a daily check each day; returns the last day."""
    first = date(2026, 11, 1)
    FeedingSession.objects.bulk_create(
        FeedingSession(
            infant=infant,
            started_at=datetime(2026, 11, 1, 0, 30, tzinfo=UTC) + timedelta(days=n, hours=3 * k),
            ended_at=datetime(2026, 11, 1, 0, 50, tzinfo=UTC) + timedelta(days=n, hours=3 * k),
            method=FeedingSession.Method.BREAST,
            left_seconds=600,
            right_seconds=600,
        )
        for n in range(days)
        for k in range(8)
    )
    DailyCheck.objects.bulk_create(
        DailyCheck(infant=infant, day=first + timedelta(days=n), other_than_breast_milk=False)
        for n in range(days)
    )
    return first + timedelta(days=days - 1)


@pytest.mark.parametrize("days", [7, 730])
def test_the_query_count_does_not_grow_with_the_data(infant, days, django_assert_num_queries):
    last_day = seed_feeds(infant, days)
    infant = Infant.objects.select_related("mother").get(pk=infant.pk)  # her records stamp as it is now

    with time_machine.travel(datetime.combine(last_day, time(20, 0), tzinfo=UTC), tick=False):
        # The feeds with their starts (one query), the daily checks, the last feed.
        # The first time: the stored months (none), the closed days read with today's (2), the
        # months stored, the last feed.
        with django_assert_num_queries(5):
            summary = feeding_summary(infant=infant, first_day=date(2026, 11, 1), last_day=last_day, now=NOW)
        cache.clear()
        with django_assert_num_queries(4):  # a new web process: the stored months, today's 2, the last feed
            assert (
                feeding_summary(infant=infant, first_day=date(2026, 11, 1), last_day=last_day, now=NOW)
                == summary
            )
        with django_assert_num_queries(3):  # warm: today's 2 and the last feed
            again = feeding_summary(infant=infant, first_day=date(2026, 11, 1), last_day=last_day, now=NOW)
    assert again == summary

    assert summary.days == days
    assert summary.feeds_per_day == 8.0
    assert summary.minutes_per_day == 160.0
    assert summary.median_interval_minutes == 180.0
    assert summary.left_share == 0.5
    assert summary.exclusive_breastfeeding_days == days
