"""Signed links in emails: they work without logging in, for one purpose and a limited time.

Each kind of link is one ``SignedLink``: its own salt (so a token made for one purpose can never
be replayed for another), the page it opens, how long it works, and the words that tell her why
it no longer does. Tokens are signed with SECRET_KEY, not encrypted: they carry ids or what she
typed, never a secret.
"""

import base64
import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, reverse


class LinkError(Exception):
    """A link that cannot be used; ``message`` says why, for the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def absolute_url(path: str) -> str:
    """``path`` on the public address, for an email."""
    return settings.SITE_URL.rstrip("/") + path


_PLACEHOLDER = "PLACEHOLDER-0"


@lru_cache(maxsize=64)
def _path_around_token(url_name: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    """What comes before and after the token in the path of ``url_name`` (``reverse`` takes
    about 0.1 ms, and a reminder email has four links)."""
    before, _, after = reverse(url_name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return before, after


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
        """``signing.dumps(value, salt=self.salt, compress=self.compress)``; for an id (what the
        reminder emails carry, four per email), the same token made with the signing key
        derived once instead of per link."""
        if type(value) is not int or self.compress:
            return signing.dumps(value, salt=self.salt, compress=self.compress)
        # dumps: JSON (an int's is its digits), base64url without padding, ":" and the time
        # in base 62, ":" and the base64url HMAC-SHA256 of all that under salt + "signer".
        signed = f"{_b64(str(value).encode())}:{signing.b62_encode(int(time.time()))}"
        mac = _keyed_hmac(self.salt + "signer", settings.SECRET_KEY, "sha256").copy()
        mac.update(signed.encode())
        return f"{signed}:{_b64(mac.digest())}"

    def url(self, value: Any) -> str:
        """An absolute URL for the email: the page's path, reversed once, around the token (a
        token is URL-safe: base64url and ":", which ``reverse`` leaves as they are)."""
        before, after = _path_around_token(self.url_name, get_script_prefix(), settings.ROOT_URLCONF)
        return absolute_url(before + self.token(value) + after)

    def read(self, token: str) -> Any:
        """What a valid token carries, or ``LinkError`` saying why it can't be used."""
        try:
            return signing.loads(token, salt=self.salt, max_age=self.lifetime)
        except signing.SignatureExpired as error:
            raise LinkError(self.expired_message) from error
        except signing.BadSignature as error:
            raise LinkError(self.invalid_message) from error


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).strip(b"=").decode()


@lru_cache(maxsize=64)
def _keyed_hmac(key_salt: str, secret: str, algorithm: str) -> hmac.HMAC:
    """An HMAC keyed as ``django.utils.crypto.salted_hmac`` keys it (a hash of the salt and
    the secret), to ``copy()`` for each value."""
    hasher = getattr(hashlib, algorithm)
    return hmac.new(hasher(key_salt.encode() + secret.encode()).digest(), digestmod=hasher)


def salted_hmac_hexdigest(key_salt: str, value: str) -> str:
    """``salted_hmac(key_salt, value).hexdigest()`` (SHA-1, SECRET_KEY), its key derived once."""
    mac = _keyed_hmac(key_salt, settings.SECRET_KEY, "sha1").copy()
    mac.update(value.encode())
    return mac.hexdigest()
