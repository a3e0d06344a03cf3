"""Every page declares who may open it, on its view (tracker/roles.py), never by its URL name
or module: a URL whose view declares no role fails here, by name."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, include, path, resolve, reverse

from accounts.models import User
from tracker.roles import Role, clinician_required, mother_required, public, role_of, signed_in

#: URLs that check who may open them by themselves: Django's admin (staff only).
OWN_CHECKS = {"admin"}


def views_without_a_role(patterns, prefix: str = "") -> list[str]:
    """Each URL under ``patterns`` whose view declares no role, as "route (name): module.view"."""
    missing = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace not in OWN_CHECKS:
                missing += views_without_a_role(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and not isinstance(role_of(entry.callback), Role):
            view = entry.callback
            missing.append(f"{prefix}{entry.pattern} ({entry.name}): {view.__module__}.{view.__qualname__}")
    return missing


def test_every_view_declares_who_may_open_it():
    missing = views_without_a_role(get_resolver().url_patterns)

    assert not missing, "Declare a role from tracker/roles.py on:\n" + "\n".join(missing)


def page():
    """A new view each time: a declaration marks the view."""

    def the_page(request):
        return HttpResponse("the page")

    return the_page


def test_a_view_without_a_role_is_named_with_its_url():
    patterns = [
        path("open/", public(page()), name="open"),
        path("app/", include([path("bare/", page(), name="bare")])),
    ]

    assert views_without_a_role(patterns) == ["app/bare/ (bare): tests.test_roles.page.<locals>.the_page"]


def test_a_view_declares_one_role():
    with pytest.raises(TypeError, match="already declares the role 'public'"):
        mother_required(public(page()))


def request_by(user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


MOTHER = User(email="anna@example.org", role=User.Role.MOTHER)
CLINICIAN = User(email="dr.rossi@example.org", role=User.Role.CLINICIAN)


@pytest.mark.parametrize("declare", [signed_in, mother_required, clinician_required])
def test_a_visitor_is_sent_to_log_in(declare):
    response = declare(page())(request_by(AnonymousUser()))

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/somewhere/")


@pytest.mark.parametrize(
    "declare, opens_for, gets_404",
    [
        (public, [None, MOTHER, CLINICIAN], []),
        (signed_in, [MOTHER, CLINICIAN], []),
        (mother_required, [MOTHER], [CLINICIAN]),
        (clinician_required, [CLINICIAN], [MOTHER]),
    ],
)
def test_each_role_opens_for_its_people_and_is_a_404_for_the_others(declare, opens_for, gets_404):
    view = declare(page())
    for user in opens_for:
        assert view(request_by(user or AnonymousUser())).content == b"the page"
    for user in gets_404:
        with pytest.raises(Http404):
            view(request_by(user))


def menu_links(client) -> list[str]:
    """The menu's links, as on the profile page (a page for either role, with the whole menu)."""
    response = client.get(reverse("profile"))
    return re.findall(r'class="nav-link(?: active)?"(?: aria-current="page")? href="([^"]+)"', response.text)


def roles_linked(links: list[str]) -> set[Role]:
    return {role_of(resolve(url).func) for url in links}


def test_the_menu_links_each_account_only_to_pages_it_may_open(mother_client, clinician_client):
    hers, theirs = menu_links(mother_client), menu_links(clinician_client)

    # Today, Dashboard, History, Baby & regimen, Reminders, Sharing, Downloads; Profile.
    assert (len(hers), roles_linked(hers)) == (8, {Role.SIGNED_IN, Role.MOTHER})
    # Patients; Profile.
    assert (len(theirs), roles_linked(theirs)) == (2, {Role.CLINICIAN, Role.SIGNED_IN})
