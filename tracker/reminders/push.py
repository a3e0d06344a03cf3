"""Web Push for reminders: what the notification says, and handing it to her devices' push services.

A push is another channel of the same ``DoseReminder`` row as its email, sent by the batch that
claimed the row (``tracker.reminders.sending``), never a reminder of its own. The payload is
encrypted for each browser (RFC 8291, aes128gcm) and signed with the app's VAPID key (RFC
8292) by pywebpush; it carries the title and body, and the paths the service worker POSTs to
for "Took it" and "Snooze 30 min" (``tracker.views.push``), each with the reminder's own signed
token, the same as the email's links: the slot is logged once, a snooze made once, whichever
channel she answers from.

How each push service answer counts: 2xx accepted; 404 or 410, the browser dropped the
subscription, so its row is deleted; 429, 5xx or no answer (network, timeout), unavailable
(the reminder is tried again later if no device took it); any other 4xx, refused.
"""

import functools
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.urls import reverse
from py_vapid import Vapid02, VapidException
from pywebpush import WebPusher

from tracker.models import DoseReminder, PushSubscription, ReminderSettings
from tracker.reminders.tokens import make_token

logger = logging.getLogger(__name__)
#: A reminder is worth showing for as long as it may still be sent (``LATE_LIMIT``): a phone
#: that is off longer never shows it.
TIME_TO_LIVE = 2 * 60 * 60
#: Seconds to wait for a push service, connecting and reading.
TIMEOUT = 10
GONE = {404, 410}
_VAPID_LIFETIME = 12 * 60 * 60


class PushUnavailable(ConnectionError):
    """No device took the push now (its push services answered 429 or 5xx, or not at all): a
    transient error like a mail server's, retried the same way."""


def push_configured() -> bool:
    """Whether the VAPID key pair and subject are set (else push is off: no button, no sends)."""
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY and settings.VAPID_SUBJECT)


@dataclass
class PushPlan:
    """How one mother wants her reminders, when she wants them pushed: by email too or not,
    and the devices to push to (possibly none left)."""

    email: bool
    subscriptions: list[PushSubscription] = field(default_factory=list)


def push_plans(mother_ids: set[int]) -> dict[int, PushPlan]:
    """The plans of those of ``mother_ids`` who turned push on, by mother id; a mother absent
    from the result gets email only. One query, and a second only when someone has push on."""
    if not mother_ids or not push_configured():
        return {}
    wanting = dict(
        ReminderSettings.objects.filter(mother_id__in=mother_ids, push_enabled=True).values_list(
            "mother_id", "email_enabled"
        )
    )
    if not wanting:
        return {}
    plans = {mother_id: PushPlan(email=email) for mother_id, email in wanting.items()}
    for subscription in PushSubscription.objects.filter(mother_id__in=wanting):
        plans[subscription.mother_id].subscriptions.append(subscription)
    return plans


def reminder_payload(reminder: DoseReminder, *, snoozes: int) -> dict:
    """What the service worker shows (``templates/pwa/sw.js``): title, body, a tag that makes a
    second copy of the same reminder replace the first, the page a tap opens, and the paths
    "Took it" and "Snooze 30 min" POST to (no snooze path when both snoozes are used)."""
    product = reminder.regimen.product
    at = reminder.slot_time.strftime("%H:%M")
    if reminder.kind == DoseReminder.Kind.SLOT:
        title = f"Time for your {product.name} ({at})"
        body = f"It's {at}: time for your dose of {product}."
    else:
        title = f"Still to log: your {at} {product.name}"
        body = f"Your {at} dose of {product} isn't logged yet."
    return {
        "title": title,
        "body": body,
        "tag": f"reminder-{reminder.pk}",
        "open": reverse("today"),
        "took": reverse("reminder_push_took", args=[make_token("took", reminder.pk)]),
        "snooze": reverse("reminder_push_snooze", args=[make_token("snooze", reminder.pk)])
        if snoozes
        else "",
    }


@dataclass
class PushOutcome:
    """What her devices' push services answered for one reminder."""

    accepted: list[int] = field(default_factory=list)  # subscription ids
    gone: list[int] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why, one per device
    unavailable: list[str] = field(default_factory=list)

    def reason(self) -> str:
        parts = [f"push refused: {why}" for why in self.refused]
        parts += [f"push unavailable: {why}" for why in self.unavailable]
        if self.gone:
            parts.append(f"{len(self.gone)} device(s) gone, removed")
        return "; ".join(parts)


def push_reminder(
    reminder: DoseReminder,
    subscriptions: list[PushSubscription],
    *,
    snoozes: int,
    now: datetime,
    session: requests.Session | None = None,
) -> PushOutcome:
    """Send ``reminder`` to each of ``subscriptions``; delete those whose push service says they
    are gone, and stamp ``last_success_at`` on those that took it. ``session`` keeps the
    connections of a batch open."""
    data = json.dumps(reminder_payload(reminder, snoozes=snoozes), separators=(",", ":"))
    outcome = PushOutcome()
    for subscription in subscriptions:
        try:
            response = WebPusher(subscription.subscription_info(), requests_session=session).send(
                data,
                headers={
                    **_vapid_headers(subscription.endpoint),
                    "Urgency": "high",
                    "Topic": f"reminder{reminder.pk}",
                },
                ttl=TIME_TO_LIVE,
                timeout=TIMEOUT,
            )
        except (requests.RequestException, OSError) as error:
            outcome.unavailable.append(f"{type(error).__name__}: {error}"[:120])
            continue
        except (ValueError, VapidException) as error:  # the browser's keys, or this server's VAPID settings
            outcome.refused.append(f"cannot encrypt or sign: {error}"[:120])
            continue
        status = response.status_code
        if 200 <= status < 300:
            outcome.accepted.append(subscription.pk)
        elif status in GONE:
            outcome.gone.append(subscription.pk)
        elif status == 429 or status >= 500:
            outcome.unavailable.append(f"{status} {response.reason}")
        else:
            outcome.refused.append(f"{status} {response.reason}")
            logger.warning("push for reminder %s refused: %s %s", reminder.pk, status, response.text[:200])
    if outcome.gone:
        PushSubscription.objects.filter(pk__in=outcome.gone).delete()
    if outcome.accepted:
        PushSubscription.objects.filter(pk__in=outcome.accepted).update(last_success_at=now)
    return outcome


def _vapid_headers(endpoint: str) -> dict[str, str]:
    """The VAPID ``Authorization`` header for the push service of ``endpoint`` (its origin is
    the token's audience), signed once per origin and reused until an hour before it expires."""
    parts = urlsplit(endpoint)
    audience = f"{parts.scheme}://{parts.netloc}"
    key = (settings.VAPID_PRIVATE_KEY, settings.VAPID_SUBJECT, audience)
    cached = _signed.get(key)
    if cached is None or cached[0] - 3600 < time.time():
        expires = int(time.time()) + _VAPID_LIFETIME
        claims = {"sub": settings.VAPID_SUBJECT, "aud": audience, "exp": expires}
        cached = _signed[key] = (expires, _vapid(settings.VAPID_PRIVATE_KEY).sign(claims))
    return cached[1]


_signed: dict[tuple[str, str, str], tuple[int, dict[str, str]]] = {}


@functools.lru_cache(maxsize=4)
def _vapid(private_key: str) -> Vapid02:
    return Vapid02.from_string(private_key)
