"""The mother's "download all my data": a zip of JSON and every CSV."""

from django.http import HttpResponse

from accounts.models import User


def archive_response(*, mother: User) -> HttpResponse:
    """A zip attachment named ``my-data-<local date>.zip``."""
    raise NotImplementedError("being written")
