"""Signed invite links: the email to a clinician carries the grant id, valid for 14 days."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from tracker.reminders.tokens import LinkError

INVITE_LIFETIME = timedelta(days=14)
_SALT = "tracker.sharing.invite"


def make_invite_token(grant_id: int) -> str:
    return signing.dumps(grant_id, salt=_SALT)


def make_invite_link(grant_id: int) -> str:
    """An absolute URL for the invitation email."""
    return settings.SITE_URL.rstrip("/") + reverse("invite_accept", args=[make_invite_token(grant_id)])


def read_invite_token(token: str) -> int:
    """The grant id of a valid token, or ``LinkError`` saying why it can't be used."""
    try:
        return int(signing.loads(token, salt=_SALT, max_age=INVITE_LIFETIME))
    except signing.SignatureExpired as error:
        raise LinkError(
            "This invitation has expired: invitations work for 14 days. Ask her to send a new one."
        ) from error
    except signing.BadSignature as error:
        raise LinkError(
            "This invitation link is not valid. It may have been cut off: open it again from the email."
        ) from error
