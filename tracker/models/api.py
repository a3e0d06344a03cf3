"""What the REST API keeps: personal access tokens, and the Idempotency-Key of each write."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from tracker.models.scoping import MotherScopedQuerySet
from tracker.models.validators import validate_single_line

#: A token reads ``pt_<prefix>_<secret>``: the prefix finds the row, the secret is only hashed.
TOKEN_PREFIX = "pt_"  # noqa: S105 (a visible marker, not a secret)
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8  # "pt_" and 8 hex digits


def token_prefix(token: str) -> str | None:
    """The row-finding prefix of ``token``, or None if it is not shaped like one of ours."""
    prefix = token[:PREFIX_LENGTH]
    if not prefix.startswith(TOKEN_PREFIX) or token[PREFIX_LENGTH : PREFIX_LENGTH + 1] != "_":
        return None
    return prefix


#: How long the same Idempotency-Key answers with the first response.
IDEMPOTENCY_WINDOW = timedelta(hours=24)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest of a whole token, as stored. The secret is 256 random bits, so a
    fast hash is enough: there is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(MotherScopedQuerySet):
    owner_lookup = "owner"

    def usable(self, now: datetime) -> "ApiTokenQuerySet":
        """Not revoked and not expired at ``now``."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal access token for the API. Shown once when made; only its digest is kept."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60, validators=[validate_single_line])
    #: The visible start of the token (``pt_3f9a1c0b``), unique, to find the row.
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    #: Updated at most once a minute (``tracker.api.auth``).
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="UTC; empty: until revoked.")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, owner, name: str, expires_at: datetime | None = None) -> tuple["ApiToken", str]:
        """A new token for ``owner``: the saved row and the token itself, which is not kept."""
        prefix = TOKEN_PREFIX + secrets.token_hex(4)
        token = f"{prefix}_{secrets.token_urlsafe(32)}"
        row = cls(owner=owner, name=name, prefix=prefix, digest=token_digest(token), expires_at=expires_at)
        row.full_clean(exclude=["owner"])
        row.save()
        return row, token

    def is_usable(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyKey(models.Model):
    """The first answer to a write sent with an ``Idempotency-Key``: the same key from the same
    user within ``IDEMPOTENCY_WINDOW`` gets it again and writes nothing (``tracker.api.idempotency``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    #: SHA-256 of the method, the path and the body: the same key with another request is a 422.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_per_user")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
