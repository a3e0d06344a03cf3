"""``Idempotency-Key`` on every POST, PUT, PATCH and DELETE.

The first request with a key stores its answer under it, inserted at the end of the same
transaction as the write it makes. So:

- the same key from the same user within ``IDEMPOTENCY_WINDOW`` gets that answer again
  (``Idempotent-Replayed: true``) and writes nothing;
- the same key with another method, path or body is a 422;
- two requests with the same key at once: on PostgreSQL the second one's insert of the key
  waits on the unique index until the first commits, then fails; the second's transaction,
  its write included, is rolled back and it answers the first's response (SQLite takes one
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
        state = self._idempotency = {
            "key": key,
            "print": fingerprint(request.method, request.get_full_path(), request.body),
            "user": None,  # set once the key is free for this user (``initial``)
        }
        try:
            with transaction.atomic():
                response = super().dispatch(request, *args, **kwargs)
                if state["user"] is not None:
                    if response.status_code >= 500:
                        transaction.set_rollback(True)
                    else:
                        self._store(state, response)
        except IntegrityError:
            # Another request with this key committed first: its write stands, this one's is
            # rolled back, and it gets the first answer (or a 422 for another request).
            first = state["user"] and IdempotencyKey.objects.filter(user=state["user"], key=key).first()
            if not first:
                raise
            return self._answer_from(first, state["print"], request)
        return response

    @staticmethod
    def _store(state: dict, response) -> None:
        """Keep ``response`` under the key. Inserted last, in the request's transaction: a
        concurrent request with the same key waits here on the unique index (PostgreSQL)."""
        response.render()
        IdempotencyKey.objects.create(
            user=state["user"],
            key=state["key"],
            fingerprint=state["print"],
            status_code=response.status_code,
            content_type=response.get("Content-Type", "application/json"),
            body=response.content.decode(),
        )

    def _answer_from(self, first: IdempotencyKey, print_: str, request):
        """The stored answer again, or the 422 when the key came with another request."""
        if first.fingerprint != print_:
            response = self.handle_exception(KeyReused())
            return self.finalize_response(request, response)
        replay = HttpResponse(first.body, status=first.status_code, content_type=first.content_type)
        replay["Idempotent-Replayed"] = "true"
        return replay

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles
        state = getattr(self, "_idempotency", None)
        if state is None:
            return
        if not valid_key(state["key"]):
            raise exceptions.ValidationError(
                {HEADER: [f"An {HEADER} is 1 to {MAX_KEY_LENGTH} printable ASCII characters."]}
            )
        first = IdempotencyKey.objects.filter(user=request.user, key=state["key"]).first()
        if first is not None and first.created_at > timezone.now() - IDEMPOTENCY_WINDOW:
            if first.fingerprint != state["print"]:
                raise KeyReused()
            raise Replay(self._answer_from(first, state["print"], request))
        if first is not None:
            first.delete()  # older than the window: the key is free again
        state["user"] = request.user

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            return exc.response
        return super().handle_exception(exc)


def idempotency_keys_drop_old(*, now=None) -> int:
    """Delete the keys older than ``IDEMPOTENCY_WINDOW``; how many were deleted."""
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lte=now - IDEMPOTENCY_WINDOW).delete()
    return deleted
