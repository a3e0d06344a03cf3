"""The de-identified cohort export for a clinician with several consenting mothers."""

from datetime import datetime

from django.http import StreamingHttpResponse

from accounts.models import User


def cohort_mothers(*, clinician: User, now: datetime) -> list[User]:
    """The mothers whose active grant to ``clinician`` at ``now`` covers exports."""
    raise NotImplementedError("being written")


def cohort_response(*, clinician: User, mothers: list[User]) -> StreamingHttpResponse:
    """The de-identified daily CSV for ``mothers`` (no names, emails or calendar dates)."""
    raise NotImplementedError("being written")
