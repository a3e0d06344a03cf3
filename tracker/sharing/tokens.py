"""Signed invite links: the email to a clinician carries the grant id, valid for 14 days."""

from datetime import timedelta

from tracker.signed_links import SignedLink

INVITE_LIFETIME = timedelta(days=14)

INVITE_LINK = SignedLink(
    salt="tracker.sharing.invite",
    url_name="invite_accept",
    lifetime=INVITE_LIFETIME,
    expired_message=(
        f"This invitation has expired: invitations work for {INVITE_LIFETIME.days} days. "
        "Ask her to send a new one."
    ),
    invalid_message=(
        "This invitation link is not valid. It may have been cut off: open it again from the email."
    ),
)


def make_invite_token(grant_id: int) -> str:
    return INVITE_LINK.token(grant_id)


def make_invite_link(grant_id: int) -> str:
    """An absolute URL for the invitation email."""
    return INVITE_LINK.url(grant_id)


def read_invite_token(token: str) -> int:
    """The grant id of a valid token, or ``LinkError`` saying why it can't be used."""
    return int(INVITE_LINK.read(token))
