"""Who may open a page, declared on its view with one of five decorators.

- ``@public``: anyone, logged in or not (the health check, sign-up and login, and the
  sign-up, password-reset and invitation links, where the signed token is the key).
- ``@email_link``: a page opened from a link in a mother's reminder email, where the signed
  token is the key: no login needed, but a clinician account gets 404, as on all of a mother's
  pages (she holds no record of her own to log a dose in).
- ``@signed_in``: anyone logged in, mother or clinician (Today, which sends a clinician to her
  patients; the profile and password pages). A visitor is sent to log in.
- ``@mother_required``: a mother's own record. A visitor is sent to log in; a clinician gets 404.
- ``@clinician_required``: a clinician's screens. A visitor is sent to log in; anyone else gets 404.

Each marks its view with ``role``, so ``tests/test_roles.py`` can fail on a URL whose view
declares none and ``tests/test_access.py`` can check every page against the roles it keeps out.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from tracker.access import PatientAccessEnded


class Role(StrEnum):
    """Who a view is for, as its decorator declares it."""

    PUBLIC = "public"
    EMAIL_LINK = "email_link"
    SIGNED_IN = "signed_in"
    MOTHER = "mother"
    CLINICIAN = "clinician"


def role_of(view: Callable) -> Role | None:
    """The role ``view`` declares, or None if it declares none."""
    return getattr(view, "role", None)


def _declare(view: Callable, role: Role, guarded: Callable) -> Callable:
    if role_of(view) is not None:
        raise TypeError(
            f"{view.__qualname__} already declares the role '{role_of(view)}', not also '{role}'."
        )
    guarded.role = role
    return guarded


def public(view: Callable) -> Callable:
    """Anyone, logged in or not."""
    return _declare(view, Role.PUBLIC, view)


def email_link(view: Callable) -> Callable:
    """A link from a mother's reminder email: anyone holding it, logged out or a mother; a
    clinician account gets 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and not request.user.is_mother:
            raise Http404("This link is for the mother the reminder was sent to.")
        return view(request, *args, **kwargs)

    return _declare(view, Role.EMAIL_LINK, wrapper)


def signed_in(view: Callable) -> Callable:
    """Anyone logged in, mother or clinician; a visitor is sent to log in."""
    return _declare(view, Role.SIGNED_IN, login_required(view))


def mother_required(view: Callable) -> Callable:
    """A mother's own pages. A clinician gets 404 (her own empty dashboard, downloads, sharing,
    set-up...): she has no record of her own, and a muddled role helps nobody."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_mother:
            raise Http404("This page is for mothers' own records.")
        return view(request, *args, **kwargs)

    return _declare(view, Role.MOTHER, login_required(wrapper))


def clinician_required(view: Callable) -> Callable:
    """A clinician's screens; a mother (or anyone else who is not a clinician) gets 404.

    When her access to a patient has ended, the page says so (still a 404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role != User.Role.CLINICIAN:
            raise Http404("Clinician pages are for clinician accounts.")
        try:
            return view(request, *args, **kwargs)
        except PatientAccessEnded as ended:
            # A page, not a failed download: the links to her files open here when access ends.
            context = {"message": ended.args[0]}
            return render(request, "tracker/clinician/access_ended.html", context, status=404)

    return _declare(view, Role.CLINICIAN, login_required(wrapper))
