"""Reminders: the links in the reminder email (took it, skip, snooze, unsubscribe)."""

import re
from datetime import date, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.reminders_helpers import ROME_0800, links, run
from tracker.models import DoseLog, DoseReminder, ReminderSettings
from tracker.reminders.tokens import LINKS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_outbox")]


@pytest.fixture
def email_links(anna, anna_regimen):
    with time_machine.travel(ROME_0800, tick=False):  # the links are signed at send time
        run(ROME_0800)
    return links(mail.outbox[0])


def test_i_took_it_needs_a_post_and_logs_once_from_email(client, email_links, anna_regimen):
    with time_machine.travel(ROME_0800 + timedelta(minutes=7), tick=False):
        page = client.get(email_links["took"])
        assert "Yes, I took it" in page.content.decode()
        assert DoseLog.objects.count() == 0  # a mail scanner's GET logs nothing
        done = client.post(email_links["took"])
        again = client.post(email_links["took"])
    log = DoseLog.objects.get()
    assert (log.slot_date, log.slot_time, log.status, log.source) == (
        date(2026, 11, 16),
        time(8, 0),
        "taken",
        "email",
    )
    assert log.taken_at == ROME_0800 + timedelta(minutes=7)
    assert "Logged: your 08:00 dose is taken." in done.content.decode()
    assert "already logged as taken at 08:07 on 16 Nov. Nothing was changed." in again.content.decode()
    assert DoseLog.objects.count() == 1


def test_skip_this_dose_logs_a_skip(client, email_links, anna):
    with time_machine.travel(ROME_0800 + timedelta(minutes=3), tick=False):
        client.post(email_links["skip"])
    log = DoseLog.objects.get()
    # No reason is made up for her: the source already says it came from the email.
    assert (log.status, log.taken_at, log.source, log.skip_reason) == ("skipped", None, "email", "")
    client.force_login(anna)
    history = client.get("/history/doses/").content.decode()
    row = re.search(r'data-testid="history-row">(.*?)</li>', history, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", " ", row).split()).startswith(
        "Mon 16 Nov · 08:00 dose Skipped · Multi-strain probiotic · from the reminder email"
    )


def test_remind_me_in_30_minutes_at_most_twice(client, email_links):
    with time_machine.travel(ROME_0800 + timedelta(minutes=2), tick=False):
        first = client.post(email_links["snooze"])
    assert "we will remind you again at 08:32" in first.content.decode()
    run(ROME_0800 + timedelta(minutes=32))
    assert len(mail.outbox) == 2
    second_links = links(mail.outbox[1])
    with time_machine.travel(ROME_0800 + timedelta(minutes=33), tick=False):
        client.post(second_links["snooze"])
    run(ROME_0800 + timedelta(minutes=63))
    assert len(mail.outbox) == 3
    assert "snooze" not in links(mail.outbox[2])  # both snoozes used: the link is gone
    with time_machine.travel(ROME_0800 + timedelta(minutes=64), tick=False):
        third = client.post(email_links["snooze"])
    assert "This link was already used: we will remind you again at 08:32." in third.content.decode()
    assert DoseReminder.objects.filter(kind__startswith="snooze").count() == 2


def test_a_snooze_link_works_once(client, email_links):
    with time_machine.travel(ROME_0800 + timedelta(minutes=2), tick=False):
        first_page = client.get(email_links["snooze"])
        second_page = client.get(email_links["snooze"])  # opened twice before confirming
        first = client.post(email_links["snooze"], follow=True)
        second = client.post(email_links["snooze"], follow=True)
        after = client.get(email_links["snooze"])
    assert "Remind me in 30 minutes" in first_page.content.decode()
    assert "Remind me in 30 minutes" in second_page.content.decode()
    assert "we will remind you again at 08:32" in first.content.decode()
    used = "This link was already used: we will remind you again at 08:32. Nothing was changed."
    assert used in second.content.decode()
    assert used in after.content.decode() and "Remind me in 30 minutes" not in after.content.decode()
    assert '<button class="btn btn-primary btn-tap w-100" type="submit">' not in after.content.decode()
    [snooze] = DoseReminder.objects.filter(kind__startswith="snooze")
    assert (snooze.kind, snooze.due_at) == ("snooze_1", ROME_0800 + timedelta(minutes=32))
    run(ROME_0800 + timedelta(minutes=32))
    assert len(mail.outbox) == 2  # the first email and one snooze, not two identical ones


def test_a_tampered_token_gets_a_clear_page_and_logs_nothing(client, email_links):
    tampered = (
        email_links["took"][:-3] + ("A" if email_links["took"][-3] != "A" else "B") + email_links["took"][-2:]
    )
    response = client.post(tampered)
    assert response.status_code == 400
    assert "This link is not valid." in response.content.decode()
    assert DoseLog.objects.count() == 0


def test_a_took_token_is_not_a_skip_token(client, email_links):
    skip_with_took_token = email_links["took"].replace("/r/took/", "/r/skip/")
    response = client.post(skip_with_took_token)
    assert response.status_code == 400
    assert DoseLog.objects.count() == 0


def test_an_expired_token_gets_a_clear_page_and_logs_nothing(client, email_links):
    with time_machine.travel(ROME_0800 + timedelta(hours=36, minutes=1), tick=False):
        response = client.post(email_links["took"])
    assert response.status_code == 400
    assert "This link has expired: links in reminder emails work for 36 hours." in response.content.decode()
    assert DoseLog.objects.count() == 0


def test_an_expired_unsubscribe_link_says_how_long_it_worked_and_what_to_do(client, email_links):
    with time_machine.travel(ROME_0800 + timedelta(days=90, minutes=1), tick=False):
        response = client.post(email_links["unsubscribe"])
    assert response.status_code == 400
    assert "unsubscribe links work for 90 days" in response.content.decode()
    assert "turn reminders off in the app" in response.content.decode()


def test_one_click_unsubscribe_works_without_csrf_and_stops_emails(email_links, anna):
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)  # as a mail provider posts it
    page = mail_client.get(email_links["unsubscribe"])
    assert "Stop reminder emails?" in page.content.decode()
    assert ReminderSettings.objects.filter(mother=anna, email_enabled=False).count() == 0
    response = mail_client.post(email_links["unsubscribe"], {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ReminderSettings.objects.get(mother=anna).email_enabled is False
    run(ROME_0800 + timedelta(hours=12))  # the 20:00 slot
    assert len(mail.outbox) == 1


def test_each_link_is_its_page_reversed_around_the_token(settings):
    """The path around the token is reversed once and kept; the link stays what reverse gives."""
    settings.SITE_URL = "https://tracker.example.org/"
    for action, link in LINKS.items():
        url = link.url(4242)
        token = url.rstrip("/").rsplit("/", 1)[1]
        assert url == "https://tracker.example.org" + reverse(link.url_name, args=[token]), action
        assert link.read(token) == 4242
