"""Her devices for push reminders: "Remind me on this phone" keeps the browser's subscription
for her, the settings page lists each device, and only she can remove hers."""

import json

import pytest
from django.test import Client

from tests.push_helpers import FakeBrowser
from tracker.management.commands.vapid_keys import new_vapid_pair
from tracker.models import PushSubscription, ReminderSettings
from tracker.services.push_subscriptions import device_name

pytestmark = pytest.mark.django_db

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1"
)
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def subscription_json(browser: FakeBrowser, endpoint: str = ENDPOINT) -> str:
    return json.dumps(
        {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
        }
    )


def subscribe(client: Client, body: str, user_agent: str = ANDROID_CHROME):
    return client.post(
        "/settings/reminders/devices/",
        body,
        content_type="application/json",
        headers={"User-Agent": user_agent},
    )


@pytest.fixture
def csrf_client(mother) -> Client:
    """Her browser, with the CSRF check on as in production; ``token`` is the page's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(mother)
    client.get("/settings/reminders/")
    client.token = client.cookies["csrftoken"].value
    return client


@pytest.mark.usefixtures("push_keys")
def test_remind_me_on_this_phone_keeps_the_subscription_for_her_and_turns_push_on(mother, csrf_client):
    browser = FakeBrowser()
    answer = csrf_client.post(
        "/settings/reminders/devices/",
        subscription_json(browser),
        content_type="application/json",
        headers={"User-Agent": ANDROID_CHROME, "X-CSRFToken": csrf_client.token},
    )
    assert answer.status_code == 201
    assert answer.json()["name"] == "Chrome on Android"
    device = PushSubscription.objects.get()
    assert (device.mother, device.endpoint, device.p256dh, device.auth) == (
        mother,
        ENDPOINT,
        browser.p256dh,
        browser.auth,
    )
    assert ReminderSettings.objects.get(mother=mother).push_enabled is True
    assert ReminderSettings.objects.get(mother=mother).email_enabled is True  # email kept


@pytest.mark.usefixtures("push_keys")
def test_subscribing_needs_the_csrf_token(csrf_client):
    answer = subscribe(csrf_client, subscription_json(FakeBrowser()))
    assert answer.status_code == 403
    assert not PushSubscription.objects.exists()


@pytest.mark.usefixtures("push_keys")
def test_the_same_browser_subscribing_again_updates_its_row(mother, mother_client):
    subscribe(mother_client, subscription_json(FakeBrowser()))
    renewed = FakeBrowser()
    assert subscribe(mother_client, subscription_json(renewed), user_agent=IPHONE_SAFARI).status_code == 201
    device = PushSubscription.objects.get()
    assert (device.p256dh, device.auth, device.name) == (renewed.p256dh, renewed.auth, "Safari on iPhone")


@pytest.mark.usefixtures("push_keys")
def test_a_browser_another_account_subscribed_becomes_hers(mother, outsider, mother_client, outsider_client):
    subscribe(outsider_client, subscription_json(FakeBrowser()))
    subscribe(mother_client, subscription_json(FakeBrowser()))
    assert PushSubscription.objects.get().mother == mother


@pytest.mark.usefixtures("push_keys")
@pytest.mark.parametrize(
    "body, error",
    [
        ("not json", "Send the browser's subscription as JSON."),
        (json.dumps({"endpoint": ENDPOINT}), "Send the browser's subscription as JSON."),
        ("HTTP", "The push service's address must be an https:// URL."),
        ("SHORT_KEY", "The browser's public key should be 65 bytes, not 3."),
        ("SHORT_AUTH", "The browser's auth secret should be 16 bytes, not 3."),
    ],
)
def test_a_subscription_that_cannot_be_used_is_refused_with_the_reason(mother_client, body, error):
    browser = FakeBrowser()
    if body == "HTTP":
        body = subscription_json(browser, endpoint="http://127.0.0.1:9/push")
    elif body.startswith("SHORT"):
        keys = {"p256dh": browser.p256dh, "auth": browser.auth}
        keys["p256dh" if body == "SHORT_KEY" else "auth"] = "AQID"
        body = json.dumps({"endpoint": ENDPOINT, "keys": keys})
    answer = subscribe(mother_client, body)
    assert (answer.status_code, answer.json()) == (400, {"error": error})
    assert not PushSubscription.objects.exists()


def test_without_vapid_keys_there_is_no_button_and_no_subscribing(mother_client):
    page = mother_client.get("/settings/reminders/")
    html = page.content.decode()
    assert "Push reminders are not set up on this server" in html
    assert "Remind me on this phone" not in html and "push.js" not in html
    assert "push_enabled" not in page.context["form"].fields
    answer = subscribe(mother_client, subscription_json(FakeBrowser()))
    assert (answer.status_code, answer.json()["error"]) == (
        400,
        "Push reminders are not set up on this server.",
    )


def test_the_page_offers_the_button_with_the_public_key(mother_client, push_keys):
    html = mother_client.get("/settings/reminders/").content.decode()
    assert 'id="push-enable"' in html and "Remind me on this phone" in html
    assert f'data-key="{push_keys.VAPID_PUBLIC_KEY}"' in html
    assert "tracker/push" in html  # the script that asks for permission, on the tap


@pytest.mark.usefixtures("push_keys")
def test_her_devices_are_listed_with_their_dates_and_removable_by_her_only(
    mother, outsider, mother_client, outsider_client
):
    hers = FakeBrowser().subscribe(mother, "https://push.example.net/hers", name="Chrome on Android")
    theirs = FakeBrowser().subscribe(outsider, "https://push.example.net/theirs", name="Firefox on Windows")
    html = mother_client.get("/settings/reminders/").content.decode()
    assert "Chrome on Android" in html and "no reminder yet" in html
    assert "Firefox on Windows" not in html
    # Another mother's device is a 404 for her, and stays.
    assert mother_client.post(f"/settings/reminders/devices/{theirs.pk}/remove/").status_code == 404
    assert mother_client.get(f"/settings/reminders/devices/{hers.pk}/remove/").status_code == 405
    answer = mother_client.post(f"/settings/reminders/devices/{hers.pk}/remove/", follow=True)
    assert answer.redirect_chain == [("/settings/reminders/", 302)]
    assert "Removed: Chrome on Android will show no more reminders." in answer.content.decode()
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        "https://push.example.net/theirs"
    ]
    assert outsider_client.post(f"/settings/reminders/devices/{hers.pk}/remove/").status_code == 404


@pytest.mark.usefixtures("push_keys")
def test_she_chooses_email_push_or_both(mother, mother_client, regimen):
    form = {"regimens": [regimen.pk]}
    mother_client.post("/settings/reminders/", {**form, "push_enabled": "on"})
    row = ReminderSettings.objects.get(mother=mother)
    assert (row.email_enabled, row.push_enabled) == (False, True)
    mother_client.post("/settings/reminders/", {**form, "email_enabled": "on", "push_enabled": "on"})
    row.refresh_from_db()
    assert (row.email_enabled, row.push_enabled) == (True, True)


@pytest.mark.parametrize(
    "user_agent, name",
    [
        (ANDROID_CHROME, "Chrome on Android"),
        (IPHONE_SAFARI, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox on Windows",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        ("", "A browser"),
    ],
)
def test_a_device_is_named_from_its_user_agent(user_agent, name):
    assert device_name(user_agent) == name


def test_vapid_keys_command_writes_a_pair_once(tmp_path, settings, monkeypatch):
    from django.core.management import call_command
    from py_vapid import Vapid02

    for name in ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"):
        monkeypatch.delenv(name, raising=False)
    settings.VAR_DIR = tmp_path
    call_command("vapid_keys")
    saved = dict(line.split("=", 1) for line in (tmp_path / "vapid.env").read_text().splitlines())
    assert (tmp_path / "vapid.env").stat().st_mode & 0o777 == 0o600
    key = Vapid02.from_string(saved["VAPID_PRIVATE_KEY"])
    assert (
        key.public_key.public_numbers()
        == Vapid02.from_raw_public(saved["VAPID_PUBLIC_KEY"].encode()).public_key.public_numbers()
    )
    call_command("vapid_keys")  # kept: a new pair would orphan every subscribed browser
    assert dict(line.split("=", 1) for line in (tmp_path / "vapid.env").read_text().splitlines()) == saved
    assert new_vapid_pair() != (saved["VAPID_PUBLIC_KEY"], saved["VAPID_PRIVATE_KEY"])
