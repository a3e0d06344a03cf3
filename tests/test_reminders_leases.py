"""Leases: a reminder in hand goes back to pending when its lease runs out, and not before."""

import smtplib
from datetime import date, time, timedelta

import pytest
import time_machine
from celery.app.task import Task
from django.conf import settings as django_settings
from django.core import mail

from tests.reminders_helpers import ROME_0800
from tracker.models import DoseReminder
from tracker.reminders import sending
from tracker.reminders.dispatch import reminders_dispatch, requeue_abandoned
from tracker.reminders.sending import claim_for_sending, reminder_send
from tracker.tasks import send_reminder_batch

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_outbox")]
LEASE = timedelta(seconds=120)


def in_hand(regimen, status, lease_until, slot_time=time(8, 0), kind="slot"):
    return DoseReminder.objects.create(
        regimen=regimen,
        slot_date=date(2026, 11, 16),
        slot_time=slot_time,
        kind=kind,
        due_at=ROME_0800,
        status=status,
        claimed_at=ROME_0800,
        lease_until=lease_until,
    )


def test_the_default_lease_is_two_minutes_and_a_worker_reserves_one_batch_at_a_time():
    from config.celery import app

    assert django_settings.REMINDER_LEASE_SECONDS == 120
    assert app.conf.worker_prefetch_multiplier == 1


def test_a_claim_gives_each_reminder_a_lease_of_the_configured_length(anna, anna_regimen, settings):
    settings.REMINDER_LEASE_SECONDS = 90
    [reminder_id] = reminders_dispatch(now=ROME_0800).claimed
    reminder = DoseReminder.objects.get(pk=reminder_id)
    assert (reminder.status, reminder.lease_until) == ("queued", ROME_0800 + timedelta(seconds=90))

    assert claim_for_sending(reminder_id, ROME_0800 + timedelta(seconds=30))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.lease_until) == ("sending", ROME_0800 + timedelta(seconds=120))


def test_expired_leases_go_back_to_pending_and_unexpired_ones_stay(anna, anna_regimen):
    now = ROME_0800 + timedelta(minutes=5)
    expired_queued = in_hand(anna_regimen, "queued", now - timedelta(seconds=1))
    runs_out_now = in_hand(anna_regimen, "sending", now, kind="follow_up")
    unexpired = in_hand(anna_regimen, "sending", now + timedelta(seconds=1), slot_time=time(20, 0))
    no_lease = in_hand(anna_regimen, "queued", None, slot_time=time(20, 0), kind="follow_up")
    sent = in_hand(anna_regimen, "sent", now - timedelta(hours=1), kind="snooze_1")

    assert requeue_abandoned(now=now) == 3

    statuses = {r.pk: (r.status, r.lease_until, r.claim_token) for r in DoseReminder.objects.all()}
    for reminder in (expired_queued, runs_out_now, no_lease):
        assert statuses[reminder.pk] == ("pending", None, None)
    assert statuses[unexpired.pk][0] == "sending"
    assert statuses[sent.pk][0] == "sent"


def test_a_dispatcher_run_sends_what_an_expired_lease_gave_back_once(anna, anna_regimen):
    now = ROME_0800 + timedelta(minutes=3)
    stranded = in_hand(anna_regimen, "sending", now - timedelta(seconds=1))
    result = reminders_dispatch(now=now)
    assert (result.requeued, result.claimed) == (1, [stranded.pk])
    stranded.refresh_from_db()
    assert (stranded.status, stranded.lease_until) == ("queued", now + LEASE)
    assert reminders_dispatch(now=now + timedelta(minutes=1)).claimed == []  # its new lease holds


def test_of_two_late_workers_claiming_an_expired_sending_row_one_sends(anna, anna_regimen):
    now = ROME_0800 + timedelta(minutes=5)
    expired = in_hand(anna_regimen, "sending", now - timedelta(seconds=1))
    live = in_hand(anna_regimen, "sending", now + timedelta(seconds=30), kind="follow_up")

    outcomes = [reminder_send(reminder_id=expired.pk, now=now) for _ in range(2)]

    assert outcomes == ["sent", "not claimable"]
    assert reminder_send(reminder_id=live.pk, now=now) == "not claimable"
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]


def test_a_batch_renews_the_leases_it_still_holds_when_half_the_lease_has_gone_by(
    anna, anna_regimen, monkeypatch
):
    """Four queued reminders; each send takes 40 s of the clock. The batch claims all four
    with a lease to 10:02 (a start at 10:00), renews at the send that starts 80 s in (past
    half the lease), and the row still to send then has its lease to 80 s + 120 s."""
    start = ROME_0800
    rows = [
        in_hand(anna_regimen, "queued", start + LEASE, slot_time=at, kind=kind)
        for at in (time(8, 0), time(20, 0))
        for kind in ("slot", "follow_up")
    ]
    seen: list = []

    with time_machine.travel(start, tick=False) as clock:

        def slow_send(self):
            seen.append({row.pk: row.lease_until for row in DoseReminder.objects.filter(status="sending")})
            clock.shift(timedelta(seconds=40))

        monkeypatch.setattr(sending.LeanEmail, "send", slow_send)
        assert send_reminder_batch.apply(args=[[row.pk for row in rows]]).get() == {"sent": 4}

    first, second, third, fourth = (row.pk for row in rows)
    assert seen[0] == dict.fromkeys([first, second, third, fourth], start + LEASE)
    assert seen[2][third] == seen[2][fourth] == start + timedelta(seconds=80) + LEASE  # renewed
    assert seen[3][fourth] == start + timedelta(seconds=80) + LEASE  # 40 s since: not yet again


def test_a_batch_costs_four_queries_and_one_per_email(anna, anna_regimen, django_assert_num_queries):
    """The claim and its read-back, the logged doses, the snoozes used; then one UPDATE per
    email, written once the mail server has answered."""
    rows = [
        in_hand(anna_regimen, "queued", ROME_0800 + LEASE, slot_time=at, kind=kind)
        for at in (time(8, 0), time(20, 0))
        for kind in ("slot", "follow_up")
    ]
    with time_machine.travel(ROME_0800, tick=False), django_assert_num_queries(4 + 4):
        assert send_reminder_batch.apply(args=[[row.pk for row in rows]]).get() == {"sent": 4}
    assert len(mail.outbox) == 4


def test_a_retry_holds_the_lease_over_its_countdown(anna, anna_regimen, monkeypatch):
    """A transient error in a batch schedules a retry with a countdown; the dispatcher must not
    take the row back before the retry has had its turn."""
    published = []
    monkeypatch.setattr(
        Task, "apply_async", lambda self, args=None, kwargs=None, **options: published.append(options)
    )

    def busy(self):  # not a dropped connection, which the batch would reopen and retry at once
        raise smtplib.SMTPResponseException(451, "4.3.0 Mail server busy, try again later")

    monkeypatch.setattr(sending.LeanEmail, "send", busy)
    with time_machine.travel(ROME_0800, tick=False):
        [reminder_id] = reminders_dispatch(now=ROME_0800).claimed
        assert send_reminder_batch.apply(args=[[reminder_id]]).get() == {"retrying": 1}

    [options] = published
    countdown = timedelta(seconds=options["countdown"])
    reminder = DoseReminder.objects.get(pk=reminder_id)
    assert (reminder.status, reminder.attempts) == ("queued", 1)
    assert reminder.lease_until == ROME_0800 + countdown + LEASE
    assert requeue_abandoned(now=ROME_0800 + countdown + LEASE - timedelta(seconds=1)) == 0
    assert requeue_abandoned(now=ROME_0800 + countdown + LEASE) == 1
