"""Reminders: when `send_due_reminders` sends a dose reminder email, and when it does not."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from tests.factories import DoseLogFactory, RegimenFactory, UserFactory
from tests.reminders_helpers import ROME_0800, UTC, links, run
from tracker.models import DoseReminder, ReminderSettings
from tracker.reminders.dispatch import reminders_dispatch
from tracker.reminders.sending import reminder_send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_outbox")]


def test_a_due_slot_sends_one_email_to_her_with_three_links(anna, anna_regimen):
    output = run(ROME_0800)
    assert "1 new, 0 skipped, 0 dropped, 1 claimed: 1 sent." in output
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert message.subject == "Time for your Multi-strain probiotic (08:00)"
    assert "It's 08:00: time for your dose of Multi-strain probiotic (Example)." in message.body
    assert set(links(message)) == {"took", "skip", "snooze", "unsubscribe"}
    assert message.extra_headers["List-Unsubscribe"] == f"<http://testserver{links(message)['unsubscribe']}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and links(message)["took"] in html
    reminder = DoseReminder.objects.get()
    assert (reminder.slot_date, reminder.slot_time, reminder.status) == (
        date(2026, 11, 16),
        time(8, 0),
        "sent",
    )
    assert (reminder.sent_at, reminder.attempts, reminder.status_reason) == (ROME_0800, 1, "")
    # The next minute, and a rerun of the same minute, send nothing more.
    run(ROME_0800 + timedelta(minutes=1))
    run(ROME_0800)
    assert len(mail.outbox) == 1


def test_no_email_for_a_slot_logged_before_its_time(anna, anna_regimen):
    DoseLogFactory(
        regimen=anna_regimen,
        slot_date=date(2026, 11, 16),
        slot_time=time(8, 0),
        taken_at=ROME_0800 - timedelta(minutes=20),
    )
    run(ROME_0800)
    assert mail.outbox == []
    assert DoseReminder.objects.get().status_reason == "dose already logged"


def test_no_email_while_reminders_are_off_for_the_regimen(anna, anna_regimen):
    anna_regimen.reminders_enabled = False
    anna_regimen.save()
    run(ROME_0800)
    assert mail.outbox == []


def test_no_email_after_she_unsubscribed(anna, anna_regimen):
    ReminderSettings.objects.create(mother=anna, email_enabled=False)
    run(ROME_0800)
    assert mail.outbox == []


def test_no_email_in_quiet_hours_but_outside_them(anna):
    RegimenFactory(mother=anna, dose_times=["06:30", "08:00"], start_date=date(2026, 11, 1))
    ReminderSettings.objects.create(mother=anna, quiet_start=time(22, 0), quiet_end=time(7, 0))
    run(ROME_0800 - timedelta(minutes=90))  # 06:30 local, quiet
    run(ROME_0800)
    assert [m.subject for m in mail.outbox] == ["Time for your Multi-strain probiotic (08:00)"]
    assert DoseReminder.objects.get(slot_time=time(6, 30)).status_reason == "quiet hours"


def test_a_reminder_more_than_two_hours_late_is_dropped(anna, anna_regimen):
    # The dispatcher was down from 07:55 to 10:05: the 08:00 reminder is not sent at 10:05.
    run(ROME_0800 + timedelta(hours=2, minutes=5))
    assert mail.outbox == []
    # A queued reminder whose worker was down too long is dropped when it finally runs.
    reminder = DoseReminder.objects.create(
        regimen=anna_regimen,
        slot_date=date(2026, 11, 16),
        slot_time=time(20, 0),
        due_at=ROME_0800 + timedelta(hours=12),
        status=DoseReminder.Status.QUEUED,
    )
    assert (
        reminder_send(reminder_id=reminder.pk, now=reminder.due_at + timedelta(hours=2, minutes=1))
        == "dropped"
    )
    assert mail.outbox == []


def test_a_late_but_not_too_late_dispatcher_still_sends(anna, anna_regimen):
    run(ROME_0800 + timedelta(minutes=90))
    assert len(mail.outbox) == 1


def test_follow_up_an_hour_after_a_missed_dose_only(anna, anna_regimen):
    ReminderSettings.objects.create(mother=anna, follow_up=True)
    run(ROME_0800)
    run(ROME_0800 + timedelta(hours=1))
    assert [m.subject for m in mail.outbox] == [
        "Time for your Multi-strain probiotic (08:00)",
        "Still to log: your 08:00 Multi-strain probiotic",
    ]
    # Logged at 20:30, after the 20:00 email: no follow-up at 21:00.
    run(ROME_0800 + timedelta(hours=12))
    DoseLogFactory(
        regimen=anna_regimen,
        slot_date=date(2026, 11, 16),
        slot_time=time(20, 0),
        taken_at=ROME_0800 + timedelta(hours=12, minutes=30),
    )
    run(ROME_0800 + timedelta(hours=13))
    assert len(mail.outbox) == 3
    assert (
        DoseReminder.objects.get(kind="follow_up", slot_time=time(20, 0)).status_reason
        == "dose already logged"
    )


# Time zones and clock changes


def test_when_she_changes_time_zone_the_next_slots_follow(anna, anna_regimen):
    anna.time_zone = "America/New_York"
    anna.save()
    run(ROME_0800)  # 08:00 in Rome, 02:00 in New York
    assert mail.outbox == []
    run(datetime(2026, 11, 16, 13, 0, tzinfo=UTC))  # 08:00 in New York
    assert len(mail.outbox) == 1
    assert DoseReminder.objects.get().due_at == datetime(2026, 11, 16, 13, 0, tzinfo=UTC)


def minute_by_minute(start: datetime, end: datetime):
    moment = start
    while moment <= end:
        yield moment
        moment += timedelta(minutes=1)


@pytest.mark.parametrize(
    "zone, day, expected_local_sends",
    [
        # Spring forward: 02:30 does not exist; it goes at the first valid minute, 03:00.
        ("Europe/Rome", date(2026, 3, 29), ["03:00 for 02:30", "08:00 for 08:00"]),
        ("America/New_York", date(2026, 3, 8), ["03:00 for 02:30", "08:00 for 08:00"]),
        # Fall back: 02:30 happens twice in Rome; it is sent once.
        ("Europe/Rome", date(2026, 10, 25), ["02:30 for 02:30", "08:00 for 08:00"]),
        ("America/New_York", date(2026, 11, 1), ["02:30 for 02:30", "08:00 for 08:00"]),
    ],
)
def test_dst_change_days_send_each_slot_once_at_a_valid_minute(zone, day, expected_local_sends):
    tz = ZoneInfo(zone)
    mother = UserFactory(time_zone=zone)
    RegimenFactory(mother=mother, dose_times=["02:30", "08:00"], start_date=day - timedelta(days=1))
    start = datetime.combine(day, time(0, 0), tz).astimezone(UTC)
    sends = []
    for now in minute_by_minute(start, start + timedelta(hours=10)):
        before = len(mail.outbox)
        claimed = reminders_dispatch(now=now).claimed
        for reminder_id in claimed:
            reminder_send(reminder_id=reminder_id, now=now)
        for message in mail.outbox[before:]:
            slot = re.search(r"\((\d\d:\d\d)\)", message.subject).group(1)
            sends.append(f"{now.astimezone(tz):%H:%M} for {slot}")
    assert sends == expected_local_sends
    assert DoseReminder.objects.filter(status="sent").count() == 2


# The command, and sends that fail or are abandoned


def test_send_due_reminders_rejects_a_naive_now():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="needs a UTC offset"):
        call_command("send_due_reminders", now="2026-11-16T07:00")


def test_abandoned_reminders_are_put_back_when_their_lease_runs_out_and_sent_once(anna, anna_regimen):
    """A lost message leaves a row "queued"; a worker that died mid-send leaves one "sending".
    Each holds a lease until 09:02 (a claim at 09:00 plus 2 minutes)."""
    lease_until = ROME_0800 + timedelta(hours=1, minutes=2)
    queued = DoseReminder.objects.create(
        regimen=anna_regimen,
        slot_date=date(2026, 11, 16),
        slot_time=time(8, 0),
        due_at=ROME_0800,
        status=DoseReminder.Status.QUEUED,
        claimed_at=ROME_0800 + timedelta(hours=1),  # its last attempt failed at 09:00
        lease_until=lease_until,
    )
    sending = DoseReminder.objects.create(
        regimen=anna_regimen,
        slot_date=date(2026, 11, 16),
        slot_time=time(8, 0),
        kind="follow_up",
        due_at=ROME_0800 + timedelta(hours=1),
        status=DoseReminder.Status.SENDING,
        claimed_at=ROME_0800 + timedelta(hours=1),
        lease_until=lease_until,
    )
    run(ROME_0800 + timedelta(hours=1, minutes=1))  # under the lease: a retry or a send may be under way
    assert mail.outbox == []
    run(ROME_0800 + timedelta(hours=1, minutes=2))  # the first dispatcher minute the lease has run out
    queued.refresh_from_db()
    sending.refresh_from_db()
    assert (queued.status, sending.status) == ("sent", "sent")
    assert len(mail.outbox) == 2
    run(ROME_0800 + timedelta(hours=1, minutes=30))
    assert len(mail.outbox) == 2


def test_a_permanent_mail_error_fails_at_once_without_retrying(anna, anna_regimen, settings, monkeypatch):
    import smtplib

    from tracker.reminders import sending

    def refuse(self):
        raise smtplib.SMTPRecipientsRefused({"anna@example.org": (550, b"no such user")})

    monkeypatch.setattr(sending.LeanEmail, "send", refuse)
    output = run(ROME_0800)
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("failed", 1)
    assert "1 failed" in output
    assert reminder.status_reason.startswith("SMTPRecipientsRefused")


def test_a_retry_waits_a_whole_number_of_seconds_up_to_the_doubling_cap(settings):
    from tracker.tasks import retry_delay

    settings.REMINDER_RETRY_BASE_DELAY, settings.REMINDER_RETRY_MAX_DELAY = 10, 600
    for retries, ceiling in [(0, 10), (1, 20), (3, 80), (6, 600), (12, 600)]:
        delays = {retry_delay(retries) for _ in range(300)}
        assert all(isinstance(delay, int) and 0 <= delay <= ceiling for delay in delays), (retries, delays)
        assert max(delays) > ceiling // 2  # jittered across the range, not stuck at the floor
