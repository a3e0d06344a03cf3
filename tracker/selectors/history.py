"""What the History lists show: one mother's records, newest first, filtered.

Date ranges are the mother's local days, both ends inclusive. Rows stored as
instants (feeds, symptoms) are compared with the UTC bounds of those local
days; rows stored as local dates (dose slots, daily checks) by their date.
"""

from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format, time_format

from tracker.localtime import local_day_bounds
from tracker.models import DailyCheck, DoseLog, FeedingSession, Infant, SymptomEntry


def _within_local_days(
    rows: QuerySet, field: str, *, mother, date_from: date | None, date_to: date | None
) -> QuerySet:
    """``rows`` whose instant ``field`` falls on a local day from ``date_from`` to ``date_to``."""
    if date_from is not None:
        rows = rows.filter(**{f"{field}__gte": local_day_bounds(date_from, mother.zone)[0]})
    if date_to is not None:
        rows = rows.filter(**{f"{field}__lt": local_day_bounds(date_to, mother.zone)[1]})
    return rows


def _within_dates(rows: QuerySet, field: str, *, date_from: date | None, date_to: date | None) -> QuerySet:
    if date_from is not None:
        rows = rows.filter(**{f"{field}__gte": date_from})
    if date_to is not None:
        rows = rows.filter(**{f"{field}__lte": date_to})
    return rows


def _for_infant(rows: QuerySet, infant: Infant | None) -> QuerySet:
    return rows if infant is None else rows.filter(infant=infant)


def dose_history(*, mother, date_from: date | None = None, date_to: date | None = None) -> QuerySet:
    """Her logged doses, latest slot first, for slots on local days ``date_from``..``date_to``."""
    rows = DoseLog.objects.for_mother(mother).select_related("regimen__product")
    rows = _within_dates(rows, "slot_date", date_from=date_from, date_to=date_to)
    return rows.order_by("-slot_date", "-slot_time", "-pk")


def feed_history(
    *,
    mother,
    infant: Infant | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Her babies' feeds, latest start first, started on local days ``date_from``..``date_to``."""
    rows = _for_infant(FeedingSession.objects.for_mother(mother).select_related("infant"), infant)
    rows = _within_local_days(rows, "started_at", mother=mother, date_from=date_from, date_to=date_to)
    return rows.order_by("-started_at", "-pk")


def symptom_history(
    *,
    mother,
    infant: Infant | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Her babies' symptom entries (of ``kind``, if given), latest first, on the local days given."""
    rows = _for_infant(SymptomEntry.objects.for_mother(mother).select_related("infant"), infant)
    if kind:
        rows = rows.filter(kind=kind)
    rows = _within_local_days(rows, "occurred_at", mother=mother, date_from=date_from, date_to=date_to)
    return rows.order_by("-occurred_at", "-pk")


def daily_check_history(
    *,
    mother,
    infant: Infant | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet:
    """Her babies' daily checks, latest day first, for local days ``date_from``..``date_to``."""
    rows = _for_infant(DailyCheck.objects.for_mother(mother).select_related("infant"), infant)
    rows = _within_dates(rows, "day", date_from=date_from, date_to=date_to)
    return rows.order_by("-day", "infant__name", "-pk")


# What each record is called: in the title of its form, in "Saved ..." and "Delete ...?",
# and in the names of its list row's Edit and Delete links.


def _when(moment: datetime) -> str:
    """ "14:05 on 3 Nov" in the active (her) time zone."""
    local = timezone.localtime(moment)
    return f"{time_format(local, 'H:i')} on {date_format(local, 'j M')}"


def feed_label(feed: FeedingSession) -> str:
    return f"the feed at {_when(feed.started_at)}"


def dose_label(log: DoseLog) -> str:
    return f"the {log.slot_time:%H:%M} dose of {date_format(log.slot_date, 'j M')}"


def symptom_label(entry: SymptomEntry) -> str:
    return f"the {entry.get_kind_display().lower()} at {_when(entry.occurred_at)}"


def check_label(check: DailyCheck) -> str:
    return f"{check.infant.name}’s daily check for {date_format(check.day, 'j M')}"


RECORD_LABELS = {
    DoseLog: dose_label,
    FeedingSession: feed_label,
    SymptomEntry: symptom_label,
    DailyCheck: check_label,
}


def record_label(record) -> str:
    """ "the 08:00 dose of 16 Nov", "the feed at 14:05 on 16 Nov", for any History row."""
    return RECORD_LABELS[type(record)](record)
