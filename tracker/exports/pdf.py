"""The printable PDF summary of a mother's record (one or two pages)."""

from django.http import HttpResponse

from accounts.models import User


def pdf_response(*, mother: User) -> HttpResponse:
    """Her PDF summary as an attachment named ``summary-<local date>.pdf``."""
    raise NotImplementedError("being written")
