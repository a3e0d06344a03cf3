"""Everything on the mother's dashboard, from the adherence, feeding and symptom selectors."""

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.localtime import local_date, local_today
from tracker.models import Infant, Regimen
from tracker.selectors.adherence import Adherence, adherence_for_regimen
from tracker.selectors.feeding_stats import FeedingSummary, feeding_summary
from tracker.selectors.symptom_trends import SymptomTrends, symptom_trends

#: The range switch: days shown, ending today (None: since the birth).
RANGES = {"7": 7, "30": 30, "all": None}
DEFAULT_RANGE = "7"


@dataclass(frozen=True)
class RegimenAdherence:
    regimen: Regimen
    adherence: Adherence


@dataclass(frozen=True)
class Marker:
    day: date
    label: str


@dataclass(frozen=True)
class Dashboard:
    """The dashboard for one mother, one of her babies and one range of her local days
    (``first_day``..``today``, both inclusive)."""

    range_key: str
    today: date
    first_day: date
    infants: list[Infant]
    infant: Infant | None
    regimens: list[RegimenAdherence]
    feeding: FeedingSummary | None
    symptoms: SymptomTrends | None
    markers: list[Marker]


def dashboard_for(*, mother, range_key: str = DEFAULT_RANGE, infant_id: int | str | None = None) -> Dashboard:
    """The dashboard of ``mother``. An unknown range falls back to 7 days; an
    ``infant_id`` that is not one of hers falls back to her first baby."""
    range_key = range_key if range_key in RANGES else DEFAULT_RANGE
    zone = mother.zone
    today = local_today(zone)
    infants = list(Infant.objects.for_mother(mother).select_related("mother"))
    infant = next((i for i in infants if str(i.pk) == str(infant_id)), infants[0] if infants else None)
    regimens = list(
        Regimen.objects.for_mother(mother).select_related("mother", "product").order_by("start_date")
    )

    birth_day = local_date(infant.birth_at, zone) if infant else None
    span = RANGES[range_key]
    if span is not None:
        first_day = today - timedelta(days=span - 1)
    else:
        starts = [r.start_date for r in regimens] + ([birth_day] if birth_day else [])
        first_day = min(starts, default=today)
    first_day = min(first_day, today)

    baby_first_day = max(first_day, birth_day) if birth_day else None
    feeding = symptoms = None
    if infant is not None and baby_first_day <= today:
        feeding = feeding_summary(infant=infant, first_day=baby_first_day, last_day=today)
        symptoms = symptom_trends(infant=infant, first_day=baby_first_day, last_day=today)

    markers = [
        Marker(r.start_date, f"{r.product.name} started")
        for r in regimens
        if first_day <= r.start_date <= today
    ]
    if birth_day and first_day <= birth_day <= today:
        markers.append(Marker(birth_day, f"{infant.name} born"))
    return Dashboard(
        range_key=range_key,
        today=today,
        first_day=first_day,
        infants=infants,
        infant=infant,
        regimens=[RegimenAdherence(r, adherence_for_regimen(regimen=r, today=today)) for r in regimens],
        feeding=feeding,
        symptoms=symptoms,
        markers=sorted(markers, key=lambda m: m.day),
    )
