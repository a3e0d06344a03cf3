"""The de-identified cohort exports for a clinician with several consenting mothers.

Two files: one row per baby per local day, with the daily summary's numbers, and one row
per baby per week of life, with the weekly diary's (their records and columns, so the
files always agree with the mothers' own), but:

- a mother is her grant's random ``pseudonym`` (``subject_id``); a baby is that
  pseudonym with their birth order (``P-…-1``, ``P-…-2`` for twins). Neither is
  derived from a name, email or database id, and another clinician's file has other
  pseudonyms, so two studies cannot be joined on them;
- calendar dates become ``day_of_life`` and ``day_of_regimen`` offsets (weeks of life
  and of the regimen in the weekly file);
- nothing free-text or identifying is written: no names, emails, notes, exact times
  or time zone. Subjects come in pseudonym order, not by name or sign-up order.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from typing import NamedTuple

from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.models import User
from tracker.exports.catalogue import INTEGER, TEXT, Column, field, table_lines
from tracker.exports.csv_safe import csv_response
from tracker.exports.daily import DAILY, BabyDay, daily_records
from tracker.exports.weekly import WEEKLY, DiaryWeek, regimen_for, regimen_windows, weekly_records
from tracker.localtime import local_date
from tracker.models import CareGrant, Infant

PREGNANCY = "a pregnancy row (a regimen day before her first baby; see daily.csv)"


class SubjectDay(NamedTuple):
    """A row of the daily summary, under study ids and day offsets."""

    subject_id: str
    #: None on a pregnancy row
    infant_id: str | None
    #: None on a pregnancy row of a mother with no baby yet
    day_of_life: int | None
    #: None when the mother has no regimen
    day_of_regimen: int | None
    numbers: BabyDay


class SubjectWeek(NamedTuple):
    """A week of the weekly diary, under study ids (its weeks are offsets already)."""

    subject_id: str
    infant_id: str | None
    numbers: DiaryWeek


class Baby(NamedTuple):
    mother_id: int
    birth_day: date
    pregnancy_id: int | None
    #: 1 for her first-born, 2 for a twin born after, and so on
    order: int


def _from_the_numbers(column: Column) -> Column:
    """A mother's export ``column``, read from a cohort record's ``numbers``."""
    read = column.value
    return replace(column, value=lambda record: read(record.numbers))


SUBJECT_ID = Column(
    "subject_id",
    TEXT,
    "The mother's study id: random, the same in every download by this clinician.",
    field("subject_id"),
)
STUDY_INFANT_ID = Column(
    "infant_id",
    TEXT,
    "The baby's study id: subject_id and birth order (-1, -2 for twins).",
    field("infant_id"),
    blank_when=PREGNANCY,
)

#: The daily summary's columns that hold no date or id: the quantities, as described there.
QUANTITY_COLUMNS = tuple(
    _from_the_numbers(column) for column in DAILY.columns if column.name not in {"infant_id", "day"}
)

COHORT_COLUMNS = (
    SUBJECT_ID,
    STUDY_INFANT_ID,
    Column(
        "day_of_life",
        INTEGER,
        "Days since the baby's birth day (the birth day is 0; negative for records before birth). On a "
        "pregnancy row, days since her first baby's birth day (negative).",
        field("day_of_life"),
        unit="days",
        blank_when="a pregnancy row of a mother with no baby yet",
    ),
    Column(
        "day_of_regimen",
        INTEGER,
        "Days since the first day of the mother's probiotic regimen (that day is 0, negative before it); "
        "the regimen of this baby's pregnancy if one is linked, otherwise her earliest (on a pregnancy "
        "row, her earliest).",
        field("day_of_regimen"),
        unit="days",
        blank_when="the mother has no regimen",
    ),
    *QUANTITY_COLUMNS,
)

#: The weekly diary's columns without its dates and its database id.
COHORT_WEEKLY_COLUMNS = (
    SUBJECT_ID,
    replace(STUDY_INFANT_ID, blank_when="a pregnancy week (see weekly.csv)"),
    *(
        _from_the_numbers(column)
        for column in WEEKLY.columns
        if column.name not in {"infant_id", "first_day", "last_day"}
    ),
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


def _subject_ids(*, clinician: User, mothers: list[User]) -> dict[int, str]:
    pseudonyms = cohort_pseudonyms(clinician=clinician, mothers=mothers)
    missing = [mother.pk for mother in mothers if mother.pk not in pseudonyms]
    if missing:
        raise ValueError(f"No grant to this clinician from mothers {missing}.")
    return pseudonyms


def _babies(mothers: list[User]) -> dict[int, Baby]:
    """Every baby of ``mothers``: birth day (her local day), pregnancy, birth order. One query."""
    zones = {mother.pk: mother.zone for mother in mothers}
    babies: dict[int, Baby] = {}
    born: dict[int, int] = defaultdict(int)
    for pk, mother_id, birth_at, pregnancy_id in (
        Infant.objects.filter(mother__in=mothers)
        .order_by("birth_at", "pk")
        .values_list("pk", "mother_id", "birth_at", "pregnancy_id")
    ):
        born[mother_id] += 1
        babies[pk] = Baby(mother_id, local_date(birth_at, zones[mother_id]), pregnancy_id, born[mother_id])
    return babies


def _by_subject(clinician: User, mothers: list[User], rows: Callable[[User, str], Iterator]) -> Iterator:
    """``rows(mother, subject_id)`` of each mother in pseudonym order; the ids are read at once."""
    pseudonyms = _subject_ids(clinician=clinician, mothers=mothers)
    subjects = sorted(mothers, key=lambda mother: pseudonyms[mother.pk])
    return (row for mother in subjects for row in rows(mother, pseudonyms[mother.pk]))


def cohort_records(*, clinician: User, mothers: list[User]) -> Iterator[SubjectDay]:
    """A ``SubjectDay`` per row of each mother's daily summary, subject by subject in
    pseudonym order.

    Every mother must hold a grant to ``clinician`` (``cohort_mothers`` gives such a list).
    Days and day offsets are the mother's local days; her rows are the daily summary's (her
    pregnancy rows, then each baby from birth or first record to her today). Three queries
    here, before anything streams, then the daily summary's own per mother as rows are read.
    """
    babies = _babies(mothers)
    windows = regimen_windows(mothers)

    def rows(mother: User, subject_id: str) -> Iterator[SubjectDay]:
        hers = windows.get(mother.pk, {})
        first_birth = min((b.birth_day for b in babies.values() if b.mother_id == mother.pk), default=None)
        for numbers in daily_records(mother=mother):
            if numbers.infant_id is None:
                infant_id, birth_day, window = None, first_birth, hers.get(None)
            else:
                baby = babies[numbers.infant_id]
                infant_id = f"{subject_id}-{baby.order}"
                birth_day, window = baby.birth_day, regimen_for(hers, baby.pregnancy_id)
            yield SubjectDay(
                subject_id=subject_id,
                infant_id=infant_id,
                day_of_life=None if birth_day is None else (numbers.day - birth_day).days,
                day_of_regimen=None if window is None else (numbers.day - window[0]).days,
                numbers=numbers,
            )

    return _by_subject(clinician, mothers, rows)


def cohort_weekly_records(*, clinician: User, mothers: list[User]) -> Iterator[SubjectWeek]:
    """A ``SubjectWeek`` per row of each mother's weekly diary, subject by subject in
    pseudonym order (the same subjects and baby ids as ``cohort_records``)."""
    babies = _babies(mothers)

    def rows(mother: User, subject_id: str) -> Iterator[SubjectWeek]:
        for week in weekly_records(mother=mother):
            infant_id = None if week.infant_id is None else f"{subject_id}-{babies[week.infant_id].order}"
            yield SubjectWeek(subject_id=subject_id, infant_id=infant_id, numbers=week)

    return _by_subject(clinician, mothers, rows)


def cohort_response(*, clinician: User, mothers: list[User]) -> StreamingHttpResponse:
    """The de-identified daily CSV for ``mothers`` (no names, emails or calendar dates)."""
    # No zone: the subjects live in several, and the file holds no exact time.
    lines = table_lines(COHORT_COLUMNS, cohort_records(clinician=clinician, mothers=mothers), zone=None)
    # The export's own day, not a subject's.
    return csv_response(lines, filename=f"cohort-{timezone.now().date().isoformat()}.csv")


def cohort_weekly_response(*, clinician: User, mothers: list[User]) -> StreamingHttpResponse:
    """The de-identified weekly diary CSV for ``mothers`` (no names, emails or calendar dates)."""
    records = cohort_weekly_records(clinician=clinician, mothers=mothers)
    lines = table_lines(COHORT_WEEKLY_COLUMNS, records, zone=None)
    return csv_response(lines, filename=f"cohort-weekly-{timezone.now().date().isoformat()}.csv")
