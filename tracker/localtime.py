"""The one place where instants become the mother's local days and back.

Times are stored in UTC. A "day" is always a calendar day in the mother's own
IANA time zone; a dose slot is a wall-clock time on such a day.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils import timezone

UTC = ZoneInfo("UTC")


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day, in ``zone``, on which the aware instant ``moment`` falls."""
    return moment.astimezone(zone).date()


def local_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return local_date(now or timezone.now(), zone)


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def wall_clock_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the wall clock in ``zone`` shows ``at`` on ``day``.

    On a spring-forward day a time inside the missing hour becomes the first
    valid minute after it (02:30 in Rome on the change day is 03:00 CEST). On a
    fall-back day a repeated time means its first occurrence, so it happens once.
    """
    naive = datetime.combine(day, at.replace(second=0, microsecond=0, tzinfo=None))
    for _ in range(24 * 60):  # no zone skips more than a day
        if _exists(naive, zone):
            return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
        naive = naive.replace(second=0) + timedelta(minutes=1)
    raise ValueError(f"No valid wall-clock time after {day} {at} in {zone}")


def local_day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC bounds of the local ``day``: start inclusive, end exclusive.

    A DST day is 23 or 25 hours long; the bounds follow the wall clock.
    """
    return (
        wall_clock_to_utc(day, time(0, 0), zone),
        wall_clock_to_utc(day + timedelta(days=1), time(0, 0), zone),
    )


@lru_cache(maxsize=256)
def days_between(first: date, last: date) -> tuple[date, ...]:
    """Every day from ``first`` to ``last``, both inclusive (remembered: a dashboard asks
    for the same two years of days several times)."""
    return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
