"""The feeds' starts are read from the database as whole microseconds since 1970 (integers cost
a tenth of what aware datetimes do at two years): the same instants, to the microsecond, on
SQLite and on PostgreSQL, each on the local day it started on."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.factories import FeedingSessionFactory
from tracker.selectors import feeding_stats

pytestmark = pytest.mark.django_db

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def test_starts_are_the_instants_to_the_microsecond_on_their_local_days(infant):
    starts = [
        datetime(2026, 11, 14, 22, 59, 59, 999999, tzinfo=UTC),  # 23:59:59.999999 on 14 Nov in Rome
        datetime(2026, 11, 14, 23, 0, tzinfo=UTC),  # midnight: 15 Nov, no fraction stored
        datetime(2026, 11, 15, 9, 30, 0, 5, tzinfo=UTC),  # five microseconds
        datetime(2026, 11, 15, 12, 0, 0, 123456, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 58, 500000, tzinfo=UTC),  # long before: outside the days read
    ]
    for at in starts:
        FeedingSessionFactory(infant=infant, started_at=at, ended_at=at + timedelta(minutes=20))

    days = feeding_stats._day_totals(infant=infant, first_day=date(2026, 11, 14), last_day=date(2026, 11, 15))

    assert {day: totals[5] for day, totals in days.items()} == {
        date(2026, 11, 14): [1794697199999999],
        date(2026, 11, 15): [1794697200000000, 1794735000000005, 1794744000123456],
    }
    assert [(at - EPOCH) // timedelta(microseconds=1) for at in starts[:4]] == [
        1794697199999999,
        1794697200000000,
        1794735000000005,
        1794744000123456,
    ]
