"""Dose reminders through `send_due_reminders` (synchronous dispatch and send)."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tests.factories import DoseLogFactory, RegimenFactory, UserFactory
from tracker.models import DoseLog, DoseReminder, Regimen, ReminderSettings
from tracker.reminders.dispatch import reminders_dispatch
from tracker.reminders.sending import reminder_send
from tracker.services.reminders import reminder_settings_save

UTC = ZoneInfo("UTC")
ROME = ZoneInfo("Europe/Rome")
NEW_YORK = ZoneInfo("America/New_York")
# Monday 16 November 2026, 08:00 in Rome (CET, UTC+1).
ROME_0800 = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def anna(db):
    return UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")


@pytest.fixture
def anna_regimen(anna):
    return RegimenFactory(mother=anna, dose_times=["08:00", "20:00"], start_date=date(2026, 11, 1))


def run(now: datetime) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_due_reminders", now=now.isoformat(), stdout=out)
    return out.getvalue()


def links(message) -> dict[str, str]:
    found = dict(re.findall(r"http://testserver(/r/(took|skip|snooze|unsubscribe)/[^/\s]+/)", message.body))
    return {action: path for path, action in found.items()}


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


# The links in the email


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
    assert used in after.content.decode() and "<button" not in after.content.decode()
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


def test_settings_page_sets_quiet_hours_follow_up_and_regimens(client, anna, anna_regimen):
    client.force_login(anna)
    response = client.post(
        "/settings/reminders/",
        {
            "email_enabled": "on",
            "follow_up": "on",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "regimens": [],
        },
    )
    assert response["Location"] == "/settings/reminders/"
    saved = ReminderSettings.objects.get(mother=anna)
    assert (saved.follow_up, saved.quiet_start, saved.quiet_end) == (True, time(22, 0), time(7, 0))
    anna_regimen.refresh_from_db()
    assert anna_regimen.reminders_enabled is False


def test_settings_page_explains_half_quiet_hours(client, anna, anna_regimen):
    client.force_login(anna)
    response = client.post("/settings/reminders/", {"email_enabled": "on", "quiet_start": "22:00"})
    assert "Give both ends of your quiet hours, or neither." in response.content.decode()
    assert not ReminderSettings.objects.filter(mother=anna).exists()


def test_saving_reminder_settings_turns_reminders_on_for_exactly_the_chosen_regimens(anna, anna_regimen):
    other = RegimenFactory(mother=anna, dose_times=["09:00"], start_date=date(2026, 11, 1))
    strangers = RegimenFactory(dose_times=["09:00"], start_date=date(2026, 11, 1), reminders_enabled=False)
    row = ReminderSettings(mother=anna, email_enabled=True, follow_up=True)
    saved = reminder_settings_save(settings_row=row, regimens=[other, strangers])
    assert ReminderSettings.objects.get(mother=anna).follow_up is True
    assert saved.pk is not None
    enabled = {regimen.pk: regimen.reminders_enabled for regimen in Regimen.objects.all()}
    assert enabled == {anna_regimen.pk: False, other.pk: True, strangers.pk: False}


def test_reminder_settings_with_half_quiet_hours_are_refused(anna, anna_regimen):
    row = ReminderSettings(mother=anna, quiet_start=time(22, 0))
    with pytest.raises(ValidationError, match="Give both ends of your quiet hours"):
        reminder_settings_save(settings_row=row, regimens=[])
    assert not ReminderSettings.objects.exists()
    anna_regimen.refresh_from_db()
    assert anna_regimen.reminders_enabled is True


def test_send_due_reminders_rejects_a_naive_now():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="needs a UTC offset"):
        call_command("send_due_reminders", now="2026-11-16T07:00")


def test_abandoned_reminders_are_put_back_and_sent_once(anna, anna_regimen):
    """A lost message leaves a row "queued"; a worker that died mid-send leaves one "sending"."""
    queued = DoseReminder.objects.create(
        regimen=anna_regimen,
        slot_date=date(2026, 11, 16),
        slot_time=time(8, 0),
        due_at=ROME_0800,
        status=DoseReminder.Status.QUEUED,
        claimed_at=ROME_0800 + timedelta(hours=1),  # its last attempt failed at 09:00
    )
    sending = DoseReminder.objects.create(
        regimen=anna_regimen,
        slot_date=date(2026, 11, 16),
        slot_time=time(8, 0),
        kind="follow_up",
        due_at=ROME_0800 + timedelta(hours=1),
        status=DoseReminder.Status.SENDING,
        claimed_at=ROME_0800 + timedelta(hours=1),
    )
    run(ROME_0800 + timedelta(hours=1, minutes=5))  # too soon: a retry or a send may still be under way
    assert mail.outbox == []
    run(ROME_0800 + timedelta(hours=1, minutes=16))
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

    monkeypatch.setattr(sending.EmailMultiAlternatives, "send", refuse)
    output = run(ROME_0800)
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("failed", 1)
    assert "1 failed" in output
    assert reminder.status_reason.startswith("SMTPRecipientsRefused")
