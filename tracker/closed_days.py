"""Closed days: a mother's local days before today, whose per-day totals seldom change.

The dashboard's whole-history numbers (adherence since the regimen started, the
screening flags since the birth) are built from per-day totals. The totals of
the closed days are cached under the mother's ``records_stamp``; today's are
always read live. The stamp changes whenever a record that falls on a closed day
is written or deleted, whenever a logged record is edited, and on any change to
a baby, a pregnancy or a regimen. So logging today's dose or spit-up keeps the
cache warm, and an edit of the past is seen on the next page view.

Writes that bypass ``save()``/``delete()`` (``bulk_create``, ``QuerySet.update``)
must call ``records_changed`` themselves if they touch closed days of an existing
mother; new mothers start with a fresh random stamp.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from accounts.models import User, new_records_stamp
from tracker.localtime import local_date, local_today
from tracker.models import DailyCheck, DoseLog, Infant, Pregnancy, Regimen, SymptomEntry

T = TypeVar("T")
#: Closed days stay cached this long (the key also changes at her local midnight).
CACHE_SECONDS = 26 * 3600


def last_closed_day(zone) -> date:
    """Yesterday, in ``zone``: the last day that can no longer gain a record by the clock."""
    return local_today(zone) - timedelta(days=1)


def closed_days_cached(*, mother: User, name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, cached for ``mother`` until her records stamp changes.

    ``parts`` must name everything else the value depends on (the object, its first and
    last day, the settings it was computed with)."""
    key = ":".join(["closed", name, str(mother.pk), mother.records_stamp, mother.time_zone, *map(str, parts)])
    return cache.get_or_set(key, compute, CACHE_SECONDS)


def records_changed(mother_id: int) -> None:
    """Forget every cached closed-day total of this mother."""
    User.objects.filter(pk=mother_id).update(records_stamp=new_records_stamp())


def _mother_of(model, pk: int) -> tuple[int, ZoneInfo] | None:
    """The id and time zone of the mother who owns the ``model`` row ``pk``."""
    row = model.objects.filter(pk=pk).values_list("mother_id", "mother__time_zone").first()
    return (row[0], ZoneInfo(row[1])) if row else None


def _written(owner: tuple[int, ZoneInfo] | None, day, *, created: bool) -> None:
    """A new record for today (or later) leaves the closed days as they were."""
    if owner is None:
        return
    mother_id, zone = owner
    if created and day is not None:
        if isinstance(day, datetime):
            day = local_date(day, zone)
        if day > last_closed_day(zone):
            return
    records_changed(mother_id)


def _dose_saved(sender, instance: DoseLog, created: bool, **kwargs) -> None:
    _written(_mother_of(Regimen, instance.regimen_id), instance.slot_date, created=created)


def _symptom_saved(sender, instance: SymptomEntry, created: bool, **kwargs) -> None:
    _written(_mother_of(Infant, instance.infant_id), instance.occurred_at, created=created)


def _check_saved(sender, instance: DailyCheck, created: bool, **kwargs) -> None:
    _written(_mother_of(Infant, instance.infant_id), instance.day, created=created)


def _dose_deleted(sender, instance: DoseLog, **kwargs) -> None:
    _written(_mother_of(Regimen, instance.regimen_id), None, created=False)


def _infant_record_deleted(sender, instance, **kwargs) -> None:
    _written(_mother_of(Infant, instance.infant_id), None, created=False)


def _family_changed(sender, instance, **kwargs) -> None:
    records_changed(instance.mother_id)


def connect() -> None:
    """Called once from ``TrackerConfig.ready``."""
    uid = "tracker.closed_days"
    post_save.connect(_dose_saved, sender=DoseLog, dispatch_uid=f"{uid}.dose")
    post_save.connect(_symptom_saved, sender=SymptomEntry, dispatch_uid=f"{uid}.symptom")
    post_save.connect(_check_saved, sender=DailyCheck, dispatch_uid=f"{uid}.check")
    post_delete.connect(_dose_deleted, sender=DoseLog, dispatch_uid=f"{uid}.dose_gone")
    for model in (SymptomEntry, DailyCheck):
        post_delete.connect(_infant_record_deleted, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    for model in (Infant, Pregnancy, Regimen):
        post_save.connect(_family_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}.saved")
        post_delete.connect(_family_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}.gone")
