"""A regimen's doses per local day for its adherence: the counts of the closed days (before today),
cached, and of the days read live, each capped at the doses its day schedules."""

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import NamedTuple

from django.core.cache import cache

from tracker.closed_days import EXTENDED_DAYS, STAMPED_SECONDS, cache_key, closed_days_cached
from tracker.day_totals import Kind, settled_and_later_day_totals
from tracker.models import DoseSchedule, Regimen
from tracker.models.family import first_birth_date
from tracker.selectors.slots import dose_rows, regimen_schedule


class DayDoses(NamedTuple):
    """One local day's doses, capped so that a day never holds more than its schedule."""

    taken: int
    skipped: int
    on_time: int


NO_DOSES = DayDoses(0, 0, 0)


@dataclass(frozen=True)
class RegimenTerms:
    """What a regimen's adherence is computed from, besides its dose logs. The computations
    below read the regimen only through this, so the cache keys built from it are complete."""

    regimen_id: int
    start_date: date
    end_date: date | None
    schedule: DoseSchedule  # its dose times day by day, with every change
    pregnancy_id: int | None

    @classmethod
    def of(cls, regimen: Regimen) -> "RegimenTerms":
        return cls(
            regimen_id=regimen.pk,
            start_date=regimen.start_date,
            end_date=regimen.end_date,
            schedule=regimen_schedule(regimen=regimen),
            pregnancy_id=regimen.pregnancy_id,
        )


@dataclass(frozen=True)
class ClosedDoses:
    """The cache inputs of the per-day counts of the closed days ``terms.start_date``..``last``."""

    terms: RegimenTerms
    last: date


@dataclass(frozen=True)
class FirstBirth:
    """The cache inputs of the local date of a pregnancy's first birth."""

    pregnancy_id: int


def closed_dose_days(
    *, mother, inputs: ClosedDoses, through: date, read_along: list
) -> tuple[dict[date, DayDoses], date | None]:
    """The per-day counts of the closed days and the local birth date, cached until one of her
    past records changes (``tracker.closed_days``). When the closed days to ``inputs.last`` had
    to be read, the doses of the days after it up to ``through`` are read by slot in the same
    query and appended to ``read_along`` (``dose_rows``' totals and slot times)."""
    terms = inputs.terms

    def compute() -> tuple[tuple[tuple, ...], date | None]:
        logged: dict[date, set[time]] = {}

        def load(first: date, last: date) -> dict[date, list[int]]:
            totals, day_slots = dose_rows(
                terms.regimen_id, first=first, last=last, by_slot=last > inputs.last
            )
            logged.update(day_slots)
            return dict(totals)

        # The first view of a day starts from the day before's counts (see ``closed_then_live``).
        reread = inputs.last - timedelta(days=EXTENDED_DAYS - 1)
        previous = None
        if reread > terms.start_date:
            day_before = ClosedDoses(terms, inputs.last - timedelta(days=1))
            previous = cache.get(cache_key(mother=mother, inputs=day_before))
        # Kept uncapped: the cap depends on the schedule, which can change after the day.
        raw, later = settled_and_later_day_totals(
            mother=mother,
            kind=Kind.DOSES,
            object_id=terms.regimen_id,
            first_day=terms.start_date if previous is None else reread,
            last_day=inputs.last,
            through=through,
            load=load,
        )
        if later is not None:
            read_along.append((later, {day: logged[day] for day in later}))
        # Kept as plain tuples: two years of them are stored several times faster.
        days = tuple((day.toordinal(), *counts) for day, counts in capped_doses(terms, raw).items())
        if previous is not None:
            days = tuple(row for row in previous[0] if row[0] < reread.toordinal()) + days
        birth = None
        if terms.pregnancy_id:  # cached apart: the closed days change every day, the birth does not
            birth = closed_days_cached(
                mother=mother,
                inputs=FirstBirth(terms.pregnancy_id),
                compute=lambda: first_birth_date(pregnancy_id=terms.pregnancy_id, zone=mother.zone),
                timeout=STAMPED_SECONDS,
            )
        return days, birth

    days, birth = closed_days_cached(mother=mother, inputs=inputs, compute=compute)
    return {date.fromordinal(day): DayDoses(*counts) for day, *counts in days}, birth


def capped_doses(terms: RegimenTerms, totals: dict[date, list[int]]) -> dict[date, DayDoses]:
    """Each day's counts capped at the doses its schedule holds."""
    days = {}
    for day, (day_taken, skipped, on_time) in totals.items():
        per_day = terms.schedule.doses_on(day)
        day_taken = Regimen.doses_counted(day_taken, per_day)
        days[day] = DayDoses(
            taken=day_taken, skipped=min(skipped, per_day - day_taken), on_time=min(on_time, day_taken)
        )
    return days
