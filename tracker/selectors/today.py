"""What the Today page shows: today's doses, running timers and the latest feed."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from tracker.localtime import local_date, local_day_bounds
from tracker.models import DoseLog, FeedingSession, Infant, Pregnancy, Regimen, SymptomEntry
from tracker.models.symptoms import RUNNING_CRYING, DailyCheck
from tracker.selectors.slots import Slot, pick_current_slot, regimen_slots_on


@dataclass
class SlotStatus:
    slot: Slot
    log: DoseLog | None

    @property
    def is_open(self) -> bool:
        return self.log is None


@dataclass
class RegimenToday:
    regimen: Regimen
    slots: list[SlotStatus]
    current: Slot | None = None  # what "Took my probiotic" answers now

    @property
    def taken(self) -> int:
        return sum(1 for s in self.slots if s.log and s.log.status == DoseLog.Status.TAKEN)

    @property
    def open(self) -> int:
        return sum(1 for s in self.slots if s.is_open)


@dataclass
class InfantToday:
    infant: Infant
    running_feed: FeedingSession | None
    last_feed: FeedingSession | None
    next_side: str
    running_crying: SymptomEntry | None
    feeds: list[FeedingSession] = field(default_factory=list)
    symptoms: list[SymptomEntry] = field(default_factory=list)
    check: DailyCheck | None = None
    since_last_feed: timedelta | None = None


@dataclass
class TodayOverview:
    day: date
    now: datetime
    regimens: list[RegimenToday]
    upcoming_regimen: Regimen | None
    infants: list[InfantToday]
    pregnancy: Pregnancy | None
    needs_setup: bool


def next_breast(*, infant: Infant) -> str:
    """Which breast to offer first next time: "left", "right", or "" if unknown; the
    ``next_start_side`` of her latest feed on the breast."""
    last = FeedingSession.objects.filter(infant=infant).exclude(start_side="").order_by("-started_at").first()
    return "" if last is None else last.next_start_side


def regimens_active_on(*, mother, day: date):
    """The mother's regimens whose window (ends inclusive) contains local ``day``."""
    return (
        Regimen.objects.for_mother(mother)
        .filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("product", "mother")
        .order_by("start_date", "pk")
    )


def infants_today(*, mother, day: date, now: datetime) -> list[InfantToday]:
    """Each of her babies on local ``day`` at ``now``, in four queries whatever the number of
    babies and the length of her history: the babies with the ids of their latest feed and
    latest feed on the breast, then those feeds with the day's and the running ones, the day's
    symptoms with the running crying spells, and the day's checks (each an index lookup)."""
    day_start, day_end = local_day_bounds(day, mother.zone)
    latest = FeedingSession.objects.filter(infant=OuterRef("pk")).order_by("-started_at")
    infants = list(
        Infant.objects.for_mother(mother).annotate(
            last_feed_id=Subquery(latest.values("pk")[:1]),
            last_breast_feed_id=Subquery(latest.exclude(start_side="").values("pk")[:1]),
        )
    )
    latest_ids = {infant.last_feed_id for infant in infants} | {
        infant.last_breast_feed_id for infant in infants
    }
    today = Q(started_at__gte=day_start, started_at__lt=day_end)
    feeds = list(
        FeedingSession.objects.filter(infant__in=infants).filter(
            today | Q(ended_at__isnull=True) | Q(pk__in=latest_ids - {None})
        )
    )
    symptoms = list(
        SymptomEntry.objects.filter(infant__in=infants).filter(
            Q(occurred_at__gte=day_start, occurred_at__lt=day_end) | RUNNING_CRYING
        )
    )
    checks = {check.infant_id: check for check in DailyCheck.objects.filter(infant__in=infants, day=day)}
    by_id = {feed.pk: feed for feed in feeds}
    rows = []
    for infant in infants:
        hers = [feed for feed in feeds if feed.infant_id == infant.pk]  # newest first
        entries = [entry for entry in symptoms if entry.infant_id == infant.pk]
        last_feed = by_id.get(infant.last_feed_id)
        last_breast_feed = by_id.get(infant.last_breast_feed_id)
        rows.append(
            InfantToday(
                infant=infant,
                running_feed=next((feed for feed in hers if feed.is_running), None),
                last_feed=last_feed,
                next_side="" if last_breast_feed is None else last_breast_feed.next_start_side,
                running_crying=next((entry for entry in entries if entry.is_running), None),
                feeds=[feed for feed in hers if day_start <= feed.started_at < day_end],
                symptoms=[entry for entry in entries if day_start <= entry.occurred_at < day_end],
                check=checks.get(infant.pk),
                since_last_feed=(now - last_feed.started_at) if last_feed else None,
            )
        )
    return rows


def today_overview(*, mother, now: datetime | None = None) -> TodayOverview:
    """Everything on the Today page for ``mother`` at ``now``, in her local day."""
    now = now or timezone.now()
    zone = mother.zone
    day = local_date(now, zone)

    regimens = list(regimens_active_on(mother=mother, day=day))
    logs = {
        (log.regimen_id, log.slot_time): log
        for log in DoseLog.objects.filter(regimen__in=regimens, slot_date=day)
    }
    regimen_rows = []
    for regimen in regimens:
        slots = [
            SlotStatus(slot, logs.get((regimen.pk, slot.at)))
            for slot in regimen_slots_on(regimen=regimen, day=day)
        ]
        logged = {s.slot.at for s in slots if not s.is_open}
        current = pick_current_slot([s.slot for s in slots], logged, now)
        regimen_rows.append(RegimenToday(regimen=regimen, slots=slots, current=current))
    upcoming = None
    if not regimens:
        upcoming = (
            Regimen.objects.for_mother(mother).filter(start_date__gt=day).order_by("start_date").first()
        )

    infants = infants_today(mother=mother, day=day, now=now)

    pregnancy = Pregnancy.objects.for_mother(mother).first()
    has_regimen = bool(regimens) or upcoming is not None or Regimen.objects.for_mother(mother).exists()
    return TodayOverview(
        day=day,
        now=now,
        regimens=regimen_rows,
        upcoming_regimen=upcoming,
        infants=infants,
        pregnancy=pregnancy,
        needs_setup=pregnancy is None and not infants and not has_regimen,
    )
