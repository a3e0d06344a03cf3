"""Her settled days' totals, cached a month at a time, so that a cold dashboard regroups only
the days it lacks rather than her whole history.

The dashboard's whole-history numbers start from per-day totals (doses per slot date, feeds
and symptoms per local day). The closed-day caches of ``tracker.closed_days`` are keyed by her
records stamp, so the first view of a day, the first after an edit of the past, or a web
process with an empty cache regrouped two years of records. Under them, each month's per-day
totals are cached here, keyed by a version of that month:

- A day is stored once it ended an hour ago in her zone, so a write that was under way at
  midnight has committed before a reader can store the day it changes.
- A write, move or delete of a record on a closed day gives the months around its day new
  versions, at once and again once it commits (``tracker.closed_days``); a bulk write of hers
  gives all her months new versions. A reader reads the versions before the records, so what
  it stores under a version is never older than that version.
- Feeds and symptoms are cut into days in her zone, which is in the key.

So a new day regroups that day, an edit of the past regroups its month, and two years are
regrouped only when the cache is empty (a new web process without a shared ``CACHE_URL``).
The values are JSON-like lists of whole numbers (microseconds for times): a total read from
the cache is equal to the same total regrouped from the records.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone

from accounts.models import User
from tracker.localtime import days_between, local_date


class Kind(TextChoices):
    DOSES = "doses"  # of a regimen, by slot date
    FEEDING = "feeding"  # of a baby, by the local day a feed started on
    SYMPTOMS = "symptoms"  # of a baby, by the local day a symptom occurred on


#: A day is stored once it ended this long ago (see the module's docstring).
SETTLE_AFTER = timedelta(hours=1)
#: How long a month's totals and its version are kept without being read.
CACHE_SECONDS = 14 * 24 * 3600
ONE_DAY = timedelta(days=1)
#: A record's local day in another zone is at most this far from its day in hers.
ZONE_SPREAD = 2


def settled_day_totals(
    *,
    mother: User,
    kind: str,
    object_id: int,
    first_day: date,
    last_day: date,
    load: Callable[[date, date], dict[date, Any]],
) -> dict[date, Any]:
    """The totals of ``kind`` for ``object_id`` on each day ``first_day``..``last_day`` (days
    before her today, both inclusive) that has any, by day: from the cache, and the days it
    lacks regrouped by one ``load(first, last)`` (totals by day, days with nothing left out),
    then cached when settled. No query when the cache holds every day."""
    totals, _ = settled_and_later_day_totals(
        mother=mother,
        kind=kind,
        object_id=object_id,
        first_day=first_day,
        last_day=last_day,
        through=last_day,
        load=load,
    )
    return totals


def settled_and_later_day_totals(
    *,
    mother: User,
    kind: str,
    object_id: int,
    first_day: date,
    last_day: date,
    through: date,
    load: Callable[[date, date], dict[date, Any]],
) -> tuple[dict[date, Any], dict[date, Any] | None]:
    """``settled_day_totals``, and the totals of the days after ``last_day`` up to ``through``
    (normally today) when they were read along: the records of a run of days the cache lacks
    that ends at ``last_day`` (the first view of a day, or an empty cache) are read through
    ``through`` by the same ``load``, so the caller need not read those days apart. None when
    they were not read; they are never stored."""
    if last_day < first_day:
        return {}, None
    zone = "" if kind == Kind.DOSES else mother.time_zone
    months = sorted({day.replace(day=1) for day in (first_day, last_day)} | _months(first_day, last_day))
    versions = _versions(mother.pk, kind, object_id, months)
    keys = {month: _chunk_key(mother.pk, kind, object_id, zone, month, versions[month]) for month in months}
    chunks = cache.get_many(list(keys.values()))
    totals: dict[date, Any] = {}
    missing: list[date] = []
    for month in months:
        first, last = max(first_day, month), min(last_day, _month_end(month))
        chunk = chunks.get(keys[month])
        if chunk is not None and chunk[0] <= first <= chunk[1]:  # held from ``first``: read up to its end
            totals.update((day, value) for day, value in chunk[2].items() if first <= day <= last)
            first = chunk[1] + ONE_DAY
        if first <= last:
            missing += [first, last]
    if not missing:
        return totals, None
    read_along = max(missing) == last_day < through
    loaded = load(min(missing), through if read_along else max(missing))
    totals.update((day, value) for day, value in loaded.items() if first_day <= day <= last_day)
    later = {day: value for day, value in loaded.items() if day > last_day} if read_along else None
    settled = _last_settled_day(mother)
    by_month: dict[date, dict[date, Any]] = defaultdict(dict)  # one pass, not one per month
    for day, value in loaded.items():
        by_month[day.replace(day=1)][day] = value
    stored = {}
    for month in months:
        first, last = max(min(missing), month), min(max(missing), _month_end(month), settled)
        if first > last:
            continue
        days = {day: value for day, value in by_month[month].items() if first <= day <= last}
        old = chunks.get(keys[month])
        if old is not None and old[0] - ONE_DAY <= last and first <= old[1] + ONE_DAY:
            days = {**old[2], **days}  # what this month already held, joined to what was regrouped
            first, last = min(first, old[0]), max(last, old[1])
        stored[keys[month]] = (first, last, days)
    cache.set_many(stored, CACHE_SECONDS)
    return totals, later


def forget_months(*, mother_id: int, kinds: Iterable[str], object_id: int, days: Iterable[date]) -> None:
    """New versions for the months around ``days`` (a record of theirs was written, moved or
    deleted), now and again once the transaction commits."""
    months = {
        (day + timedelta(days=shift)).replace(day=1) for day in days for shift in (-ZONE_SPREAD, ZONE_SPREAD)
    }
    months |= {day.replace(day=1) for day in days}
    generation = _generation(mother_id)
    keys = [_version_key(mother_id, generation, kind, object_id, month) for kind in kinds for month in months]

    def renew() -> None:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, CACHE_SECONDS)

    renew()
    transaction.on_commit(renew)


def forget_mothers(*mother_ids: int) -> None:
    """New versions for every month of these mothers (a bulk write, whatever days it touched)."""

    def renew() -> None:
        cache.set_many({_generation_key(pk): uuid.uuid4().hex for pk in mother_ids}, CACHE_SECONDS)

    renew()
    transaction.on_commit(renew)


def _versions(mother_id: int, kind: str, object_id: int, months: list[date]) -> dict[date, str]:
    """Each month's version, a new one where there is none. Setting it may overwrite a version
    a write gave it meanwhile: that write gives it another once it commits, so what is read
    before then is never stored under a version still in use."""
    generation = _generation(mother_id)
    keys = {month: _version_key(mother_id, generation, kind, object_id, month) for month in months}
    found = cache.get_many(list(keys.values()))
    new = {key: uuid.uuid4().hex for key in set(keys.values()) - found.keys()}
    if new:
        cache.set_many(new, CACHE_SECONDS)
    return {month: found.get(key) or new[key] for month, key in keys.items()}


def _generation_key(mother_id: int) -> str:
    return f"daytotals:generation:{mother_id}"


def _generation(mother_id: int) -> str:
    """Her months' generation, which a bulk write of hers renews (a new one when the cache lost
    it: her months' versions are then new too)."""
    key = _generation_key(mother_id)
    generation = cache.get(key)
    if generation is None:
        generation = uuid.uuid4().hex
        cache.set(key, generation, CACHE_SECONDS)
    return generation


def _version_key(mother_id: int, generation: str, kind: str, object_id: int, month: date) -> str:
    return f"daytotals:version:{mother_id}:{generation}:{kind}:{object_id}:{month:%Y-%m}"


def _chunk_key(mother_id: int, kind: str, object_id: int, zone: str, month: date, version: str | None) -> str:
    return f"daytotals:month:{mother_id}:{kind}:{object_id}:{zone}:{month:%Y-%m}:{version}"


def _months(first: date, last: date) -> set[date]:
    return {day.replace(day=1) for day in days_between(first, last) if day.day == 1}


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _last_settled_day(mother: User) -> date:
    """The last day that ended an hour ago or more, in her zone."""
    return local_date(timezone.now() - SETTLE_AFTER, mother.zone) - timedelta(days=1)
