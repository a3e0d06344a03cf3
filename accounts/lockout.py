"""How django-axes reads a login attempt and decides which lock applies.

Axes counts wrong passwords per (email, address, browser); a count lasts until an hour after
its latest failure (``AXES_COOLOFF_TIME``). Logging in, the right password included, is refused
when

- ``LOGIN_FAILURES_PER_ADDRESS`` (5) counted failures for the email came from this address:
  that address is locked out of it (the first ``AXES_LOCKOUT_PARAMETERS`` entry), or
- ``LOGIN_FAILURES_PER_ACCOUNT`` (20) came for the email from all addresses together: the
  account is locked for every address (the second entry).

An attempt refused by a lock is not counted (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT``
off), so knocking does not stretch a lock and one address adds at most 5 towards the 20. A
successful login clears every count for her email; so does a password reset, which also logs
her in (``accounts.views.PasswordResetConfirmView``): the way in an attacker cannot block."""

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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


def address_failures(request: HttpRequest, credentials: dict | None) -> int:
    """Wrong passwords for this account from this request's address that axes still counts."""
    counted = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return counted.aggregate(total=Sum("failures_since_start"))["total"] or 0


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """The limit axes compares with its count, the larger of the failures for this
    (account, address) and for the account from every address (AXES_LOCKOUT_PARAMETERS).

    Axes has one limit; answering the address's limit only once the address has reached it
    makes "address >= 5 or account >= 20" out of its single "count >= limit"."""
    if address_failures(request, credentials) >= settings.LOGIN_FAILURES_PER_ADDRESS:
        return settings.LOGIN_FAILURES_PER_ADDRESS
    return settings.LOGIN_FAILURES_PER_ACCOUNT


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The lockout page, saying which lock: this address's, or the whole account's."""
    whole_account = address_failures(request, credentials) < settings.LOGIN_FAILURES_PER_ADDRESS
    context = {
        "whole_account": whole_account,
        "failure_limit": settings.LOGIN_FAILURES_PER_ADDRESS,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
