"""Demo data: mothers with a newborn, a probiotic regimen and days of realistic history.

Everything is written with ``bulk_create`` (``save()`` and ``full_clean()`` are
skipped for speed), so the rows are built to satisfy the models' rules by
construction: feeds of 10-25 minutes that never overlap, nothing in the future,
every event inside its own local day, and ``DoseLog.scheduled_at`` set explicitly.
"""

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from tracker.localtime import local_day_bounds, local_today, wall_clock_to_utc
from tracker.models import (
    DailyCheck,
    DoseLog,
    FeedingSession,
    Infant,
    Pregnancy,
    Regimen,
    Side,
    SupplementProduct,
    SymptomEntry,
)

DEMO_PASSWORD = "milk-and-probiotics-demo"  # noqa: S105 - a demo account's published password
BATCH_SIZE = 2000
DOSE_TIMES = ["08:00", "20:00"]
TERM_DAYS = 280

MISSED_SHARE = 0.08  # slots never answered
SKIPPED_SHARE = 0.04  # slots answered "skipped", with a reason
LATE_SHARE = 0.12  # taken doses taken 1-3 h after the slot

# Babies feed less often at night: an hour before 06:00 holds this share of a day hour's feeds.
NIGHT_END_HOUR = 6
NIGHT_DENSITY = 0.6

MOTHER_NAMES = ["Giulia", "Sofia", "Amira", "Chiara", "Emma", "Lena", "Nadia", "Rosa", "Yuki", "Zoe"]
BABY_NAMES = ["Luca", "Alice", "Leo", "Maya", "Tommaso", "Nora", "Elia", "Ines", "Noah", "Viola"]
SKIP_REASONS = [
    "Forgot to pack it when we went out",
    "Upset stomach",
    "Ran out, bought more the next day",
    "Fell asleep with the baby",
]
STRAINS = (
    "Lactobacillus paracasei\nLactobacillus plantarum\nLactobacillus acidophilus\n"
    "Lactobacillus delbrueckii subsp. bulgaricus\nBifidobacterium longum\nBifidobacterium breve\n"
    "Bifidobacterium infantis\nStreptococcus thermophilus"
)


@dataclass
class DemoSeedResult:
    """What ``demo_seed`` did: mothers created or found, and rows written per kind."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    password: str = DEMO_PASSWORD


def demo_emails(*, first: str, count: int) -> list[str]:
    """``first`` and then ``local+2@domain``, ``local+3@domain``... up to ``count`` addresses."""
    local, _, domain = first.strip().lower().partition("@")
    return [f"{local}@{domain}"] + [f"{local}+{n}@{domain}" for n in range(2, count + 1)]


def demo_seed(
    *,
    days: int,
    mothers: int,
    email: str,
    zone_name: str,
    seed: int,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> DemoSeedResult:
    """Create ``mothers`` demo mothers in ``zone_name``, each with ``days`` local days of history.

    The history covers the ``days`` local days before today (today's dose slots
    stay open, no feed is running). A mother whose address already exists is
    left untouched and reported in ``existing``. The same ``seed`` on the same
    local day gives the same data.
    """
    now = now or timezone.now()
    zone = ZoneInfo(zone_name)
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    result = DemoSeedResult()
    emails = demo_emails(first=email, count=mothers)
    registered = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    result.existing = [address for address in emails if address in registered]
    fresh = [address for address in emails if address not in registered]
    if not fresh:
        return result
    today = local_today(zone, now)
    history = [today - timedelta(days=n) for n in range(days, 0, -1)]
    sink = _RowSink(batch_size)
    with transaction.atomic():
        families = _families_create(
            emails=emails, fresh=set(fresh), zone=zone, today=today, days=days, rng=rng, sink=sink
        )
        for infant, regimen in families:
            _history_add(infant=infant, regimen=regimen, history=history, zone=zone, rng=rng, sink=sink)
        sink.flush()
    result.created = fresh
    result.counts = sink.counts
    return result


class _RowSink:
    """Collects unsaved rows per model and writes them with ``bulk_create`` in batches."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.pending: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.counts: Counter = Counter()

    def add(self, row: models.Model) -> None:
        rows = self.pending[type(row)]
        rows.append(row)
        if len(rows) >= self.batch_size:
            self._flush(type(row))

    def create(self, rows: list) -> list:
        """Write ``rows`` (one model) now, so that children can point at them."""
        if rows:
            type(rows[0]).objects.bulk_create(rows, batch_size=self.batch_size)
            model = type(rows[0])
            self.counts["mothers" if model is User else model._meta.verbose_name_plural] += len(rows)
        return rows

    def flush(self) -> None:
        for model in list(self.pending):
            self._flush(model)

    def _flush(self, model: type[models.Model]) -> None:
        self.create(self.pending.pop(model, []))


@lru_cache(maxsize=8192)
def _day_frame(day: date, zone: ZoneInfo) -> tuple[datetime, float]:
    """UTC start of the local ``day`` and its length in seconds (23, 24 or 25 h)."""
    start, end = local_day_bounds(day, zone)
    return start, (end - start).total_seconds()


@lru_cache(maxsize=8192)
def _slot_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    return wall_clock_to_utc(day, at, zone)


def _at_hour(day: date, zone: ZoneInfo, hour: float) -> datetime:
    """The instant ``hour`` hours into the local day, scaled so that a DST day still fits."""
    start, length = _day_frame(day, zone)
    return start + timedelta(seconds=round(hour / 24 * length))


def _families_create(
    *,
    emails: list[str],
    fresh: set[str],
    zone: ZoneInfo,
    today: date,
    days: int,
    rng: random.Random,
    sink: _RowSink,
) -> list[tuple[Infant, Regimen]]:
    """Mothers, their pregnancies, a baby born the day before the history starts, product, regimen."""
    password = make_password(DEMO_PASSWORD)  # once: argon2 per mother would take minutes
    mothers = sink.create(
        [
            User(
                email=address,
                display_name=_numbered(MOTHER_NAMES, n),
                time_zone=zone.key,
                role=User.Role.MOTHER,
                password=password,
            )
            for n, address in enumerate(emails)
            if address in fresh
        ]
    )
    born_on = today - timedelta(days=days + 1)
    births = []
    for mother in mothers:
        weeks, extra_days = rng.randint(38, 41), rng.randint(0, 6)
        due = born_on + timedelta(days=TERM_DAYS - (weeks * 7 + extra_days))
        births.append((mother, weeks, extra_days, Pregnancy(mother=mother, due_date=due)))
    sink.create([pregnancy for *_, pregnancy in births])
    infants = sink.create(
        [
            Infant(
                mother=mother,
                pregnancy=pregnancy,
                name=_numbered(BABY_NAMES, n),
                birth_at=_at_hour(born_on, zone, rng.uniform(6, 20)),
                gestational_weeks=weeks,
                gestational_days=extra_days,
                delivery_mode=rng.choices(
                    [Infant.DeliveryMode.VAGINAL, Infant.DeliveryMode.CAESAREAN], weights=[7, 3]
                )[0],
                birth_weight_g=rng.randint(2900, 3300) + 120 * (weeks - 38) + rng.randint(0, 400),
            )
            for n, (mother, weeks, extra_days, pregnancy) in enumerate(births)
        ]
    )
    products = sink.create(
        [
            SupplementProduct(
                mother=mother,
                name="Multi-strain probiotic",
                brand="Pharmacy own brand",
                strains=STRAINS,
                cfu_per_dose=4_500_000_000,
                form=SupplementProduct.Form.CAPSULE,
            )
            for mother in mothers
        ]
    )
    regimens = sink.create(
        [
            Regimen(
                mother=mother,
                product=product,
                preset=Regimen.Preset.CUSTOM,
                pregnancy=infant.pregnancy,
                doses_per_day=len(DOSE_TIMES),
                dose_times=list(DOSE_TIMES),
                start_date=today - timedelta(days=days),
                end_date=None,
            )
            for mother, product, infant in zip(mothers, products, infants, strict=True)
        ]
    )
    return list(zip(infants, regimens, strict=True))


def _numbered(names: list[str], n: int) -> str:
    name = names[n % len(names)]
    return name if n < len(names) else f"{name} {n + 1}"


def _history_add(
    *,
    infant: Infant,
    regimen: Regimen,
    history: list[date],
    zone: ZoneInfo,
    rng: random.Random,
    sink: _RowSink,
) -> None:
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
    *, regimen: Regimen, history: list[date], zone: ZoneInfo, rng: random.Random, sink: _RowSink
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
            log.source = rng.choices(DoseLog.Source.values, weights=[70, 25, 5])[0]
        sink.add(log)


def _other(side: str) -> str:
    return Side.RIGHT if side == Side.LEFT else Side.LEFT


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
        started_at = _at_hour(day, zone, hour)
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
        # As the app suggests: after both breasts start on the one she ended on, else the other.
        ended_on = side if switches % 2 == 0 else _other(side)
        side = ended_on if switches else _other(side)
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
        started = _at_hour(day, zone, hour + rng.uniform(0, 0.2))
        minutes = rng.randint(5, 45)
        timed = rng.random() < 0.5
        entries.append(
            SymptomEntry(
                infant=infant,
                kind=kind.CRYING,
                occurred_at=started,
                ended_at=started + timedelta(minutes=minutes) if timed else None,
                duration_minutes=None if timed else minutes,
            )
        )
    for _ in range(_poisson(0.3 + 0.9 * easing, rng)):
        entries.append(
            SymptomEntry(
                infant=infant,
                kind=kind.ABDOMINAL_PAIN,
                occurred_at=_at_hour(day, zone, rng.uniform(0, 23.9)),
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
