"""Feeding numbers for the dashboard: feeds and minutes per day, intervals, sides.

Days are the mother's local days (``infant.mother.zone``); a feed belongs to the
local day on which it started, even when it ends after midnight. Aggregation
runs in the database; Python only walks the per-day rows.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import NamedTuple

from django.db.models import (
    Aggregate,
    BigIntegerField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Q,
    Sum,
    TextField,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from tracker.closed_days import closed_then_live
from tracker.day_totals import Kind, settled_and_later_day_totals
from tracker.localtime import days_between, local_day_bounds, local_today
from tracker.models import DailyCheck, FeedingSession, Infant

NOT_BREAST_MILK_ONLY = (FeedingSession.Method.FORMULA, FeedingSession.Method.MIXED)


class FeedingDay(NamedTuple):  # a NamedTuple: two years are 730 of them per page view
    """One local day: feeds started that day, and minutes of those that have ended."""

    day: date
    feeds: int
    minutes: float


@dataclass(frozen=True)
class FeedingSummary:
    """Feeding over the local days ``first_day`` to ``last_day``, both inclusive.

    Minutes are wall-clock minutes of ended feeds (a running feed counts as a
    feed but adds no minutes); left/right minutes are the time logged on each
    breast. ``feeds_per_day`` and ``minutes_per_day`` are means over the
    ``feed_days``: the complete days of the range (before her today) with a feed
    logged; None when there is none. ``complete_days`` counts the range's days
    before her today. ``left_share`` is left / (left + right), from 0 to 1, None when no
    breast time was logged. ``since_last_feed`` runs from the start of the
    latest feed ever logged (not only in the range) to ``now``; None if none.
    """

    first_day: date
    last_day: date
    days: int
    complete_days: int
    feed_days: int
    feeds_per_day: float | None
    minutes_per_day: float | None
    per_day: list[FeedingDay]
    median_interval_minutes: float | None
    left_minutes: float
    right_minutes: float
    left_share: float | None
    since_last_feed: timedelta | None
    exclusive_breastfeeding_days: int
    checked_days: int

    @property
    def complete_last_day(self) -> date:
        """The last complete day of the range (the day before her today, or ``last_day``)."""
        return self.first_day + timedelta(days=self.complete_days - 1)

    @property
    def has_feeds(self) -> bool:
        """Whether any feed started in the range (today's included)."""
        return any(day.feeds for day in self.per_day)


def feeding_summary(
    *, infant: Infant, first_day: date, last_day: date, now: datetime | None = None
) -> FeedingSummary:
    """Feeding for ``infant`` over local days ``first_day``..``last_day`` (inclusive).

    Days are local to the mother's time zone (a feed at 23:30 in Rome is on
    that Rome day; a 23- or 25-hour DST day is one day). The averages a day are
    over the complete days (before her today) on which a feed was logged:
    product.md's "Today is unfinished" (it is drawn as partial, never as a drop)
    and, as for symptoms, a day she logged nothing is a day without data, not a
    day without feeds. (The weekly diary's ``feeds_per_day`` also leaves out the
    days without a feed, but its current week holds today so far.) A feed or two
    typed in on a busy day does pull the mean down: the count of days is shown
    beside it.

    The median interval is in minutes between the starts of consecutive feeds
    that both started in the range: each day keeps its feeds' starts in order
    (``_day_totals``), and the intervals between them are kept sorted.

    A day counts as exclusive breastfeeding when its daily check says nothing
    other than breast milk was given and no formula or mixed feed started that
    day; ``checked_days`` counts days with any daily check.

    The totals of the days before today are cached until one of her past records
    changes (``tracker.closed_days``): 4 queries whatever the amount of data, also
    when the cache is cold and lacks the days to yesterday (the first view of a day
    reads them with today's), 7 when it lacks an older month only (pass an infant
    with ``mother`` loaded).
    """
    if last_day < first_day:
        raise ValueError("last_day is before first_day")
    now = now or timezone.now()
    days = _feeding_days(infant=infant, first_day=first_day, last_day=last_day)
    last_start = FeedingSession.objects.filter(infant=infant).aggregate(last=Max("started_at"))["last"]

    per_day = []
    left_seconds = right_seconds = 0
    exclusive_days = 0
    for day in days_between(first_day, last_day):
        row = days.rows.get(day)
        if row is None:
            per_day.append(FeedingDay(day=day, feeds=0, minutes=0.0))
        else:
            per_day.append(FeedingDay(day=day, feeds=row.feeds, minutes=row.seconds / 60))
            left_seconds += row.left
            right_seconds += row.right
        if days.checks.get(day) is False and not (row and row.not_breast_milk):
            exclusive_days += 1

    today = local_today(infant.mother.zone, now)
    complete = [d for d in per_day if d.day < today]
    fed = [d for d in complete if d.feeds]
    breast_seconds = left_seconds + right_seconds
    return FeedingSummary(
        first_day=first_day,
        last_day=last_day,
        days=len(per_day),
        complete_days=len(complete),
        feed_days=len(fed),
        feeds_per_day=sum(d.feeds for d in fed) / len(fed) if fed else None,
        minutes_per_day=sum(d.minutes for d in fed) / len(fed) if fed else None,
        per_day=per_day,
        median_interval_minutes=_median(days.gaps) / 60 if days.gaps else None,
        left_minutes=left_seconds / 60,
        right_minutes=right_seconds / 60,
        left_share=left_seconds / breast_seconds if breast_seconds else None,
        since_last_feed=now - last_start if last_start else None,
        exclusive_breastfeeding_days=exclusive_days,
        checked_days=len(days.checks),
    )


class _DayRow(NamedTuple):
    feeds: int
    seconds: float  # wall-clock seconds of the day's ended feeds
    left: int
    right: int
    not_breast_milk: int


@dataclass(frozen=True)
class _FeedingDays:
    """Per local day totals of a run of days, the daily checks' answers, and the sorted
    seconds between consecutive feed starts within those days."""

    rows: dict[date, _DayRow]
    checks: dict[date, bool]
    gaps: list[float]
    first_start: datetime | None
    last_start: datetime | None

    def followed_by(self, later: "_FeedingDays") -> "_FeedingDays":
        """These days then the (later) days of ``later``, with the gap that joins them."""
        joining = (
            [(later.first_start - self.last_start).total_seconds()]
            if self.last_start and later.first_start
            else []
        )
        return _FeedingDays(
            rows={**self.rows, **later.rows},
            checks={**self.checks, **later.checks},
            gaps=sorted([*self.gaps, *later.gaps, *joining]),
            first_start=self.first_start or later.first_start,
            last_start=later.last_start or self.last_start,
        )

    @classmethod
    def settled(
        cls, *, infant: Infant, first_day: date, last_day: date, through: date
    ) -> tuple["_FeedingDays", "_FeedingDays | None"]:
        """The days ``first_day``..``last_day`` (before today) from their stored totals
        (``tracker.day_totals``), regrouped from the records where a day has none; and the days
        after them up to ``through`` when they were read along (else None)."""
        days, later = settled_and_later_day_totals(
            mother=infant.mother,
            kind=Kind.FEEDING,
            object_id=infant.pk,
            first_day=first_day,
            last_day=last_day,
            through=through,
            load=lambda first, last: _day_totals(infant=infant, first_day=first, last_day=last),
        )
        return cls.of(days), None if later is None else cls.of(later)

    @classmethod
    def load(cls, *, infant: Infant, first_day: date, last_day: date) -> "_FeedingDays":
        """Three queries (see ``_day_totals``)."""
        return cls.of(_day_totals(infant=infant, first_day=first_day, last_day=last_day))

    @classmethod
    def of(cls, days: dict[date, list]) -> "_FeedingDays":
        """The days of ``_day_totals``, whether stored or just read. The gaps are those between
        the feeds' starts, which each day keeps in order."""
        rows, checks, starts = {}, {}, []
        for day in sorted(days):
            feeds, duration, left, right, not_breast_milk, day_starts, checked, other = days[day]
            if feeds:
                seconds = duration / MICROSECONDS if duration else 0.0
                rows[day] = _DayRow(feeds, seconds, left, right, not_breast_milk)
            if checked:
                checks[day] = other
            starts.extend(day_starts)
        return cls(
            rows=rows,
            checks=checks,
            gaps=sorted((later - earlier) / MICROSECONDS for earlier, later in pairwise(starts)),
            first_start=EPOCH + timedelta(microseconds=starts[0]) if starts else None,
            last_start=EPOCH + timedelta(microseconds=starts[-1]) if starts else None,
        )


MICROSECONDS = 10**6
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)


class EpochMicroseconds(Func):
    """An instant as whole microseconds since 1970 (UTC), computed by the database: integers
    cost a fraction of the CPU of aware datetimes to read (two years are 7,000 feeds)."""

    output_field = BigIntegerField()
    # PostgreSQL 14+: EXTRACT gives an exact numeric, so no microsecond is lost to rounding.
    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores an instant as its UTC "YYYY-MM-DD HH:MM:SS[.ffffff]" (six digits, or
        # none when the microseconds are 0): the whole seconds of the first 19 characters
        # (strftime would round a fraction up), then the six digits after the point.
        template = (
            "(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER) * 1000000"
            " + CAST(substr(%(expressions)s || '.000000', 21, 6) AS INTEGER))"
        )
        return self.as_sql(compiler, connection, template=template, **extra_context)


class JoinedIntegers(Aggregate):
    """A group's integers as one text, "3,1,2", in no particular order (SQLite before 3.44
    cannot order inside an aggregate): the feeds' starts read with their day's totals."""

    output_field = TextField()
    template = "STRING_AGG((%(expressions)s)::text, ',')"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="GROUP_CONCAT(%(expressions)s)", **extra_context)


def _day_totals(*, infant: Infant, first_day: date, last_day: date) -> dict[date, list]:
    """Each local day's feeds (with the start of each, in microseconds since 1970, in order)
    and daily check, as ``DayTotals`` keeps them: ``[feeds, microseconds of the ended feeds,
    left seconds, right seconds, feeds not breast milk only, starts, checked, other]``, where
    ``other`` is the check's answer to "anything but breast milk?" (None: unanswered). Two
    queries."""
    zone = infant.mother.zone
    start, _ = local_day_bounds(first_day, zone)
    _, end = local_day_bounds(last_day, zone)
    feeds = FeedingSession.objects.filter(infant=infant, started_at__gte=start, started_at__lt=end).annotate(
        day=TruncDate("started_at", tzinfo=zone)
    )
    ended_duration = ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
    days: dict[date, list] = defaultdict(lambda: [0, 0, 0, 0, 0, [], False, None])
    for row in (
        feeds.order_by()
        .values("day")
        .annotate(
            feeds=Count("pk"),
            duration=Sum(ended_duration, filter=Q(ended_at__isnull=False)),
            left=Sum("left_seconds"),
            right=Sum("right_seconds"),
            not_breast_milk=Count("pk", filter=Q(method__in=NOT_BREAST_MILK_ONLY)),
            starts=JoinedIntegers(EpochMicroseconds("started_at")),
        )
    ):
        duration = row["duration"] // ONE_MICROSECOND if row["duration"] else 0
        days[row["day"]][:6] = [
            row["feeds"],
            duration,
            row["left"] or 0,
            row["right"] or 0,
            row["not_breast_milk"],
            sorted(map(int, row["starts"].split(","))),
        ]
    for day, other in (
        DailyCheck.objects.filter(infant=infant, day__gte=first_day, day__lte=last_day)
        .order_by()
        .values_list("day", "other_than_breast_milk")
    ):
        days[day][6:] = [True, other]
    return dict(days)


def _feeding_days(*, infant: Infant, first_day: date, last_day: date) -> _FeedingDays:
    """The days ``first_day``..``last_day``: the closed ones (before today) cached until one
    of her past records changes (``tracker.closed_days``), the rest read live."""
    return closed_then_live(
        mother=infant.mother,
        kind="feeding",
        object_id=infant.pk,
        first_day=first_day,
        last_day=last_day,
        load=lambda first, last: _FeedingDays.load(infant=infant, first_day=first, last_day=last),
        join=_FeedingDays.followed_by,
        load_closed=lambda first, last, through: _FeedingDays.settled(
            infant=infant, first_day=first, last_day=last, through=through
        ),
    )


def _median(sorted_values: list[float]) -> float:
    middle = len(sorted_values) // 2
    if len(sorted_values) % 2:
        return sorted_values[middle]
    return (sorted_values[middle - 1] + sorted_values[middle]) / 2
