"""The de-identified cohort export for a clinician with several consenting mothers.

One row per baby per local day, with the daily summary's numbers (its records and
columns, so the two files always agree), but:

- a mother is her grant's random ``pseudonym`` (``subject_id``); a baby is that
  pseudonym with their birth order (``P-…-1``, ``P-…-2`` for twins). Neither is
  derived from a name, email or database id, and another clinician's file has other
  pseudonyms, so two studies cannot be joined on them;
- calendar dates become ``day_of_life`` and ``day_of_regimen`` offsets;
- nothing free-text or identifying is written: no names, emails, notes, exact times
  or time zone. Subjects come in pseudonym order, not by name or sign-up order.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from typing import NamedTuple

from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.models import User
from tracker.exports.catalogue import INTEGER, TEXT, Column, field, table_lines
from tracker.exports.csv_safe import csv_response
from tracker.exports.daily import DAILY, BabyDay, daily_records
from tracker.localtime import local_date
from tracker.models import CareGrant, Infant, Regimen


class SubjectDay(NamedTuple):
    """A day of the daily summary, under study ids and day offsets."""

    subject_id: str
    infant_id: str
    day_of_life: int
    #: None when the mother has no regimen
    day_of_regimen: int | None
    numbers: BabyDay


def _from_the_daily_summary(column: Column) -> Column:
    """The daily summary's ``column``, read from a cohort record's ``numbers``."""
    read = column.value
    return replace(column, value=lambda record: read(record.numbers))


#: The daily summary's columns that hold no date or id: the quantities, as described there.
QUANTITY_COLUMNS = tuple(
    _from_the_daily_summary(column) for column in DAILY.columns if column.name not in {"infant_id", "day"}
)

COHORT_COLUMNS = (
    Column(
        "subject_id",
        TEXT,
        "The mother's study id: random, the same in every download by this clinician.",
        field("subject_id"),
    ),
    Column(
        "infant_id",
        TEXT,
        "The baby's study id: subject_id and birth order (-1, -2 for twins).",
        field("infant_id"),
    ),
    Column(
        "day_of_life",
        INTEGER,
        "Days since the baby's birth day (the birth day is 0; negative for records before birth).",
        field("day_of_life"),
        unit="days",
    ),
    Column(
        "day_of_regimen",
        INTEGER,
        "Days since the first day of the mother's probiotic regimen (that day is 0, negative before it); "
        "the regimen of this baby's pregnancy if one is linked, otherwise her earliest. Blank: no regimen.",
        field("day_of_regimen"),
        unit="days",
    ),
    *QUANTITY_COLUMNS,
)


def cohort_mothers(*, clinician: User, now: datetime) -> list[User]:
    """The mothers whose active grant to ``clinician`` at ``now`` covers exports."""
    consenting = CareGrant.objects.covering_exports(now).filter(clinician=clinician)
    return list(User.objects.filter(pk__in=consenting.values("mother_id")))


def cohort_pseudonyms(*, clinician: User, mothers: list[User]) -> dict[int, str]:
    """Each mother's study id for ``clinician``: the pseudonym of her earliest grant to them.

    The earliest whatever its state, so the id stays the same across downloads, a second
    grant, or a grant given again after a revocation."""
    pseudonyms: dict[int, str] = {}
    for mother_id, pseudonym in (
        CareGrant.objects.filter(clinician=clinician, mother__in=mothers)
        .order_by("created_at", "pk")
        .values_list("mother_id", "pseudonym")
    ):
        pseudonyms.setdefault(mother_id, pseudonym)
    return pseudonyms


def cohort_records(*, clinician: User, mothers: list[User]) -> Iterator[SubjectDay]:
    """A ``SubjectDay`` per baby per day, subject by subject in pseudonym order.

    Every mother must hold a grant to ``clinician`` (``cohort_mothers`` gives such a list).
    Days and day offsets are the mother's local days; each baby's run is the daily summary's
    (from birth or first record to her today). Three queries here, before anything streams,
    then the daily summary's own per mother as the rows are read.
    """
    pseudonyms = cohort_pseudonyms(clinician=clinician, mothers=mothers)
    missing = [mother.pk for mother in mothers if mother.pk not in pseudonyms]
    if missing:
        raise ValueError(f"No grant to this clinician from mothers {missing}.")
    infants = {
        pk: (birth_at, pregnancy_id)
        for pk, birth_at, pregnancy_id in Infant.objects.filter(mother__in=mothers).values_list(
            "pk", "birth_at", "pregnancy_id"
        )
    }
    regimen_starts = _regimen_starts(mothers)
    subjects = sorted(mothers, key=lambda mother: pseudonyms[mother.pk])
    return (
        row
        for mother in subjects
        for row in _subject_rows(
            mother, pseudonyms[mother.pk], infants=infants, starts=regimen_starts.get(mother.pk, {})
        )
    )


def _subject_rows(
    mother: User,
    subject_id: str,
    *,
    infants: dict[int, tuple[datetime, int | None]],
    starts: dict[int | None, date],
) -> Iterator[SubjectDay]:
    birth_order: dict[int, int] = {}
    # daily_records walks her babies in birth order, one whole run each.
    for numbers in daily_records(mother=mother):
        birth_at, pregnancy_id = infants[numbers.infant_id]
        order = birth_order.setdefault(numbers.infant_id, len(birth_order) + 1)
        start = starts.get(pregnancy_id, starts.get(None))
        yield SubjectDay(
            subject_id=subject_id,
            infant_id=f"{subject_id}-{order}",
            day_of_life=(numbers.day - local_date(birth_at, mother.zone)).days,
            day_of_regimen=None if start is None else (numbers.day - start).days,
            numbers=numbers,
        )


def _regimen_starts(mothers: list[User]) -> dict[int, dict[int | None, date]]:
    """Per mother: the earliest regimen start per linked pregnancy, and under ``None`` her
    earliest start of all (for a baby whose pregnancy has no regimen of its own)."""
    starts: dict[int, dict[int | None, date]] = defaultdict(dict)
    for mother_id, pregnancy_id, start in (
        Regimen.objects.filter(mother__in=mothers)
        .order_by("start_date")
        .values_list("mother_id", "pregnancy_id", "start_date")
    ):
        starts[mother_id].setdefault(None, start)
        if pregnancy_id is not None:
            starts[mother_id].setdefault(pregnancy_id, start)
    return starts


def cohort_response(*, clinician: User, mothers: list[User]) -> StreamingHttpResponse:
    """The de-identified daily CSV for ``mothers`` (no names, emails or calendar dates)."""
    # No zone: the subjects live in several, and the file holds no exact time.
    lines = table_lines(COHORT_COLUMNS, cohort_records(clinician=clinician, mothers=mothers), zone=None)
    # The export's own day, not a subject's.
    return csv_response(lines, filename=f"cohort-{timezone.now().date().isoformat()}.csv")
