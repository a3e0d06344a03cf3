"""Closed days: a mother's local days before today, whose per-day totals seldom change.

The dashboard's whole-history numbers (adherence since the regimen started, the
screening flags since the birth) are built from per-day totals. The totals of
the closed days are cached under the mother's ``records_stamp``; today's are
always read live. The stamp changes whenever a record that falls on a closed day
is written, moved or deleted, and on any change to a baby, a pregnancy or a
regimen, and when her time zone changes. So logging today's dose, feed or spit-up (and stopping today's feed)
keeps the cache warm, and an edit of the past is seen on the next page view.

Bulk writes that bypass ``save()``/``delete()`` (``bulk_create``, ``bulk_update``,
``QuerySet.update``) change the stamp too: the records' querysets send ``bulk_written``
(``tracker.models.scoping.RecordsQuerySet``), whatever days they touch. Saving her account
never writes the stamp back (``User.save``).

Each cached value is keyed by one frozen dataclass of its inputs (``cache_key``), so the key
lists every field by construction: add a field to the dataclass and it is in the key.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, is_dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from accounts.models import User, new_records_stamp
from tracker.day_totals import Kind, forget_months, forget_mothers, forget_object
from tracker.localtime import local_date, local_today
from tracker.models import (
    DailyCheck,
    DoseLog,
    FeedingSession,
    Infant,
    Pregnancy,
    Regimen,
    ScheduleChange,
    SymptomEntry,
)
from tracker.models.scoping import bulk_written

T = TypeVar("T")
_MISSING = object()
#: Closed days stay cached this long (the key also changes at her local midnight).
CACHE_SECONDS = 26 * 3600
#: The first view of a day reads these last closed days again (see ``closed_then_live``).
EXTENDED_DAYS = 2
#: A value whose inputs hold no day (the dose times' changes, a birth) is kept this long: only
#: a new records stamp changes its key.
STAMPED_SECONDS = 14 * 24 * 3600


def last_closed_day(zone) -> date:
    """Yesterday, in ``zone``: the last day that can no longer gain a record by the clock."""
    return local_today(zone) - timedelta(days=1)


def cache_key(*, mother: User, inputs) -> str:
    """The cache key of a value computed from ``inputs`` (a frozen dataclass) and the mother's
    records as they stand: her records stamp and time zone, and every field of ``inputs``."""
    if not (is_dataclass(inputs) and type(inputs).__dataclass_params__.frozen):
        raise TypeError(f"cache inputs must be a frozen dataclass, not {type(inputs).__name__}")
    described = "|".join([mother.records_stamp, mother.time_zone, repr(inputs)])
    digest = hashlib.sha256(described.encode()).hexdigest()[:32]
    return f"closed:{type(inputs).__name__}:{mother.pk}:{digest}"


def closed_days_cached(*, mother: User, inputs, compute: Callable[[], T], timeout: int = CACHE_SECONDS) -> T:
    """``compute()``, cached for ``mother`` until her records stamp or time zone changes.

    ``inputs`` is a frozen dataclass naming everything else the value depends on (the
    object, its first and last day, the settings it was computed with, the totals of the
    open days it used); ``compute`` should read them from it. A value whose inputs hold no
    day can be kept longer (``timeout``, in seconds).

    On a miss the value computed is the one returned: not read back from the cache as
    ``cache.get_or_set`` does, which unpickles two years of totals again on every cold view
    (a value another request stored meanwhile is computed from the same records stamp)."""
    key = cache_key(mother=mother, inputs=inputs)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.add(key, value, timeout)
    return value


@dataclass(frozen=True)
class ClosedSpan:
    """The inputs of a per-day total over closed days: what is totalled, of which object, and
    the days."""

    kind: str  # "symptoms", "feeding"...
    object_id: int
    first_day: date
    last_day: date


def closed_then_live(
    *,
    mother: User,
    kind: str,
    object_id: int,
    first_day: date,
    last_day: date,
    load: Callable[[date, date], T],
    join: Callable[[T, T], T],
    load_closed: Callable[[date, date, date], tuple[T, T | None]] | None = None,
    before: Callable[[T, date], T] | None = None,
) -> T:
    """``load(first, last)`` over ``first_day``..``last_day``: the closed days (up to
    yesterday in her zone) from the cache, the rest (normally just today) read live, combined
    with ``join(closed, live)``. ``kind`` and ``object_id`` say what is loaded.

    On a miss the closed days come from ``load_closed(first, last, through)`` (by default
    ``load``), which also gives the days after ``last`` up to ``through`` when it read them
    in the same queries (the first view of a day reads yesterday with today), else None.
    With ``before(value, day)`` (the days of ``value`` before ``day``), the first view of a
    day starts from the day before's value under the same stamp: its days but the last (which
    may have been read before it settled) and the last two read again (``EXTENDED_DAYS``)."""
    closed_last = min(last_day, last_closed_day(mother.zone))
    if closed_last < first_day:
        return load(first_day, last_day)
    read_along: list[T] = []

    def compute() -> T:
        if load_closed is None:
            return load(first_day, closed_last)
        reread = closed_last - timedelta(days=EXTENDED_DAYS - 1)
        previous = None
        if before is not None and reread > first_day:
            span = ClosedSpan(kind, object_id, first_day, closed_last - timedelta(days=1))
            previous = cache.get(cache_key(mother=mother, inputs=span))
        if previous is not None:
            newest, later = load_closed(reread, closed_last, last_day)
            closed = join(before(previous, reread), newest)
        else:
            closed, later = load_closed(first_day, closed_last, last_day)
        if later is not None:
            read_along.append(later)
        return closed

    closed = closed_days_cached(
        mother=mother, inputs=ClosedSpan(kind, object_id, first_day, closed_last), compute=compute
    )
    if closed_last == last_day:
        return closed
    live = read_along[0] if read_along else load(closed_last + timedelta(days=1), last_day)
    return join(closed, live)


def records_changed(*mother_ids: int) -> None:
    """Forget every cached closed-day total of these mothers (one new stamp serves them all:
    each key holds her id too)."""
    User.objects.filter(pk__in=mother_ids).update(records_stamp=new_records_stamp())


def _bulk_written(sender, mother_ids, **kwargs) -> None:
    records_changed(*mother_ids)
    forget_mothers(*mother_ids)


@dataclass(frozen=True)
class _Logged:
    """How to find, for a logged record, the mother who owns it and the local day it is on."""

    owner: type[models.Model]  # the model its ``owner_field`` points at, which has ``mother``
    owner_field: str
    day_field: str  # a DateField (her local day) or a DateTimeField (an instant)
    kinds: tuple[str, ...]  # the per-day totals it counts in (``tracker.day_totals``)


LOGGED = {
    DoseLog: _Logged(Regimen, "regimen_id", "slot_date", (Kind.DOSES,)),
    FeedingSession: _Logged(Infant, "infant_id", "started_at", (Kind.FEEDING,)),
    SymptomEntry: _Logged(Infant, "infant_id", "occurred_at", (Kind.SYMPTOMS,)),
    # The check says whether she gave anything but breast milk (feeding) and makes a logging day.
    DailyCheck: _Logged(Infant, "infant_id", "day", (Kind.FEEDING, Kind.SYMPTOMS)),
}


#: Changing one of these changes how every day is counted (a ``ScheduleChange`` says which
#: dose times the days before it are judged on).
FAMILY = (Infant, Pregnancy, Regimen, ScheduleChange)


def _owner(logged: _Logged, instance) -> tuple[int, ZoneInfo] | None:
    """The id and time zone of the mother who owns ``instance``: read from the record it belongs
    to when that is in hand with its mother (``get_owned_or_404`` hands them so), else queried."""
    through = instance._meta.get_field(logged.owner_field).name  # "infant" of "infant_id"
    owner = getattr(instance, through) if instance._meta.get_field(through).is_cached(instance) else None
    if owner is not None and owner.pk == getattr(instance, logged.owner_field):
        mother_field = owner._meta.get_field("mother")
        if mother_field.is_cached(owner):
            return owner.mother_id, owner.mother.zone
    row = (
        logged.owner.objects.filter(pk=getattr(instance, logged.owner_field))
        .values_list("mother_id", "mother__time_zone")
        .first()
    )
    return (row[0], ZoneInfo(row[1])) if row else None


def _local_day(value: date | datetime | None, zone: ZoneInfo) -> date | None:
    return local_date(value, zone) if isinstance(value, datetime) else value


def _remember_old_day(sender, instance, raw: bool = False, **kwargs) -> None:
    """Before an edit, note the day the record was on: moving it off a closed day changes that day."""
    if instance._state.adding or raw:
        return
    day_field = LOGGED[sender].day_field
    instance._closed_days_old = (
        sender.objects.filter(pk=instance.pk).values_list(day_field, flat=True).first()
    )


def _logged_written(sender, instance, origin=None, **kwargs) -> None:
    origin_model = origin.model if isinstance(origin, models.QuerySet) else type(origin)
    if origin_model in (User, *FAMILY):
        return  # deleted along with a baby, a regimen or an account: that delete changes the stamp
    logged = LOGGED[sender]
    owner = _owner(logged, instance)
    if owner is None:
        return
    mother_id, zone = owner
    days = [getattr(instance, logged.day_field), getattr(instance, "_closed_days_old", None)]
    closed = last_closed_day(zone)
    closed_days = sorted({_local_day(day, zone) for day in days if day is not None})
    closed_days = [day for day in closed_days if day <= closed]
    if closed_days:
        records_changed(mother_id)
        owner_id = getattr(instance, logged.owner_field)
        forget_months(
            mother_id=mother_id, zone=zone.key, kinds=logged.kinds, object_id=owner_id, days=closed_days
        )


def _remember_old_zone(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Before her account is saved, note whether its time zone changes."""
    instance._closed_days_zone_changed = False
    if raw or instance._state.adding or (update_fields is not None and "time_zone" not in update_fields):
        return
    old = User.objects.filter(pk=instance.pk).values_list("time_zone", flat=True).first()
    instance._closed_days_zone_changed = old is not None and old != instance.time_zone


def _zone_changed(sender, instance, **kwargs) -> None:
    """Her days are other days in another zone, and a day still open in one zone may already be
    stored as closed in another: a record logged on her today in Rome falls on a day Tokyo had
    closed, and coming back to Tokyo must not read that day as it was. So a new zone forgets
    every cached day of hers, as a bulk write does."""
    if getattr(instance, "_closed_days_zone_changed", False):
        instance._closed_days_zone_changed = False
        _bulk_written(sender, mother_ids=[instance.pk])


def _family_changed(sender, instance, **kwargs) -> None:
    if sender is ScheduleChange:
        mother_id = Regimen.objects.filter(pk=instance.regimen_id).values_list("mother_id", flat=True).first()
        if mother_id is None:
            return  # its regimen is already gone, and that delete changed the stamp
    else:
        mother_id = instance.mother_id
    records_changed(mother_id)


#: The per-day totals kept of a regimen's or a baby's records (``tracker.day_totals``).
KEPT_TOTALS = {Regimen: (Kind.DOSES,), Infant: (Kind.FEEDING, Kind.SYMPTOMS)}


def _family_deleted(sender, instance, **kwargs) -> None:
    _family_changed(sender, instance)
    if sender in KEPT_TOTALS:
        forget_object(mother_id=instance.mother_id, kinds=KEPT_TOTALS[sender], object_id=instance.pk)


def connect() -> None:
    """Called once from ``TrackerConfig.ready``."""
    uid = "tracker.closed_days"
    for model in LOGGED:
        name = f"{uid}.{model.__name__}"
        pre_save.connect(_remember_old_day, sender=model, dispatch_uid=f"{name}.before")
        post_save.connect(_logged_written, sender=model, dispatch_uid=f"{name}.saved")
        post_delete.connect(_logged_written, sender=model, dispatch_uid=f"{name}.gone")
    for model in FAMILY:
        name = f"{uid}.{model.__name__}"
        post_save.connect(_family_changed, sender=model, dispatch_uid=f"{name}.saved")
        post_delete.connect(_family_deleted, sender=model, dispatch_uid=f"{name}.gone")
    bulk_written.connect(_bulk_written, dispatch_uid=f"{uid}.bulk")
    pre_save.connect(_remember_old_zone, sender=User, dispatch_uid=f"{uid}.zone.before")
    post_save.connect(_zone_changed, sender=User, dispatch_uid=f"{uid}.zone.saved")
