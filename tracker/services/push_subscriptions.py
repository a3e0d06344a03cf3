"""Her devices for push reminders: subscribing a browser ("Remind me on this phone") and removing one."""

import base64
import binascii
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from tracker.models import PushSubscription, ReminderSettings

_ENDPOINT = URLValidator(schemes=["https"], message="The push service's address must be an https:// URL.")


def _b64url_bytes(value: str, *, name: str, length: int) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError, TypeError) as error:
        raise ValidationError(f"The browser's {name} is not base64url.") from error
    if len(raw) != length:
        raise ValidationError(f"The browser's {name} should be {length} bytes, not {len(raw)}.")
    return value.rstrip("=")


def device_name(user_agent: str) -> str:
    """How she will recognise the device in her list: the browser and the system it runs on
    ("Chrome on Android"), from its user agent; "A browser" when neither is recognised."""
    browsers = [
        ("Edge", r"Edg(e|A|iOS)?/"),
        ("Samsung Internet", r"SamsungBrowser/"),
        ("Firefox", r"Firefox/|FxiOS/"),
        ("Chrome", r"Chrome/|CriOS/"),
        ("Safari", r"Safari/"),
    ]
    systems = [
        ("iPhone", r"iPhone"),
        ("iPad", r"iPad"),
        ("Android", r"Android"),
        ("Windows", r"Windows"),
        ("a Mac", r"Macintosh|Mac OS X"),
        ("Linux", r"Linux|X11"),
    ]
    browser = next((name for name, pattern in browsers if re.search(pattern, user_agent)), "A browser")
    system = next((name for name, pattern in systems if re.search(pattern, user_agent)), "")
    return f"{browser} on {system}" if system else browser


@transaction.atomic
def push_subscription_save(
    *, mother, endpoint: str, p256dh: str, auth: str, user_agent: str
) -> PushSubscription:
    """Keep the browser subscription ``endpoint`` for ``mother`` and turn her push reminders on.

    The endpoint is unique: the same browser subscribing again updates its row (new keys, a
    new name), never adds one; a browser another account had subscribed becomes hers (the
    push service gave it to whoever is logged in there now). Raises ``ValidationError`` for an
    address that is not https or keys that are not a P-256 point and a 16-byte secret."""
    _ENDPOINT(endpoint)
    p256dh = _b64url_bytes(p256dh, name="public key", length=65)
    auth = _b64url_bytes(auth, name="auth secret", length=16)
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"mother": mother, "p256dh": p256dh, "auth": auth, "name": device_name(user_agent)[:100]},
    )
    ReminderSettings.objects.update_or_create(mother=mother, defaults={"push_enabled": True})
    return subscription


def push_subscription_remove(*, subscription: PushSubscription) -> None:
    """Forget one of her devices (fetched scoped to her by the caller): no more pushes to it."""
    subscription.delete()
