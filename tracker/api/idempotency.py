"""``Idempotency-Key`` on every POST, PUT, PATCH and DELETE.

The first request with a key claims it by inserting its row, in the same transaction as the
write it makes, and stores its answer there before committing. So:

- the same key from the same user within ``IDEMPOTENCY_WINDOW`` gets that answer again
  (``Idempotent-Replayed: true``) and writes nothing;
- the same key with another method, path or body is a 422;
- two requests with the same key at once: on PostgreSQL the second one's insert waits on the
  unique index until the first commits, then finds its row and replays it (SQLite takes one
  writer at a time anyway). One row, one write.

An answer of 500 or more rolls the whole request back, key included, so it can be sent again.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework import exceptions, status

from tracker.models.api import IDEMPOTENCY_WINDOW, IdempotencyKey

HEADER = "Idempotency-Key"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
MAX_KEY_LENGTH = 255


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was already used for another request (another method, path or body). "
        "Use a new key for a new request."
    )
    default_code = "idempotency_key_reused"


class Replay(Exception):
    """Raised once the user is known, to answer with the stored response instead."""

    def __init__(self, response: HttpResponse):
        self.response = response


def fingerprint(method: str, path: str, body: bytes) -> str:
    """SHA-256 of the request: method, full path, and the body (a JSON body in a canonical form,
    so key order and spacing do not make it another request)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), canonical])).hexdigest()


def valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


class IdempotentMixin:
    """For a viewset: honour ``Idempotency-Key`` on its writes (see the module's docstring)."""

    def dispatch(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        method = request.method.lower()
        handled = method in self.http_method_names and hasattr(self, method)  # else a 405
        if request.method not in UNSAFE_METHODS or key is None or not handled:
            return super().dispatch(request, *args, **kwargs)
        self._idempotency = {
            "key": key,
            "print": fingerprint(request.method, request.get_full_path(), request.body),
        }
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            claim = self._idempotency.get("claim")
            if claim is not None:
                if response.status_code >= 500:
                    transaction.set_rollback(True)
                else:
                    response.render()
                    claim.status_code = response.status_code
                    claim.content_type = response.get("Content-Type", "application/json")
                    claim.body = response.content.decode()
                    claim.save(update_fields=["status_code", "content_type", "body"])
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        state = getattr(self, "_idempotency", None)
        if state is None:
            return
        if not valid_key(state["key"]):
            raise exceptions.ValidationError(
                {HEADER: [f"An {HEADER} is 1 to {MAX_KEY_LENGTH} printable ASCII characters."]}
            )
        state["claim"] = self._claim(request.user, state["key"], state["print"])

    def _claim(self, user, key: str, print_: str) -> IdempotencyKey:
        now = timezone.now()
        claim = IdempotencyKey(user=user, key=key, fingerprint=print_, status_code=0, created_at=now)
        for _ in range(2):
            try:
                with transaction.atomic():
                    claim.save(force_insert=True)
                return claim
            except IntegrityError:
                first = IdempotencyKey.objects.get(user=user, key=key)
            if first.created_at > now - IDEMPOTENCY_WINDOW:
                break
            first.delete()  # older than the window: the key is free again
        if first.fingerprint != print_:
            raise KeyReused()
        replay = HttpResponse(first.body, status=first.status_code, content_type=first.content_type)
        replay["Idempotent-Replayed"] = "true"
        raise Replay(replay)

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            return exc.response
        return super().handle_exception(exc)


def idempotency_keys_drop_old(*, now=None) -> int:
    """Delete the keys older than ``IDEMPOTENCY_WINDOW``; how many were deleted."""
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=now - IDEMPOTENCY_WINDOW).delete()
    return deleted
