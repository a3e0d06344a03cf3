"""Push reminders: the same reminder row as the email, pushed to her devices through a push
service on 127.0.0.1, decrypted as her browser would, and answered from the notification."""

import base64
import json
from datetime import date, time, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import resolve
from py_vapid import Vapid02

from tests.push_helpers import FakeBrowser
from tests.reminders_helpers import ROME_0800, run
from tracker.models import DoseLog, DoseReminder, PushSubscription, ReminderSettings
from tracker.reminders import sending
from tracker.reminders.batches import reminders_send_batch
from tracker.reminders.dispatch import reminders_dispatch
from tracker.reminders.push import PushUnavailable
from tracker.reminders.sending import reminder_send
from tracker.reminders.tokens import read_token

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_outbox", "push_keys")]


@pytest.fixture
def phone(anna, push_service):
    """Anna's phone, subscribed (push on, email kept)."""
    browser = FakeBrowser()
    browser.subscription = browser.subscribe(anna, push_service.endpoint("anna-phone"))
    ReminderSettings.objects.create(mother=anna, push_enabled=True)
    return browser


def _token(path: str, view_name: str) -> str:
    match = resolve(path)
    assert match.url_name == view_name
    return match.kwargs["token"]


def _jwt_claims(authorization: str) -> dict:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_due_slot_is_pushed_to_her_phone_encrypted_and_signed(
    anna, anna_regimen, phone, push_service, push_keys
):
    assert "1 claimed: 1 sent." in run(ROME_0800)
    reminder = DoseReminder.objects.get()
    [request] = push_service.received
    assert request.path == "/push/anna-phone"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == "7200"
    assert request.headers["urgency"] == "high"
    payload = phone.read(request)
    assert payload["title"] == "Time for your Multi-strain probiotic (08:00)"
    assert payload["body"] == "It's 08:00: time for your dose of Multi-strain probiotic (Example)."
    assert payload["tag"] == f"reminder-{reminder.pk}"
    assert payload["open"] == "/"
    took = _token(payload["took"], "reminder_push_took")
    snooze = _token(payload["snooze"], "reminder_push_snooze")
    assert read_token("took", took).object_id == reminder.pk
    assert read_token("snooze", snooze).object_id == reminder.pk
    # The VAPID header: signed by the app's key, for this push service's origin.
    authorization = request.headers["authorization"]
    assert authorization.startswith("vapid ")
    assert authorization.split("k=", 1)[1] == push_keys.VAPID_PUBLIC_KEY
    assert Vapid02.verify(authorization)
    claims = _jwt_claims(authorization)
    assert (claims["aud"], claims["sub"]) == (push_service.origin, "mailto:reminders@example.org")
    # One reminder row, both channels done; the email went too.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@example.org"]
    assert (reminder.status, reminder.sent_at, reminder.pushed_at) == ("sent", ROME_0800, ROME_0800)
    assert PushSubscription.objects.get().last_success_at == ROME_0800


def _pushed_at_0800(push_service, phone) -> dict:
    with time_machine.travel(ROME_0800, tick=False):  # the tokens are signed at send time
        run(ROME_0800)
    return phone.read(push_service.received[0])


def test_took_it_from_the_lock_screen_logs_the_dose_once(anna, anna_regimen, phone, push_service, client):
    payload = _pushed_at_0800(push_service, phone)
    # The service worker posts without a page, so without a CSRF token, and without a login.
    client.handler.enforce_csrf_checks = True
    with time_machine.travel(ROME_0800 + timedelta(minutes=4), tick=False):
        answer = client.post(payload["took"])
    assert answer.status_code == 200
    assert answer.json() == {"done": "Logged: your 08:00 dose is taken. Well done."}
    log = DoseLog.objects.get()
    assert (log.slot_date, log.slot_time, log.status, log.source) == (
        date(2026, 11, 16),
        time(8),
        "taken",
        "push",
    )
    assert log.taken_at == ROME_0800 + timedelta(minutes=4)
    with time_machine.travel(ROME_0800 + timedelta(minutes=9), tick=False):
        again = client.post(payload["took"]).json()["done"]
        snooze = client.post(payload["snooze"]).json()["done"]
    assert again == "This dose is already logged as taken at 08:04 on 16 Nov. Nothing was changed."
    assert DoseLog.objects.count() == 1
    assert snooze == "This dose is already logged, so there is nothing to remind you about."


def test_snooze_from_the_lock_screen_works_once_per_reminder(anna, anna_regimen, phone, push_service, client):
    payload = _pushed_at_0800(push_service, phone)
    with time_machine.travel(ROME_0800 + timedelta(minutes=2), tick=False):
        first = client.post(payload["snooze"]).json()["done"]
        second = client.post(payload["snooze"]).json()["done"]
    assert first == "Done: we will remind you again at 08:32."
    assert DoseReminder.objects.filter(kind="snooze_1").get().due_at == ROME_0800 + timedelta(minutes=32)
    assert second == "This link was already used: we will remind you again at 08:32. Nothing was changed."
    assert DoseReminder.objects.filter(kind__startswith="snooze").count() == 1


def test_a_forged_or_wrong_action_token_is_refused(anna, anna_regimen, phone, push_service, client):
    payload = _pushed_at_0800(push_service, phone)
    took_token = _token(payload["took"], "reminder_push_took")
    answer = client.post(f"/r/push/snooze/{took_token}/")  # a "took" token is no snooze
    assert answer.status_code == 400
    assert "not valid" in answer.json()["error"]
    assert client.post("/r/push/took/made-up/").status_code == 400
    assert client.get(payload["took"]).status_code == 405  # a GET never logs a dose
    assert not DoseLog.objects.exists()


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_calls_gone_is_deleted_and_the_email_still_goes(
    anna, anna_regimen, phone, push_service, status
):
    push_service.statuses["/push/anna-phone"] = status
    run(ROME_0800)
    assert len(push_service.received) == 1
    assert not PushSubscription.objects.exists()
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.sent_at, reminder.pushed_at) == ("sent", ROME_0800, None)
    assert reminder.status_reason == "1 device(s) gone, removed"
    # The next reminder goes by email alone: nothing is pushed to the gone device.
    run(ROME_0800 + timedelta(hours=12))
    assert len(push_service.received) == 1 and len(mail.outbox) == 2


def test_two_dispatchers_and_a_batch_sent_twice_give_one_push(anna, anna_regimen, phone, push_service):
    first = reminders_dispatch(now=ROME_0800)
    second = reminders_dispatch(now=ROME_0800)
    assert (len(first.claimed), second.claimed) == (1, [])
    assert reminders_send_batch(first.claimed, now=ROME_0800) == {"sent": 1}
    assert reminders_send_batch(first.claimed, now=ROME_0800) == {"not claimable": 1}
    assert len(push_service.received) == 1 and len(mail.outbox) == 1


def test_a_reclaimed_reminder_sends_only_the_channel_still_missing(
    anna, anna_regimen, phone, push_service, monkeypatch
):
    """Pushed, then the mail server is down: the row goes back for a retry with the push
    marked, and the dispatcher's retry sends the email alone."""
    real_send = sending.send_alternatives
    calls = []

    def mail_server_down_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionRefusedError("mail server down")
        return real_send(*args, **kwargs)

    monkeypatch.setattr(sending, "send_alternatives", mail_server_down_once)
    assert "1 retry later" in run(ROME_0800)
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.pushed_at, reminder.sent_at) == ("queued", ROME_0800, None)
    assert len(push_service.received) == 1 and mail.outbox == []
    later = ROME_0800 + timedelta(minutes=3)  # the lease has run out: the dispatcher takes it back
    assert "1 sent" in run(later)
    reminder.refresh_from_db()
    assert (reminder.status, reminder.pushed_at, reminder.sent_at) == ("sent", ROME_0800, later)
    assert len(push_service.received) == 1 and len(mail.outbox) == 1


def test_a_push_service_down_never_holds_up_the_email(anna, anna_regimen, phone, push_service):
    push_service.statuses["/push/anna-phone"] = 503
    assert "1 retry later" in run(ROME_0800)
    assert len(mail.outbox) == 1  # at once, not after the push's retry
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.sent_at, reminder.pushed_at) == ("queued", ROME_0800, None)
    assert "push unavailable: 503" in reminder.status_reason
    push_service.statuses.clear()
    run(ROME_0800 + timedelta(minutes=3))
    reminder.refresh_from_db()
    assert (reminder.status, reminder.pushed_at) == ("sent", ROME_0800 + timedelta(minutes=3))
    assert len(push_service.received) == 2 and len(mail.outbox) == 1


def test_push_only_gets_no_email(anna, anna_regimen, phone, push_service):
    ReminderSettings.objects.filter(mother=anna).update(email_enabled=False)
    run(ROME_0800)
    assert mail.outbox == []
    assert len(push_service.received) == 1
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.sent_at, reminder.pushed_at) == ("sent", None, ROME_0800)


def test_both_channels_reach_each_of_her_devices_once(anna, anna_regimen, phone, push_service):
    tablet = FakeBrowser()
    tablet.subscribe(anna, push_service.endpoint("anna-tablet"), name="Safari on iPad")
    run(ROME_0800)
    assert sorted(request.path for request in push_service.received) == [
        "/push/anna-phone",
        "/push/anna-tablet",
    ]
    tablet_request = next(r for r in push_service.received if r.path == "/push/anna-tablet")
    assert tablet.read(tablet_request)["title"] == "Time for your Multi-strain probiotic (08:00)"
    assert len(mail.outbox) == 1


def test_email_off_and_no_device_left_skips_the_reminder(anna, anna_regimen):
    ReminderSettings.objects.create(mother=anna, email_enabled=False, push_enabled=True)
    run(ROME_0800)
    assert mail.outbox == []
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.status_reason) == ("skipped", "email off and no device to push to")


def test_email_and_push_both_off_records_no_reminder(anna, anna_regimen):
    ReminderSettings.objects.create(mother=anna, email_enabled=False, push_enabled=False)
    run(ROME_0800)
    assert not DoseReminder.objects.exists()


def test_without_vapid_keys_nothing_is_pushed(anna, anna_regimen, phone, push_service, settings):
    settings.VAPID_PRIVATE_KEY = ""
    run(ROME_0800)
    assert push_service.received == [] and len(mail.outbox) == 1
    assert DoseReminder.objects.get().pushed_at is None


def test_a_push_service_that_refuses_for_good_leaves_the_email_and_says_why(
    anna, anna_regimen, phone, push_service
):
    push_service.statuses["/push/anna-phone"] = 403
    run(ROME_0800)
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.status_reason) == ("sent", "push refused: 403 Forbidden")
    assert PushSubscription.objects.exists() and len(mail.outbox) == 1


def test_the_endpoint_host_is_what_the_token_is_for(anna, anna_regimen, phone, push_service):
    run(ROME_0800)
    claims = _jwt_claims(push_service.received[0].headers["authorization"])
    assert claims["aud"] == f"http://{urlsplit(phone.subscription.endpoint).netloc}"


def test_push_only_with_the_push_service_down_retries_like_email_then_fails(
    anna, anna_regimen, phone, push_service, settings
):
    """The Celery path's single send (a batch's retry): the error is a transient one, the row
    waits queued; the attempt that reaches the cap ends "failed" with the push service's answer."""
    settings.REMINDER_MAX_RETRIES = 1
    ReminderSettings.objects.filter(mother=anna).update(email_enabled=False)
    push_service.statuses["/push/anna-phone"] = 503
    [reminder_id] = reminders_dispatch(now=ROME_0800).claimed
    with pytest.raises(PushUnavailable):
        reminder_send(reminder_id=reminder_id, now=ROME_0800)
    reminder = DoseReminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("queued", 1)
    assert reminder_send(reminder_id=reminder_id, now=ROME_0800 + timedelta(seconds=20)) == "failed"
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("failed", 2)
    assert reminder.status_reason == "push unavailable: 503 Service Unavailable"
    assert len(push_service.received) == 2 and mail.outbox == []


def test_with_push_configured_a_batch_without_push_mothers_costs_one_query_more(
    anna, anna_regimen, django_assert_num_queries
):
    """The email path is unchanged for mothers without push: the batch asks once which of
    its mothers turned push on (tests/test_reminders_leases.py counts the rest: 4 + 1 per email)."""
    claimed = reminders_dispatch(now=ROME_0800).claimed
    with django_assert_num_queries(4 + 1 + 1):
        assert reminders_send_batch(claimed, now=ROME_0800) == {"sent": 1}


def test_a_vapid_subject_push_services_refuse_fails_the_push_not_the_batch(
    anna, anna_regimen, phone, push_service, settings
):
    settings.VAPID_SUBJECT = "the admin"  # not a mailto: or https: address
    run(ROME_0800)
    reminder = DoseReminder.objects.get()
    assert reminder.status == "sent" and len(mail.outbox) == 1 and push_service.received == []
    assert reminder.status_reason.startswith(
        "push refused: cannot encrypt or sign: Missing 'sub' from claims."
    )
