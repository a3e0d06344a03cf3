"""Signed, single-purpose links for reminder emails (they work without logging in)."""

from dataclasses import dataclass
from datetime import timedelta

from tracker.signed_links import SignedLink

__all__ = ["LinkTarget", "make_link", "make_token", "read_token"]

LINK_LIFETIME = timedelta(hours=36)
UNSUBSCRIBE_LIFETIME = timedelta(days=90)

DOSE_LINK_EXPIRED = (
    f"This link has expired: links in reminder emails work for {LINK_LIFETIME // timedelta(hours=1)} "
    "hours. You can still log the dose in the app."
)
UNSUBSCRIBE_LINK_EXPIRED = (
    f"This link has expired: unsubscribe links work for {UNSUBSCRIBE_LIFETIME.days} days. "
    "You can turn reminders off in the app, under Reminders."
)
LINK_INVALID = (
    "This link is not valid. It may have been cut off or changed: "
    "open it again from the email, or log the dose in the app."
)


def _dose_link(salt: str, url_name: str) -> SignedLink:
    return SignedLink(
        salt=salt,
        url_name=url_name,
        lifetime=LINK_LIFETIME,
        expired_message=DOSE_LINK_EXPIRED,
        invalid_message=LINK_INVALID,
    )


#: Each action has its own salt, so a "took" token can never be replayed as a "skip" or an
#: "unsubscribe". The dose links carry a DoseReminder id; "unsubscribe" carries the mother's id.
LINKS = {
    "took": _dose_link("tracker.reminders.link.took", "reminder_took"),
    "skip": _dose_link("tracker.reminders.link.skip", "reminder_skip"),
    "snooze": _dose_link("tracker.reminders.link.snooze", "reminder_snooze"),
    "unsubscribe": SignedLink(
        salt="tracker.reminders.link.unsubscribe",
        url_name="reminder_unsubscribe",
        lifetime=UNSUBSCRIBE_LIFETIME,
        expired_message=UNSUBSCRIBE_LINK_EXPIRED,
        invalid_message=LINK_INVALID,
    ),
}


@dataclass(frozen=True)
class LinkTarget:
    action: str
    object_id: int  # a DoseReminder id, or the mother's id for "unsubscribe"


def make_token(action: str, object_id: int) -> str:
    return LINKS[action].token(object_id)


def make_link(action: str, object_id: int) -> str:
    """An absolute URL for the email."""
    return LINKS[action].url(object_id)


def read_token(action: str, token: str) -> LinkTarget:
    """The target of a valid token, or ``LinkError`` saying why it can't be used."""
    return LinkTarget(action, int(LINKS[action].read(token)))
