"""Reminders when the mail server misbehaves, through the cron path (``send_due_reminders``)
and a real SMTP server on 127.0.0.1 (``tests.smtp``).

Delivery is at least once: a reply lost after the server took the message sends it again,
and every copy of one reminder carries the same Message-ID, so it can be dropped.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from io import StringIO

import pytest
from django.core.management import call_command

from tests.reminder_worker import mothers_due_at
from tests.smtp import MailSink, smtp_server
from tracker.models import DoseReminder
from tracker.reminders.sending import build_reminder_email, message_id

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)


@pytest.fixture
def smtp(settings, smtp_settings):
    """Point Django's SMTP backend at a local server (``smtp_settings``), links on a real host."""
    settings.SITE_URL = "https://tracker.example.org"
    return smtp_settings


def send_due(now: datetime = NOW) -> str:
    out = StringIO()
    call_command("send_due_reminders", "--now", now.isoformat(), stdout=out, stderr=StringIO())
    return out.getvalue()


def message_ids(sink: MailSink) -> Counter:
    return Counter(message_from_bytes(received.content)["Message-ID"] for received in sink.messages)


def test_every_copy_of_a_reminder_has_its_own_stable_message_id(settings, anna, anna_regimen):
    settings.SITE_URL = "https://tracker.example.org"
    call_command("send_due_reminders", "--now", "2026-11-16T07:00:00Z", stdout=StringIO())
    reminder = DoseReminder.objects.get()
    other = DoseReminder.objects.create(
        regimen=anna_regimen,
        slot_date=reminder.slot_date,
        slot_time=reminder.slot_time,
        kind="follow_up",
        due_at=reminder.due_at + timedelta(hours=1),
    )

    first, again = build_reminder_email(reminder).message(), build_reminder_email(reminder).message()

    assert first["Message-ID"] == again["Message-ID"] == message_id(reminder.pk)
    assert first["Message-ID"].endswith("@tracker.example.org>")
    assert message_id(other.pk) != message_id(reminder.pk)


def test_a_lost_250_reply_sends_one_duplicate_per_reminder_with_the_same_message_id(smtp):
    mothers = mothers_due_at(5, NOW)
    sink = MailSink(lose_first_reply=True)
    with smtp_server(sink) as (host, port):
        smtp(host, port)
        report = send_due()

    # Each reminder went out twice over the wire: the copy whose "250" was lost, and again.
    assert sink.replies_lost == 5
    assert Counter(sink.by_recipient) == {mother.email: 2 for mother in mothers}
    assert sorted(message_ids(sink).values()) == [2] * 5
    assert list(DoseReminder.objects.values_list("status", "attempts").distinct()) == [("sent", 2)]
    assert "5 claimed: 5 sent." in report


def test_a_server_that_drops_the_connection_after_each_first_message_still_gets_the_whole_batch(smtp):
    mothers = mothers_due_at(6, NOW)
    sink = MailSink(drop_after_first=True)
    with smtp_server(sink) as (host, port):
        smtp(host, port)
        report = send_due()

    # One batch: message 1 on the first connection; each next one is cut off, reopened, sent.
    assert sink.dropped == 5
    assert Counter(sink.by_recipient) == {mother.email: 1 for mother in mothers}
    assert "6 claimed: 6 sent." in report
    assert DoseReminder.objects.filter(status="sent").count() == 6


def test_the_cron_path_gives_up_after_the_attempt_cap_and_leaves_the_reminder_failed(smtp, settings):
    settings.REMINDER_MAX_RETRIES = 2  # 3 attempts in all
    mothers_due_at(1, NOW)
    sink = MailSink(refuse_always=True)
    reports = []
    with smtp_server(sink) as (host, port):
        smtp(host, port)
        for minutes in (0, 16, 32):  # each run after the last one's claim has lapsed
            reports.append(send_due(NOW + timedelta(minutes=minutes)))

    reminder = DoseReminder.objects.get(kind="slot", due_at=NOW)
    assert (reminder.status, reminder.attempts, sink.refused) == ("failed", 3, 3)
    assert reminder.status_reason.startswith("gave up after 3 attempts: SMTPDataError")
    assert "1 claimed: 1 retry later." in reports[0]
    assert "1 claimed: 1 failed." in reports[2]


def test_what_the_server_receives_is_django_s_message_byte_for_byte(smtp):
    """The batch writes the email's bytes itself (``tracker.emails.alternatives_bytes``): what
    arrives is Django's message for the same reminder, its Date and boundary aside."""
    [mother] = mothers_due_at(1, NOW)
    sink = MailSink()
    with smtp_server(sink) as (host, port):
        smtp(host, port)
        assert "1 claimed: 1 sent." in send_due()

    [received] = sink.messages
    reminder = DoseReminder.objects.select_related("regimen__mother", "regimen__product").get(status="sent")
    parsed = message_from_bytes(received.content)
    django_message = build_reminder_email(reminder)
    django_message.extra_headers = {"Date": parsed["Date"], **django_message.extra_headers}
    expected = django_message.message()
    expected.set_boundary(parsed.get_boundary())
    assert received.content == expected.as_bytes(linesep="\r\n")
    assert (received.mail_from, received.recipients) == ("reminders@localhost", (mother.email,))
