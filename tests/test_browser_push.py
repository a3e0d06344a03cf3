"""Push reminders in Debian's Chromium: the browser asks for permission only when she taps
"Remind me on this phone", the subscription it makes is kept for her, and the service worker
shows a pushed reminder with its buttons, logs the dose from "Took it" and opens Today.

Headless Chromium has no push service to subscribe with, so the page's ``PushManager.subscribe``
and ``Notification.requestPermission`` are replaced before any script runs (counting the
calls); the push itself is delivered to the real service worker over the DevTools protocol."""

# ruff: noqa: F811 - each test takes the imported ``page`` fixture as an argument

import base64
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import RegimenFactory, UserFactory
from tests.push_helpers import FakeBrowser
from tests.test_browser import chromium, log_in, page  # noqa: F401
from tests.test_browser_offline import controlled
from tracker.models import DoseLog, DoseReminder, PushSubscription
from tracker.reminders.push import reminder_payload

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

ROME = ZoneInfo("Europe/Rome")
ENDPOINT = "https://push.example.net/send/anna-phone"

#: Before the page's scripts: record each permission request and the key handed to subscribe
#: (in sessionStorage, which outlives the reload after subscribing), and answer as a browser
#: whose user says ``ANSWER``.
STUBS = """
(() => {
  const note = (name, value) => sessionStorage.setItem(name, JSON.stringify(value));
  note("asked", Number(JSON.parse(sessionStorage.getItem("asked") || "0")));
  Notification.requestPermission = () => {
    note("asked", Number(JSON.parse(sessionStorage.getItem("asked"))) + 1);
    return Promise.resolve(ANSWER);
  };
  PushManager.prototype.subscribe = function (options) {
    note("key", Array.from(new Uint8Array(options.applicationServerKey)));
    return Promise.resolve({ toJSON: () => (SUBSCRIPTION) });
  };
})();
"""


@pytest.fixture
def anna(db, push_keys):
    return UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")


def stub_browser(page, answer: str, browser: FakeBrowser) -> None:
    subscription = {
        "endpoint": ENDPOINT,
        "expirationTime": None,
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
    }
    page.add_init_script(
        STUBS.replace("ANSWER", json.dumps(answer)).replace("SUBSCRIPTION", json.dumps(subscription))
    )


def noted(page, name: str):
    return page.evaluate(f"JSON.parse(sessionStorage.getItem({json.dumps(name)}))")


def test_permission_is_asked_only_on_the_tap_and_the_phone_is_kept_for_her(page, anna, push_keys):
    browser = FakeBrowser()
    stub_browser(page, "granted", browser)
    log_in(page, anna.email)
    page.goto(f"{page.base_url}/settings/reminders/")
    page.evaluate("navigator.serviceWorker.ready")
    assert noted(page, "asked") == 0  # opening the page asks nothing
    assert not PushSubscription.objects.exists()

    with page.expect_navigation():  # the page reloads with the device listed
        page.get_by_role("button", name="Remind me on this phone").click()
    assert noted(page, "asked") == 1
    public_key = base64.urlsafe_b64decode(push_keys.VAPID_PUBLIC_KEY + "=")
    assert bytes(noted(page, "key")) == public_key
    device = PushSubscription.objects.get()
    assert (device.mother, device.endpoint, device.p256dh, device.auth) == (
        anna,
        ENDPOINT,
        browser.p256dh,
        browser.auth,
    )
    assert page.get_by_text("Reminders will show on this device (Chrome on Linux).").is_visible()
    assert page.get_by_role("button", name="Remove Chrome on Linux").is_visible()


def test_a_refused_permission_keeps_nothing_and_says_so(page, anna):
    stub_browser(page, "denied", FakeBrowser())
    log_in(page, anna.email)
    page.goto(f"{page.base_url}/settings/reminders/")
    page.evaluate("navigator.serviceWorker.ready")
    page.get_by_role("button", name="Remind me on this phone").click()
    status = page.locator("#push-status")
    status.filter(has_text="Notifications were not allowed").wait_for()
    assert noted(page, "asked") == 1
    assert not PushSubscription.objects.exists()


def _due_now(anna) -> DoseReminder:
    now = datetime.now(ROME).replace(second=0, microsecond=0)
    regimen = RegimenFactory(
        mother=anna, dose_times=[f"{now:%H:%M}"], start_date=now.date() - timedelta(days=3)
    )
    return DoseReminder.objects.create(
        regimen=regimen, slot_date=now.date(), slot_time=now.time(), due_at=now, status="sent"
    )


def _notifications(page) -> list[dict]:
    return page.evaluate(
        """navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((shown) => shown.map((n) =>
             ({ title: n.title, body: n.body, tag: n.tag, actions: n.actions.map((a) => a.title), data: n.data })))"""
    )


def test_the_worker_shows_a_pushed_reminder_and_took_it_logs_the_dose(page, anna):
    reminder = _due_now(anna)
    payload = reminder_payload(reminder, snoozes=2)
    page.context.grant_permissions(["notifications"], origin=page.base_url)
    log_in(page, anna.email)
    controlled(page)
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)
    registration = next(r for r in registrations if not r["isDeleted"])
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": page.base_url,
            "registrationId": registration["registrationId"],
            "data": json.dumps(payload),
        },
    )
    page.wait_for_function(
        "navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((shown) => shown.length === 1)",
        polling=200,
    )
    [shown] = _notifications(page)
    assert (shown["title"], shown["body"], shown["tag"]) == (
        payload["title"],
        payload["body"],
        payload["tag"],
    )
    assert shown["actions"] == ["Took it", "Snooze 30 min"]
    assert shown["data"] == {"open": "/", "took": payload["took"], "snooze": payload["snooze"]}

    # "Took it": what the worker's notificationclick does with the button (a click on a
    # notification cannot be made in a headless browser): POST the signed path, say the result.
    worker = page.context.service_workers[0]
    worker.evaluate(
        "([path, title, tag]) => answer(path, { title, tag })",
        [payload["took"], payload["title"], payload["tag"]],
    )
    log = DoseLog.objects.get()
    assert (log.regimen_id, log.slot_time, log.status, log.source) == (
        reminder.regimen_id,
        reminder.slot_time,
        "taken",
        "push",
    )
    [said] = _notifications(page)
    assert said["body"] == f"Logged: your {reminder.slot_time:%H:%M} dose is taken. Well done."

    # A tap on the notification itself opens Today in the app's window. (Outside a real
    # notificationclick the browser refuses the focus() that follows: the navigation is checked.)
    page.goto(f"{page.base_url}/settings/reminders/")
    assert worker.evaluate("openPage('/').then(() => 'focused', (refused) => refused.name)") in {
        "focused",
        "InvalidAccessError",
    }
    page.wait_for_url(f"{page.base_url}/")
