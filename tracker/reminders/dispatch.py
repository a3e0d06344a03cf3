"""Finding the reminders due now and claiming each for one dispatcher run.

The dispatcher runs every minute (Celery beat) or from cron (``send_due_reminders``).
Each run:

1. works out, in every mother's own time zone, the dose slots (and follow-ups)
   that fell due in the last two hours, and records one ``DoseReminder`` row per
   (regimen, slot, kind) - the unique constraint makes a second insert a no-op;
2. settles the pending rows that must not be sent: already logged, reminders off (for
   the regimen, or both email and push off), quiet hours, or more than two hours late;
3. claims the sendable rows with one conditional UPDATE (``status = pending`` →
   ``queued`` with a fresh claim token and a lease), so two dispatchers running at
   once never both get a row, and returns the claimed ids for sending.

Before all this, the run puts back to pending every row whose lease has run out
(a lost message, an emptied broker or a dead worker: see ``leases.py``), so steps
2 and 3 settle and claim those again like any other pending row.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from tracker.localtime import local_date, wall_clock_to_utc
from tracker.models import DoseLog, DoseReminder, Regimen, ReminderSettings
from tracker.models.regimens import covers, parse_dose_time
from tracker.reminders.leases import expired_leases, lease_from

LATE_LIMIT = timedelta(hours=2)
FOLLOW_UP_AFTER = timedelta(minutes=60)
DEFAULT_FOLLOW_UP = ReminderSettings().follow_up


@dataclass
class DispatchResult:
    recorded: int = 0
    requeued: int = 0
    claimed: list[int] = field(default_factory=list)
    skipped: int = 0
    dropped: int = 0


def _candidate_regimens(now: datetime):
    """Regimens that may have a slot in the last two hours: reminders on, window
    around today (a day's slack either side covers every time zone). Plain tuples
    (id, start, end, dose times, her zone, follow-up): at 100,000 regimens, model
    instances cost most of the dispatcher's time."""
    today = now.date()
    return (
        Regimen.objects.filter(reminders_enabled=True, mother__is_active=True)
        .exclude(
            mother__reminder_settings__email_enabled=False, mother__reminder_settings__push_enabled=False
        )
        .filter(start_date__lte=today + timedelta(days=1))
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today - timedelta(days=2)))
        .annotate(follow_up=Coalesce("mother__reminder_settings__follow_up", Value(DEFAULT_FOLLOW_UP)))
        .values_list("pk", "start_date", "end_date", "dose_times", "mother__time_zone", "follow_up")
        .iterator(chunk_size=5000)
    )


def due_reminders(*, now: datetime) -> list[DoseReminder]:
    """Unsaved reminders for every slot (and follow-up) due in ``(now - 2 h, now]``.

    Slot times are wall-clock times in the mother's current zone, so a change of
    zone moves the next slots with her; ``wall_clock_to_utc`` moves a slot in a
    spring-forward gap to the first valid minute and takes the first of two
    fall-back occurrences. Each (day, time, zone) is converted once per run.
    """
    earliest = now - LATE_LIMIT
    days_in: dict[str, list[date]] = {}
    slot_due: dict[tuple[date, time, str], datetime] = {}
    parsed: dict[str, time] = {}
    found = []
    for regimen_id, start_date, end_date, dose_times, zone_name, follow_up in _candidate_regimens(now):
        days = days_in.get(zone_name)
        if days is None:
            zone = ZoneInfo(zone_name)
            days = days_in[zone_name] = sorted(
                {local_date(earliest - FOLLOW_UP_AFTER, zone), local_date(now, zone)}
            )
        for day in days:
            if not covers(start_date, end_date, day):
                continue
            for value in dose_times:
                at = parsed.get(value) or parsed.setdefault(value, parse_dose_time(value))
                key = (day, at, zone_name)
                due = slot_due.get(key)
                if due is None:
                    due = slot_due[key] = wall_clock_to_utc(day, at, ZoneInfo(zone_name))
                kinds = [(DoseReminder.Kind.SLOT, due)]
                if follow_up:
                    kinds.append((DoseReminder.Kind.FOLLOW_UP, due + FOLLOW_UP_AFTER))
                for kind, kind_due in kinds:
                    if earliest < kind_due <= now:
                        found.append(
                            DoseReminder(
                                regimen_id=regimen_id, slot_date=day, slot_time=at, kind=kind, due_at=kind_due
                            )
                        )
    return found


def record_due_reminders(*, now: datetime) -> int:
    """Insert a row for each due reminder not yet recorded; returns how many rows this call
    inserted (not how many it tried: a dispatcher racing it may have inserted some first).

    The rows are inserted under a fresh ``claim_token``, and counted by it: another
    dispatcher's rows carry its own token, and a conflicting insert is skipped by the
    constraint. The claim that follows gives the rows their claim token."""
    candidates = due_reminders(now=now)
    if not candidates:
        return 0
    days = {c.slot_date for c in candidates}
    existing = set(
        DoseReminder.objects.filter(slot_date__in=days).values_list(
            "regimen_id", "slot_date", "slot_time", "kind"
        )
    )
    token = uuid.uuid4()
    new = [c for c in candidates if (c.regimen_id, c.slot_date, c.slot_time, c.kind) not in existing]
    for reminder in new:
        reminder.claim_token = token
    # Another dispatcher may insert the same rows meanwhile: the constraint settles it.
    DoseReminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
    return DoseReminder.objects.filter(claim_token=token).count() if new else 0


def _logged_slot():
    return Exists(
        DoseLog.objects.filter(
            regimen=OuterRef("regimen"), slot_date=OuterRef("slot_date"), slot_time=OuterRef("slot_time")
        )
    )


def settle_unsendable(*, now: datetime) -> tuple[int, int]:
    """Mark pending reminders that must not go out. Returns (skipped, dropped)."""
    pending = DoseReminder.objects.filter(status=DoseReminder.Status.PENDING, due_at__lte=now)
    dropped = pending.filter(due_at__lte=now - LATE_LIMIT).update(
        status=DoseReminder.Status.DROPPED, status_reason="more than 2 hours late"
    )
    skipped = pending.filter(_logged_slot()).update(
        status=DoseReminder.Status.SKIPPED, status_reason="dose already logged"
    )
    # EXISTS, not a join: Django turns an UPDATE over a join into "id IN (a self-join)", which
    # PostgreSQL runs as a nested loop over the whole table when its statistics predate the
    # minute's inserts (at 100,000 fresh rows: more than 10 minutes instead of a fraction of a second).
    switched_off = Regimen.objects.filter(pk=OuterRef("regimen_id")).filter(
        Q(reminders_enabled=False)
        | Q(mother__reminder_settings__email_enabled=False, mother__reminder_settings__push_enabled=False)
        | Q(mother__is_active=False)
    )
    skipped += pending.filter(Exists(switched_off)).update(
        status=DoseReminder.Status.SKIPPED, status_reason="reminders are off"
    )
    quiet_ids = [
        reminder.pk
        for reminder in pending.filter(
            regimen__mother__reminder_settings__quiet_start__isnull=False
        ).select_related("regimen__mother__reminder_settings")
        if reminder.regimen.mother.reminder_settings.is_quiet(
            reminder.due_at.astimezone(reminder.regimen.mother.zone).time()
        )
    ]
    if quiet_ids:
        skipped += DoseReminder.objects.filter(pk__in=quiet_ids, status=DoseReminder.Status.PENDING).update(
            status=DoseReminder.Status.SKIPPED, status_reason="quiet hours"
        )
    return skipped, dropped


def requeue_abandoned(*, now: datetime) -> int:
    """Put back to pending the reminders whose lease has run out at ``now``, queued or
    sending: a lost message, an emptied broker or a dead worker left them. The same run
    settles them (logged meanwhile, or over two hours late) and claims the rest. Returns how
    many were put back."""
    return expired_leases(now=now).update(
        status=DoseReminder.Status.PENDING, claim_token=None, lease_until=None
    )


def claim_due_reminders(*, now: datetime) -> list[int]:
    """Atomically move every sendable pending reminder to ``queued`` under a fresh claim
    token and a lease, and return the ids this call claimed (none that another dispatcher got)."""
    token = uuid.uuid4()
    DoseReminder.objects.filter(status=DoseReminder.Status.PENDING, due_at__lte=now).update(
        status=DoseReminder.Status.QUEUED, claim_token=token, claimed_at=now, lease_until=lease_from(now)
    )
    return list(DoseReminder.objects.filter(claim_token=token).values_list("pk", flat=True))


def reminders_dispatch(
    *, now: datetime, on_claimed: Callable[[list[int]], None] | None = None
) -> DispatchResult:
    """One dispatcher run at ``now`` (UTC): take back expired leases, record, settle, claim.

    ``on_claimed`` receives the claimed ids once the claiming transaction has
    committed (so a worker never looks for a row it cannot see yet).
    """
    result = DispatchResult()
    with transaction.atomic():
        result.requeued = requeue_abandoned(now=now)
        result.recorded = record_due_reminders(now=now)
    with transaction.atomic():
        result.skipped, result.dropped = settle_unsendable(now=now)
    with transaction.atomic():
        result.claimed = claim_due_reminders(now=now)
        if on_claimed is not None and result.claimed:
            claimed = list(result.claimed)
            transaction.on_commit(lambda: on_claimed(claimed))
    return result
