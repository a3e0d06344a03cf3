"""Request rates per user and per token (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``)."""

from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle

from tracker.models.api import ApiToken


class UserThrottle(UserRateThrottle):
    """Every request of one account, whatever it authenticated with."""

    scope = "user"


class TokenThrottle(SimpleRateThrottle):
    """The requests made with one token, so one script cannot use up her whole rate."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # the session: the user's throttle only
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
