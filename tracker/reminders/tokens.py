"""Signed, single-purpose links for reminder emails (they work without logging in)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

LINK_LIFETIME = timedelta(hours=36)
UNSUBSCRIBE_LIFETIME = timedelta(days=90)

#: action -> (URL name, lifetime). Each action has its own salt, so a "took"
#: token can never be replayed as a "skip" or an "unsubscribe".
ACTIONS = {
    "took": ("reminder_took", LINK_LIFETIME),
    "skip": ("reminder_skip", LINK_LIFETIME),
    "snooze": ("reminder_snooze", LINK_LIFETIME),
    "unsubscribe": ("reminder_unsubscribe", UNSUBSCRIBE_LIFETIME),
}


class LinkError(Exception):
    """A link that cannot be used; ``message`` says why, for the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LinkTarget:
    action: str
    object_id: int  # a DoseReminder id, or the mother's id for "unsubscribe"


def _salt(action: str) -> str:
    return f"tracker.reminders.link.{action}"


def make_token(action: str, object_id: int) -> str:
    return signing.dumps(object_id, salt=_salt(action))


def make_link(action: str, object_id: int) -> str:
    """An absolute URL for the email."""
    url_name, _ = ACTIONS[action]
    return settings.SITE_URL.rstrip("/") + reverse(url_name, args=[make_token(action, object_id)])


def read_token(action: str, token: str) -> LinkTarget:
    """The target of a valid token, or ``LinkError`` saying why it can't be used."""
    _, lifetime = ACTIONS[action]
    try:
        object_id = signing.loads(token, salt=_salt(action), max_age=lifetime)
    except signing.SignatureExpired as error:
        hours = int(lifetime.total_seconds() // 3600)
        raise LinkError(
            f"This link has expired: links in reminder emails work for {hours} hours. "
            "You can still log the dose in the app."
        ) from error
    except signing.BadSignature as error:
        raise LinkError(
            "This link is not valid. It may have been cut off or changed: "
            "open it again from the email, or log the dose in the app."
        ) from error
    return LinkTarget(action, int(object_id))
