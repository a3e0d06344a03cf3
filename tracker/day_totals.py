"""Her settled days' totals, kept a month at a time in the cache and in the database, so that
a cold dashboard regroups only the days it lacks rather than her whole history.

The dashboard's whole-history numbers start from per-day totals (doses per slot date, feeds
and symptoms per local day). The closed-day caches of ``tracker.closed_days`` are keyed by her
records stamp, so the first view of a day, the first after an edit of the past, or a web
process with an empty cache start again from these per-day totals. Each month's per-day totals
are kept twice:

- In the cache, keyed by a version of that month. A write, move or delete of a record on a
  closed day gives the months around its day new versions, at once and again once it commits
  (``tracker.closed_days``); a bulk write of hers gives all her months new versions. A reader
  reads the versions before the records, so what it stores under a version is never older
  than that version.
- In the database (``DayTotalsMonth``), read when the cache lacks a month (a new web process
  without a shared ``CACHE_URL``, a flushed or evicted cache). The same writes delete the rows
  of those months (a bulk write: all her rows) in their own transaction, after changing her
  records stamp. A reader stores its rows in one statement that inserts them only if her
  records stamp is unchanged since she was loaded (before her records were read), taking a
  share lock on her account row on PostgreSQL: a writer that changed the stamp meanwhile has
  committed (the stamp differs, nothing is stored), or is still open and the statement waits
  for it (then finds the stamp changed), or comes later and deletes the rows.

A day is stored once it ended an hour ago in her zone, so a write that was under way at
midnight has committed before a reader can store the day it changes. Feeds and symptoms are
cut into days in her zone, which is in the key. So a new day regroups that day, an edit of the
past regroups its month, and two years are regrouped only the first time (or after her time
zone or a bulk write changed every day). The values are JSON-like lists of whole numbers
(microseconds for times): a total read from the cache or the database is equal to the same
total regrouped from the records.
"""

import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import TextChoices
from django.utils import timezone

from accounts.models import User
from tracker.localtime import days_between, local_date
from tracker.models import DayTotalsMonth

logger = logging.getLogger(__name__)


class Kind(TextChoices):
    DOSES = "doses"  # of a regimen, by slot date
    FEEDING = "feeding"  # of a baby, by the local day a feed started on
    SYMPTOMS = "symptoms"  # of a baby, by the local day a symptom occurred on


class MonthTotals(NamedTuple):
    """A month's per-day totals as kept: its days ``first``..``last`` (those with nothing left
    out of ``days``), and the first and last days the database holds (None: none, or not known)."""

    first: date
    last: date
    days: dict[date, Any]
    stored: tuple[date, date] | None = None


#: In the cache in place of a month's totals: the database holds none either.
NOT_STORED = "not stored"
#: A month regrouped further is stored in the database again once its database row lacks earlier
#: days, or its last day is this many days behind (so the first view of a day writes nothing
#: most days).
STORE_LAG = timedelta(days=7)
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
    zone = _zone(mother.time_zone, kind)
    months = sorted({day.replace(day=1) for day in (first_day, last_day)} | _months(first_day, last_day))
    versions = _versions(mother.pk, kind, object_id, months)
    keys = {month: _chunk_key(mother.pk, kind, object_id, zone, month, versions[month]) for month in months}
    cached = cache.get_many(list(keys.values()))
    chunks = {
        m: MonthTotals(*cached[keys[m]]) for m in months if cached.get(keys[m], NOT_STORED) != NOT_STORED
    }
    from_database = _stored_months(
        mother, kind, object_id, zone, [m for m in months if keys[m] not in cached]
    )
    chunks |= from_database
    totals: dict[date, Any] = {}
    missing: list[date] = []
    for month in months:
        first, last = max(first_day, month), min(last_day, _month_end(month))
        chunk = chunks.get(month)
        if chunk is not None and chunk.first <= first <= chunk.last:  # held from ``first``: read to its end
            totals.update((day, value) for day, value in chunk.days.items() if first <= day <= last)
            first = chunk.last + ONE_DAY
        if first <= last:
            missing += [first, last]
    if not missing:
        _cache_months(keys, from_database)
        return totals, None
    read_along = max(missing) == last_day < through
    loaded = load(min(missing), through if read_along else max(missing))
    totals.update((day, value) for day, value in loaded.items() if first_day <= day <= last_day)
    later = {day: value for day, value in loaded.items() if day > last_day} if read_along else None
    settled = _last_settled_day(mother)
    by_month: dict[date, dict[date, Any]] = defaultdict(dict)  # one pass, not one per month
    for day, value in loaded.items():
        by_month[day.replace(day=1)][day] = value
    regrouped: dict[date, MonthTotals] = {}
    for month in months:
        first, last = max(min(missing), month), min(max(missing), _month_end(month), settled)
        if first > last:
            continue
        days = {day: value for day, value in by_month[month].items() if first <= day <= last}
        old, stored = chunks.get(month), None
        if old is not None and old.first - ONE_DAY <= last and first <= old.last + ONE_DAY:
            days = {**old.days, **days}  # what this month already held, joined to what was regrouped
            first, last, stored = min(first, old.first), max(last, old.last), old.stored
        regrouped[month] = MonthTotals(first, last, days, stored)
    lagging = {
        month: chunk
        for month, chunk in regrouped.items()
        if chunk.stored is None or chunk.first < chunk.stored[0] or chunk.last - chunk.stored[1] >= STORE_LAG
    }
    if _store_months(mother, kind, object_id, zone, lagging):
        regrouped |= {
            month: chunk._replace(stored=(chunk.first, chunk.last)) for month, chunk in lagging.items()
        }
    _cache_months(keys, from_database | regrouped)
    return totals, later


def _cache_months(keys: dict[date, str], chunks: dict[date, MonthTotals]) -> None:
    """Cache ``chunks`` under their months' ``keys``: the next first view of a day, or the next
    after an edit of the past, reads them with no query. (Months read from the database are
    cached under versions read before them, as the records are.)"""
    if chunks:
        cache.set_many({keys[month]: chunk for month, chunk in chunks.items()}, CACHE_SECONDS)


def forget_months(
    *, mother_id: int, zone: str, kinds: Iterable[str], object_id: int, days: Iterable[date]
) -> None:
    """New versions for the months around ``days`` (a record of theirs was written, moved or
    deleted), now and again once the transaction commits, known to be stored nowhere (no reader
    looks for them in the database); and their rows deleted. ``zone`` is her time zone's name."""
    kinds = list(kinds)
    months = {
        (day + timedelta(days=shift)).replace(day=1) for day in days for shift in (-ZONE_SPREAD, ZONE_SPREAD)
    }
    months |= {day.replace(day=1) for day in days}
    generation = _generation(mother_id)

    def renew() -> None:
        versions, chunks = {}, {}
        for kind in kinds:
            for month in months:
                versions[_version_key(mother_id, generation, kind, object_id, month)] = version = (
                    uuid.uuid4().hex
                )
                chunks[_chunk_key(mother_id, kind, object_id, _zone(zone, kind), month, version)] = NOT_STORED
        cache.set_many(versions | chunks, CACHE_SECONDS)

    renew()
    transaction.on_commit(renew)
    DayTotalsMonth.objects.filter(
        mother_id=mother_id, kind__in=kinds, object_id=object_id, month__in=months
    ).delete()


def forget_mothers(*mother_ids: int) -> None:
    """New versions for every month of these mothers (a bulk write, whatever days it touched)."""

    def renew() -> None:
        cache.set_many({_generation_key(pk): uuid.uuid4().hex for pk in mother_ids}, CACHE_SECONDS)

    renew()
    transaction.on_commit(renew)
    DayTotalsMonth.objects.filter(mother_id__in=mother_ids).delete()


def forget_object(*, mother_id: int, kinds: Iterable[str], object_id: int) -> None:
    """Drop the stored months of a regimen or a baby that was deleted."""
    DayTotalsMonth.objects.filter(mother_id=mother_id, kind__in=list(kinds), object_id=object_id).delete()


def _stored_months(
    mother: User, kind: str, object_id: int, zone: str, months: list[date]
) -> dict[date, MonthTotals]:
    """The months of ``months`` the database holds (read as one span of months: those between
    are left out afterwards). No query for no month."""
    if not months:
        return {}
    rows = DayTotalsMonth.objects.filter(
        mother_id=mother.pk,
        kind=kind,
        object_id=object_id,
        zone=zone,
        month__range=(min(months), max(months)),
    ).values_list("month", "first_day", "last_day", "days")
    wanted = set(months)
    return {
        month: MonthTotals(first, last, _days_of(first, days), (first, last))
        for month, first, last, days in rows
        if month in wanted
    }


def _days_of(first: date, stored: list) -> dict[date, Any]:
    """The totals by day of a row's ``days``: one value a day from ``first``, null for none."""
    start = first.toordinal()
    return {date.fromordinal(start + n): value for n, value in enumerate(stored) if value is not None}


def _stored_days(chunk: MonthTotals) -> list:
    """``chunk``'s totals as a row keeps them (see ``_days_of``)."""
    start = chunk.first.toordinal()
    by_offset = {day.toordinal() - start: value for day, value in chunk.days.items()}
    return [by_offset.get(n) for n in range(chunk.last.toordinal() - start + 1)]


def _store_months(
    mother: User, kind: str, object_id: int, zone: str, chunks: dict[date, MonthTotals]
) -> bool:
    """Keep ``chunks`` in the database, in one statement, if her records stamp is still the one
    she was loaded with (see the module's docstring); whether they were."""
    if not chunks:
        return False
    quote, postgres = connection.ops.quote_name, connection.vendor == "postgresql"
    users, months = quote(User._meta.db_table), quote(DayTotalsMonth._meta.db_table)
    pk, stamp = quote(User._meta.pk.column), quote(User._meta.get_field("records_stamp").column)
    as_date, as_json = ("CAST(%s AS date)", "CAST(%s AS jsonb)") if postgres else ("%s", "%s")
    row = f"(%s, %s, %s, %s, {as_date}, {as_date}, {as_date}, {as_json})"
    params: list = []
    for month, chunk in chunks.items():
        days = json.dumps(_stored_days(chunk), separators=(",", ":"))
        dates = (month, chunk.first, chunk.last)
        params += [mother.pk, kind, object_id, zone, *map(connection.ops.adapt_datefield_value, dates), days]
    key, totals = ", ".join(map(quote, KEY_COLUMNS)), [quote(c) for c in TOTAL_COLUMNS]
    picked = ", ".join(f"v.column{n}" for n in range(1, len(KEY_COLUMNS) + len(TOTAL_COLUMNS) + 1))
    lock = " FOR SHARE OF u" if postgres else ""
    # Only names and placeholders are formatted in, never a value.
    sql = (
        f"INSERT INTO {months} ({key}, {', '.join(totals)}) "  # noqa: S608
        f"SELECT {picked} FROM (VALUES {', '.join([row] * len(chunks))}) AS v, {users} AS u "
        f"WHERE u.{pk} = %s AND u.{stamp} = %s{lock} "
        f"ON CONFLICT ({key}) DO UPDATE SET {', '.join(f'{c} = EXCLUDED.{c}' for c in totals)}"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, mother.pk, mother.records_stamp])
            return cursor.rowcount > 0
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        logger.warning("the day totals of %s %s were not stored", kind, object_id, exc_info=True)
        return False


#: The columns ``_store_months`` writes: the unique key, then the totals.
KEY_COLUMNS = ("mother_id", "kind", "object_id", "zone", "month")
TOTAL_COLUMNS = ("first_day", "last_day", "days")


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


def _zone(zone: str, kind: str) -> str:
    """The zone a kind's days are cut in: hers, but none for doses (counted by slot date)."""
    return "" if kind == Kind.DOSES else zone


def _chunk_key(mother_id: int, kind: str, object_id: int, zone: str, month: date, version: str | None) -> str:
    return f"daytotals:month:{mother_id}:{kind}:{object_id}:{zone}:{month:%Y-%m}:{version}"


def _months(first: date, last: date) -> set[date]:
    return {day.replace(day=1) for day in days_between(first, last) if day.day == 1}


def _month_end(month: date) -> date:
    return (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _last_settled_day(mother: User) -> date:
    """The last day that ended an hour ago or more, in her zone."""
    return local_date(timezone.now() - SETTLE_AFTER, mother.zone) - timedelta(days=1)
