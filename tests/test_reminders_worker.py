"""Dose reminders through a real Celery worker, a real broker and (for retries) a real SMTP server.

The worker runs in a thread of this process and consumes from the broker the settings name:
the filesystem transport by default, Redis when CELERY_BROKER_URL says so (as in CI). Each
test routes the reminder tasks to a queue of its own, so leftovers of other runs never
reach it. If the broker named in the settings is down, these tests fail: they never skip.
"""

import re
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from config.celery import app as celery_app
from tests.conftest import needs_service
from tests.factories import UserFactory
from tests.reminder_worker import (
    BATCH_TASK,
    SEND_TASK,
    action_links,
    csrf_token,
    mothers_due_at,
    regimen_due_at,
    run_at_once,
    sends_ending,
)
from tests.smtp import MailSink, smtp_server
from tracker.models import DoseLog, DoseReminder, ReminderSettings
from tracker.reminders.dispatch import reminders_dispatch
from tracker.reminders.tokens import read_token
from tracker.tasks import dispatch_reminders, send_reminder

# --- 1. end to end --------------------------------------------------------------------------


def test_a_due_dose_is_emailed_by_the_worker_and_i_took_it_logs_it_once(reminder_worker, task_runs):
    anna = UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")
    regimen = regimen_due_at(anna, timezone.now())
    slot = regimen.slot_times[0]

    dispatch_reminders.delay()  # what beat sends every minute; the worker runs it and the send

    assert task_runs.wait_for(sends_ending("sent")), f"no email sent; the worker ran {task_runs.runs}"
    assert [run.retval for run in task_runs.of("tracker.tasks.dispatch_reminders")] == [1]
    reminder = DoseReminder.objects.get()
    assert (reminder.regimen_id, reminder.kind, reminder.status, reminder.attempts) == (
        regimen.pk,
        DoseReminder.Kind.SLOT,
        DoseReminder.Status.SENT,
        1,
    )
    assert reminder.slot_time == slot

    [email] = mail.outbox
    assert email.to == ["anna@example.org"]
    assert email.from_email == "Probiotic tracker <reminders@localhost>"
    assert email.subject == f"Time for your BioGaia Protectis ({slot:%H:%M})"
    headers = email.message()
    unsubscribe_url = headers["List-Unsubscribe"].strip("<>")
    assert urlsplit(unsubscribe_url).path.startswith("/r/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    links = action_links(email.body)
    assert sorted(links) == ["skip", "snooze", "took"]
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert action_links(html) == links
    assert unsubscribe_url in email.body
    for action, url in links.items():
        assert read_token(action, urlsplit(url).path.rstrip("/").rsplit("/", 1)[1]).object_id == reminder.pk

    took = urlsplit(links["took"]).path
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(took)
    assert page.status_code == 200
    assert "Yes, I took it" in page.text
    assert f"Your {slot:%H:%M} dose of BioGaia Protectis" in page.text
    assert DoseLog.objects.count() == 0, "opening the link (as a mail scanner does) logged a dose"

    confirmed = browser.post(took, {"csrfmiddlewaretoken": csrf_token(page.text)})
    assert confirmed.status_code == 200
    assert f"Logged: your {slot:%H:%M} dose is taken." in confirmed.text
    [log] = DoseLog.objects.all()
    assert (log.regimen_id, log.slot_date, log.slot_time) == (regimen.pk, reminder.slot_date, slot)
    assert (log.status, log.source) == (DoseLog.Status.TAKEN, DoseLog.Source.EMAIL)

    again = browser.post(took, {"csrfmiddlewaretoken": csrf_token(page.text)})
    assert again.status_code == 200
    assert "This dose is already logged as taken at" in again.text
    assert "Nothing was changed." in again.text
    assert DoseLog.objects.count() == 1

    # RFC 8058 one-click: the mail provider POSTs to the header's URL, without a CSRF token.
    one_click = browser.post(urlsplit(unsubscribe_url).path, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert ReminderSettings.objects.get(mother=anna).email_enabled is False


# --- 2. each reminder claimed once ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_started_together_send_each_of_1000_mothers_one_email():
    if connection.vendor == "sqlite":
        needs_service(
            "needs true concurrent writers: the SQLite in-memory test database is shared-cache, "
            "where a second writer fails at once ('database table is locked') instead of waiting; "
            "runs on PostgreSQL"
        )
    now = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
    mothers = mothers_due_at(1000, now)
    outputs = [StringIO(), StringIO()]

    def dispatcher(index: int) -> None:
        call_command(
            "send_due_reminders", "--now", now.isoformat(), stdout=outputs[index], stderr=outputs[index]
        )

    run_at_once(2, dispatcher)

    claimed = [int(re.search(r"(\d+) claimed", out.getvalue()).group(1)) for out in outputs]
    assert sum(claimed) == 1000, [out.getvalue() for out in outputs]
    # Each report counts the rows its run inserted, not those it tried to: they add up.
    recorded = [int(re.search(r"(\d+) new", out.getvalue()).group(1)) for out in outputs]
    assert sum(recorded) == DoseReminder.objects.count() == 1000, [out.getvalue() for out in outputs]
    recipients = Counter(address for email in mail.outbox for address in email.to)
    assert len(mail.outbox) == 1000
    assert [address for address, times in recipients.items() if times > 1] == []
    assert set(recipients) == {mother.email for mother in mothers}
    # Each email is about her own dose: its "I took it" link names a reminder of her regimen.
    mother_of_reminder = dict(DoseReminder.objects.values_list("pk", "regimen__mother__email"))
    for email in mail.outbox:
        token = urlsplit(action_links(email.body)["took"]).path.rstrip("/").rsplit("/", 1)[1]
        assert mother_of_reminder[read_token("took", token).object_id] == email.to[0]
    assert Counter(DoseReminder.objects.values_list("status", flat=True)) == {DoseReminder.Status.SENT: 1000}
    assert DoseReminder.objects.filter(kind=DoseReminder.Kind.SLOT, due_at=now).count() == 1000


@pytest.mark.django_db
def test_the_send_task_run_twice_for_one_reminder_sends_one_email():
    anna = UserFactory(email="anna@example.org", time_zone="Europe/Rome")
    regimen_due_at(anna, timezone.now())
    [reminder_id] = reminders_dispatch(now=timezone.now()).claimed

    first = send_reminder.apply(args=[reminder_id]).get()
    second = send_reminder.apply(args=[reminder_id]).get()

    assert (first, second) == ("sent", "not claimable")
    assert [email.to for email in mail.outbox] == [["anna@example.org"]]
    reminder = DoseReminder.objects.get(pk=reminder_id)
    assert (reminder.status, reminder.attempts) == (DoseReminder.Status.SENT, 1)


def test_a_reminder_the_broker_delivers_twice_is_emailed_once(reminder_worker, task_runs):
    anna = UserFactory(email="anna@example.org", time_zone="America/New_York")
    regimen_due_at(anna, timezone.now())
    [reminder_id] = reminders_dispatch(now=timezone.now()).claimed

    send_reminder.delay(reminder_id)
    send_reminder.delay(reminder_id)

    assert task_runs.wait_for(lambda runs: len([r for r in runs if r.name == SEND_TASK]) >= 2), task_runs.runs
    assert sorted(run.retval for run in task_runs.of(SEND_TASK)) == ["not claimable", "sent"]
    assert [email.to for email in mail.outbox] == [["anna@example.org"]]
    assert DoseReminder.objects.get(pk=reminder_id).status == DoseReminder.Status.SENT


# --- 3. a flaky mail server -----------------------------------------------------------------


def test_a_mail_server_that_refuses_twice_gets_the_email_on_the_third_attempt(
    reminder_worker, task_runs, smtp_settings
):
    anna = UserFactory(email="anna@example.org", time_zone="Europe/Rome")
    regimen = regimen_due_at(anna, timezone.now(), product_name="Lactobacillus reuteri drops")
    sink = MailSink(refuse_first=2)
    with smtp_server(sink) as (host, port):
        smtp_settings(host, port)
        dispatch_reminders.delay()
        assert task_runs.wait_for(sends_ending("sent")), task_runs.runs

    # The first attempt is in the batch task; the retries in the single send task.
    assert [run.state for run in task_runs.of(BATCH_TASK)] == ["SUCCESS"]
    assert [run.state for run in task_runs.of(SEND_TASK)] == ["RETRY", "SUCCESS"]
    assert (sink.data_attempts, sink.refused, sink.accepted) == (3, 2, 1)
    [received] = sink.messages
    assert received.recipients == ("anna@example.org",)
    message = message_from_bytes(received.content)
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == f"Time for your Lactobacillus reuteri drops ({regimen.slot_times[0]:%H:%M})"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.attempts) == (DoseReminder.Status.SENT, 3)
    assert mail.outbox == []


def test_a_mail_server_that_always_refuses_leaves_the_reminder_failed_and_nothing_stuck(
    reminder_worker, task_runs, smtp_settings, monkeypatch
):
    task = celery_app.tasks[SEND_TASK]
    monkeypatch.setattr(task, "max_retries", 2)  # REMINDER_MAX_RETRIES is 5: fewer, for speed
    anna = UserFactory(email="anna@example.org", time_zone="Europe/Rome")
    regimen_due_at(anna, timezone.now())
    sink = MailSink(refuse_always=True)
    with smtp_server(sink) as (host, port):
        smtp_settings(host, port)
        dispatch_reminders.delay()
        assert task_runs.wait_for(sends_ending("failed")), task_runs.runs

    assert [run.state for run in task_runs.of(SEND_TASK)] == ["RETRY", "SUCCESS"]
    assert (sink.data_attempts, sink.accepted) == (3, 0)
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.attempts) == (DoseReminder.Status.FAILED, 3)
    assert reminder.status_reason.startswith("gave up after 3 attempts: SMTPDataError")
    stuck = DoseReminder.objects.filter(status__in=[DoseReminder.Status.QUEUED, DoseReminder.Status.SENDING])
    assert not stuck.exists()
    assert mail.outbox == []
