"""How django-axes reads a login attempt (settings.AXES_*_CALLABLE point here)."""

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest

#: axes' username column; an email address has at most 254 characters, so cutting at this
#: length never merges two real accounts, and PostgreSQL never refuses the row.
USERNAME_COLUMN_LENGTH = AccessAttempt._meta.get_field("username").max_length


def attempted_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The name axes records and counts failures under: lower-cased, as emails are stored,
    so "Anna@…" and "anna@…" are one account on every login form (the admin's too)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(field)
    if username is None:
        return None
    return str(username).strip().lower()[:USERNAME_COLUMN_LENGTH]
