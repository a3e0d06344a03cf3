"""Leases: how long a reminder in hand ("queued" or "sending") may stay there unattended.

A claim gives the row a lease (``lease_until``) of ``REMINDER_LEASE_SECONDS`` (120 by
default). Whoever holds the row keeps it alive: a batch renews the lease of its remaining
rows once half of it has gone by, a send that starts takes a fresh lease, and a send put
off for a retry holds its row for the retry's countdown plus a lease. The dispatcher, which
runs every minute, puts every row whose lease has run out back to pending before it claims
(``requeue_abandoned``), so a worker killed at any point, or a broker that lost its queue,
delays its reminders by at most a lease plus one dispatcher minute, plus the time to send
them (a reminder waiting for a retry: its countdown on top). Nothing waits for the broker's
visibility timeout (an hour) or for a sweep.

A lease is a time limit, not a lock: a worker that outlives its lease (stalled for longer
than the lease, or a clock far off) can find its row claimed again. Every claim is a
conditional UPDATE, so only one of the two claimants goes on to send. What leases do not
cover: a worker killed after the mail server took an email but before the row was marked
sent leaves a row whose lease runs out, and that email is sent again.
"""

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from tracker.models import DoseReminder

IN_HAND = [DoseReminder.Status.QUEUED, DoseReminder.Status.SENDING]


def lease_length() -> timedelta:
    """The lease a claim or a renewal gives (read when used, so a test can change it)."""
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def lease_from(now: datetime) -> datetime:
    return now + lease_length()


def expired_leases(*, now: datetime):
    """Rows in hand whose lease has run out at ``now`` (a lease until T covers instants
    before T). A row in hand with no lease was claimed by code from before leases."""
    return DoseReminder.objects.filter(status__in=IN_HAND).filter(
        Q(lease_until__lte=now) | Q(lease_until__isnull=True)
    )


def renew_leases(reminder_ids: Iterable[int], *, now: datetime) -> int:
    """Extend to ``now`` + a lease the lease of those of ``reminder_ids`` still queued; one
    that already runs longer (a retry's hold) keeps it. Returns how many were renewed."""
    until = lease_from(now)
    return (
        DoseReminder.objects.filter(pk__in=list(reminder_ids), status=DoseReminder.Status.QUEUED)
        .filter(Q(lease_until__lt=until) | Q(lease_until__isnull=True))
        .update(lease_until=until)
    )


def under_lease(reminder_ids: list[int]) -> Iterator[int]:
    """``reminder_ids`` one by one, for a batch that sends them in turn: renews the lease of
    the ids not yet handed out when the batch starts (it may have waited in the broker), and
    again whenever half a lease has gone by since, one UPDATE each time, not one per email."""
    renewed_at: datetime | None = None
    for index, reminder_id in enumerate(reminder_ids):
        now = timezone.now()
        if renewed_at is None or now - renewed_at >= lease_length() / 2:
            renew_leases(reminder_ids[index:], now=now)
            renewed_at = now
        yield reminder_id


def hold_for_retry(reminder_id: int, *, countdown: float, now: datetime | None = None) -> None:
    """Keep a reminder whose send was put off by ``countdown`` seconds out of the dispatcher's
    hands until the retry is due plus a lease, so the retry finds it still queued. Only a
    queued row: a send that ended meanwhile (sent, failed) stays as it is."""
    now = now or timezone.now()
    DoseReminder.objects.filter(pk=reminder_id, status=DoseReminder.Status.QUEUED).update(
        lease_until=lease_from(now + timedelta(seconds=max(0.0, countdown)))
    )
