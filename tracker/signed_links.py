"""Signed links in emails: they work without logging in, for one purpose and a limited time.

Each kind of link is one ``SignedLink``: its own salt (so a token made for one purpose can never
be replayed for another), the page it opens, how long it works, and the words that tell her why
it no longer does. Tokens are signed with SECRET_KEY, not encrypted: they carry ids or what she
typed, never a secret.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse


class LinkError(Exception):
    """A link that cannot be used; ``message`` says why, for the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def absolute_url(path: str) -> str:
    """``path`` on the public address, for an email."""
    return settings.SITE_URL.rstrip("/") + path


@dataclass(frozen=True)
class SignedLink:
    salt: str
    url_name: str
    lifetime: timedelta
    #: Shown when the link is older than ``lifetime``.
    expired_message: str
    #: Shown when the signature does not match (a cut-off or edited link).
    invalid_message: str
    compress: bool = False

    def token(self, value: Any) -> str:
        return signing.dumps(value, salt=self.salt, compress=self.compress)

    def url(self, value: Any) -> str:
        """An absolute URL for the email."""
        return absolute_url(reverse(self.url_name, args=[self.token(value)]))

    def read(self, token: str) -> Any:
        """What a valid token carries, or ``LinkError`` saying why it can't be used."""
        try:
            return signing.loads(token, salt=self.salt, max_age=self.lifetime)
        except signing.SignatureExpired as error:
            raise LinkError(self.expired_message) from error
        except signing.BadSignature as error:
            raise LinkError(self.invalid_message) from error
