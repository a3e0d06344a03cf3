"""API authentication: personal access tokens (``Authorization: Bearer pt_…``)."""

import hmac
from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tracker.models.api import ApiToken, token_digest, token_prefix

#: ``last_used_at`` is written at most this often: one UPDATE a minute, not one per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
KEYWORDS = {"bearer", "token"}


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>`` (or ``Token <token>``) with a personal access token.

    A header that is not a token of ours is left to the other authentication classes; a token
    of ours that is unknown, revoked or expired is a 401, never a fallback to the session."""

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if len(words) != 2 or words[0].decode(errors="replace").lower() not in KEYWORDS:
            return None
        token = words[1].decode(errors="replace")
        prefix = token_prefix(token)
        if prefix is None:
            raise exceptions.AuthenticationFailed("That is not an API token of this app.")
        row = ApiToken.objects.select_related("owner").filter(prefix=prefix).first()
        if row is None or not hmac.compare_digest(row.digest, token_digest(token)):
            raise exceptions.AuthenticationFailed("Unknown API token.")
        now = timezone.now()
        if not row.is_usable(now):
            raise exceptions.AuthenticationFailed("This API token was revoked or has expired.")
        if not row.owner.is_active:
            raise exceptions.AuthenticationFailed("This account is not active.")
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            row.last_used_at = now
        return row.owner, row

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token from your profile page "
            "(or `manage.py api_token EMAIL`), sent as `Authorization: Bearer pt_…`.",
        }
