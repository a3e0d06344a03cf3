"""Leases: how long a reminder in hand ("queued" or "sending") may stay there unattended.

A claim gives the row a lease (``lease_until``) of ``REMINDER_LEASE_SECONDS`` (120 by
default). Whoever holds the row keeps it alive: a batch claims its rows for sending with a
fresh lease and renews the lease of those it still holds once half of it has gone by
(``tracker.reminders.batches``), a single send takes a fresh lease, and a send put off for
a retry holds its row for the retry's countdown plus a lease. The dispatcher, which
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


def hold_for_retry(reminder_id: int, *, countdown: float, now: datetime | None = None) -> None:
    """Keep a reminder whose send was put off by ``countdown`` seconds out of the dispatcher's
    hands until the retry is due plus a lease, so the retry finds it still queued. Only a
    queued row: a send that ended meanwhile (sent, failed) stays as it is."""
    now = now or timezone.now()
    DoseReminder.objects.filter(pk=reminder_id, status=DoseReminder.Status.QUEUED).update(
        lease_until=lease_from(now + timedelta(seconds=max(0.0, countdown)))
    )
