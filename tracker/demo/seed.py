"""Demo data: mothers with a newborn, a probiotic regimen and days of realistic history.

Everything is written with ``bulk_create`` (``save()`` and ``full_clean()`` are
skipped for speed), so the rows are built to satisfy the models' rules by
construction: feeds of 10-25 minutes that never overlap, nothing in the future,
every event inside its own local day, and ``DoseLog.scheduled_at`` set explicitly.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from tracker.demo.history import DOSE_TIMES, at_hour, history_add
from tracker.demo.rows import RowSink
from tracker.localtime import local_today
from tracker.models import Infant, Pregnancy, Regimen, SupplementProduct

DEMO_PASSWORD = "milk-and-probiotics-demo"  # noqa: S105 - a demo account's published password
BATCH_SIZE = 2000
TERM_DAYS = 280

MOTHER_NAMES = ["Giulia", "Sofia", "Amira", "Chiara", "Emma", "Lena", "Nadia", "Rosa", "Yuki", "Zoe"]
BABY_NAMES = ["Luca", "Alice", "Leo", "Maya", "Tommaso", "Nora", "Elia", "Ines", "Noah", "Viola"]
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
    sink = RowSink(batch_size)
    with transaction.atomic():
        families = _families_create(
            emails=emails, fresh=set(fresh), zone=zone, today=today, days=days, rng=rng, sink=sink
        )
        for infant, regimen in families:
            history_add(infant=infant, regimen=regimen, history=history, zone=zone, rng=rng, sink=sink)
        sink.flush()
    result.created = fresh
    result.counts = sink.counts
    return result


def _families_create(
    *,
    emails: list[str],
    fresh: set[str],
    zone: ZoneInfo,
    today: date,
    days: int,
    rng: random.Random,
    sink: RowSink,
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
                birth_at=at_hour(born_on, zone, rng.uniform(6, 20)),
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
