"""Her personal API tokens: made on the profile page (or by ``manage.py api_token``), revoked there."""

from django.utils import timezone

from tracker.models import ApiToken


def api_token_issue(*, owner, name: str) -> tuple[ApiToken, str]:
    """A new token for ``owner``: the row and the token itself, to show once (only its digest is kept)."""
    return ApiToken.issue(owner=owner, name=name.strip() or "API token")


def api_token_revoke(*, token: ApiToken) -> None:
    """Stop ``token`` working from its next request on (the row stays, for her list)."""
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
