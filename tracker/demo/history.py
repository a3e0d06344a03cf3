"""A demo family's days: doses, feeds, symptoms and daily checks, each inside its own local day.

The rows are built unsaved and handed to a ``RowSink`` (``tracker.demo.seed`` says why
they satisfy the models' rules without ``full_clean()``).
"""

import math
import random
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from tracker.demo.rows import RowSink
from tracker.localtime import local_day_bounds, wall_clock_to_utc
from tracker.models import DailyCheck, DoseLog, FeedingSession, Infant, Regimen, Side, SymptomEntry

DOSE_TIMES = ["08:00", "20:00"]

MISSED_SHARE = 0.08  # slots never answered
SKIPPED_SHARE = 0.04  # slots answered "skipped", with a reason
LATE_SHARE = 0.12  # taken doses taken 1-3 h after the slot
#: Where the demo's taken doses were logged from (weights 70 / 25 / 5).
DEMO_SOURCES = [DoseLog.Source.WEB, DoseLog.Source.EMAIL, DoseLog.Source.API]

# Babies feed less often at night: an hour before 06:00 holds this share of a day hour's feeds.
NIGHT_END_HOUR = 6
NIGHT_DENSITY = 0.6

SKIP_REASONS = [
    "Forgot to pack it when we went out",
    "Upset stomach",
    "Ran out, bought more the next day",
    "Fell asleep with the baby",
]


@lru_cache(maxsize=8192)
def _day_frame(day: date, zone: ZoneInfo) -> tuple[datetime, float]:
    """UTC start of the local ``day`` and its length in seconds (23, 24 or 25 h)."""
    start, end = local_day_bounds(day, zone)
    return start, (end - start).total_seconds()


@lru_cache(maxsize=8192)
def _slot_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    return wall_clock_to_utc(day, at, zone)


def at_hour(day: date, zone: ZoneInfo, hour: float) -> datetime:
    """The instant ``hour`` hours into the local day, scaled so that a DST day still fits."""
    start, length = _day_frame(day, zone)
    return start + timedelta(seconds=round(hour / 24 * length))


def history_add(
    *,
    infant: Infant,
    regimen: Regimen,
    history: list[date],
    zone: ZoneInfo,
    rng: random.Random,
    sink: RowSink,
) -> None:
    """Add a family's records for each local day of ``history`` (oldest first) to ``sink``."""
    _doses_add(regimen=regimen, history=history, zone=zone, rng=rng, sink=sink)
    side = rng.choice(Side.values)
    for index, day in enumerate(history):
        feeds, side = _feeds_of_day(infant=infant, day=day, zone=zone, first_side=side, rng=rng)
        for feed in feeds:
            sink.add(feed)
        symptoms = _symptoms_of_day(infant=infant, day=day, index=index, zone=zone, feeds=feeds, rng=rng)
        for entry in symptoms:
            sink.add(entry)
        if rng.random() < 0.9:  # most days, not all: a day with no data stays visible as such
            troubled = any(entry.kind != SymptomEntry.Kind.STOOL for entry in symptoms)
            sink.add(
                DailyCheck(infant=infant, day=day, no_symptoms=not troubled, other_than_breast_milk=False)
            )


def _doses_add(
    *, regimen: Regimen, history: list[date], zone: ZoneInfo, rng: random.Random, sink: RowSink
) -> None:
    """Answer ~88% of the slots as taken (some late), ~4% as skipped; the rest stay missed."""
    slots = [(day, time.fromisoformat(value)) for day in history for value in DOSE_TIMES]
    # Exact shares rather than coin flips, so a short demo still lands near the real figures.
    unanswered = rng.sample(range(len(slots)), round(len(slots) * (MISSED_SHARE + SKIPPED_SHARE)))
    skipped = set(unanswered[: round(len(slots) * SKIPPED_SHARE)])
    missed = set(unanswered) - skipped
    for index, (day, at) in enumerate(slots):
        if index in missed:
            continue
        scheduled_at = _slot_instant(day, at, zone)
        log = DoseLog(regimen=regimen, slot_date=day, slot_time=at, scheduled_at=scheduled_at)
        if index in skipped:
            log.status, log.skip_reason = DoseLog.Status.SKIPPED, rng.choice(SKIP_REASONS)
        else:
            late = rng.random() < LATE_SHARE
            minutes = rng.uniform(60, 180) if late else rng.uniform(-10, 45)
            log.status, log.taken_at = DoseLog.Status.TAKEN, scheduled_at + timedelta(minutes=minutes)
            log.source = rng.choices(DEMO_SOURCES, weights=[70, 25, 5])[0]
        sink.add(log)


def _feed_hours(count: int, rng: random.Random) -> list[float]:
    """``count`` start times (hours into the day), spread evenly over a night-thinned clock.

    Each feed sits in its own share of the day, jittered by at most a fifth of
    it, so consecutive starts are always over an hour apart and the last feed
    ends before midnight.
    """
    night = NIGHT_END_HOUR * NIGHT_DENSITY
    spacing = (night + 24 - NIGHT_END_HOUR) / count
    hours = []
    for n in range(count):
        mass = (n + 0.5 + rng.uniform(-0.2, 0.2)) * spacing
        hours.append(mass / NIGHT_DENSITY if mass < night else NIGHT_END_HOUR + mass - night)
    return hours


def _feeds_of_day(
    *, infant: Infant, day: date, zone: ZoneInfo, first_side: str, rng: random.Random
) -> tuple[list[FeedingSession], str]:
    """8-12 feeds on ``day``; returns them and the breast to offer first next."""
    feeds = []
    side = first_side
    for hour in _feed_hours(rng.randint(8, 12), rng):
        started_at = at_hour(day, zone, hour)
        if rng.random() < 0.04:  # now and then a bottle of expressed milk, e.g. when dad feeds
            seconds = rng.randint(8, 15) * 60
            feeds.append(
                FeedingSession(
                    infant=infant,
                    started_at=started_at,
                    ended_at=started_at + timedelta(seconds=seconds),
                    method=FeedingSession.Method.EXPRESSED,
                    bottle_ml=rng.randrange(60, 135, 5),
                )
            )
            continue
        seconds = rng.randint(10 * 60, 25 * 60)
        suckling = seconds - rng.randint(0, 120)  # burping and latching are not on a breast
        if rng.random() < 0.85:
            switches = 2 if rng.random() < 0.15 else 1
            first = round(suckling * rng.uniform(0.5, 0.65))
        else:
            switches, first = 0, suckling
        left, right = (first, suckling - first) if side == Side.LEFT else (suckling - first, first)
        feeds.append(
            FeedingSession(
                infant=infant,
                started_at=started_at,
                ended_at=started_at + timedelta(seconds=seconds),
                method=FeedingSession.Method.BREAST,
                start_side=side,
                left_seconds=left,
                right_seconds=right,
                switches=switches,
            )
        )
        side = feeds[-1].next_start_side  # as the app suggests
    return feeds, side


def _poisson(mean: float, rng: random.Random) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _symptoms_of_day(
    *, infant: Infant, day: date, index: int, zone: ZoneInfo, feeds: list[FeedingSession], rng: random.Random
) -> list[SymptomEntry]:
    """Spit-ups, crying, tummy pain and stools for one local day.

    ``index`` is the day of the regimen (0 = its first day): spit-ups fall from
    about 4 a day towards 1, crying and tummy pain ease too.
    """
    easing = math.exp(-index / 7)
    day_start, length = _day_frame(day, zone)
    last_moment = day_start + timedelta(seconds=length - 60)
    kind = SymptomEntry.Kind
    entries = []

    def after_a_feed(low: int, high: int) -> datetime:
        feed = rng.choice(feeds)
        return min(feed.ended_at + timedelta(minutes=rng.randint(low, high)), last_moment)

    for _ in range(_poisson(1 + 3 * easing, rng)):
        entries.append(
            SymptomEntry(
                infant=infant,
                kind=kind.REGURGITATION,
                occurred_at=after_a_feed(2, 40),
                size=rng.choices(SymptomEntry.Size.values, weights=[6, 3, 1])[0],
                is_vomiting=rng.random() < 0.03,
            )
        )
    # Crying spells, mostly in the evening; each starts in its own hour and ends by 23:45.
    hours = rng.choices(range(23), weights=[1] * 16 + [3] * 7, k=min(5, _poisson(1.5 + 1.5 * easing, rng)))
    for hour in sorted(set(hours)):
        started = at_hour(day, zone, hour + rng.uniform(0, 0.2))
        minutes = rng.randint(5, 45)
        timed = rng.random() < 0.5
        entries.append(
            SymptomEntry(
                infant=infant,
                kind=kind.CRYING,
                occurred_at=started,
                ended_at=started + timedelta(minutes=minutes) if timed else None,
                duration_minutes=minutes,
            )
        )
    for _ in range(_poisson(0.3 + 0.9 * easing, rng)):
        entries.append(
            SymptomEntry(
                infant=infant,
                kind=kind.ABDOMINAL_PAIN,
                occurred_at=at_hour(day, zone, rng.uniform(0, 23.9)),
                severity=rng.choices([1, 2, 3], weights=[5, 3, 2])[0],
            )
        )
    for _ in range(rng.randint(2, 5)):
        entries.append(
            SymptomEntry(
                infant=infant,
                kind=kind.STOOL,
                occurred_at=after_a_feed(0, 30),
                stool_consistency=rng.choices([4, 5, 6], weights=[3, 5, 2])[0],
                stool_colour=rng.choices(["yellow", "green", "brown"], weights=[16, 3, 1])[0],
                straining_minutes=rng.randint(1, 6) if rng.random() < 0.2 else None,
            )
        )
    return entries
