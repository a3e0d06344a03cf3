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

#: URLs that check who may open them by themselves: Django's admin (staff only), and the REST
#: API (DRF permissions in tracker/api/scoping.py; its matrix is tests/test_api_access.py).
OWN_CHECKS = {"admin", "api"}


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


#: Who may open each page, written out by hand: the other tests take the role from the view, so
#: this table is what catches a view that declares the wrong one. A new URL must be added here.
EXPECTED_ROLES = {
    Role.PUBLIC: {
        "healthz",
        "manifest",
        "service_worker",
        "invite_accept",
        "language",
        "login",
        "logout",
        "password_reset",
        "password_reset_complete",
        "password_reset_confirm",
        "password_reset_done",
        "signup",
        "signup_finish",
        "signup_sent",
    },
    Role.EMAIL_LINK: {
        "reminder_took",
        "reminder_skip",
        "reminder_snooze",
        "reminder_unsubscribe",
        "reminder_push_took",
        "reminder_push_snooze",
    },
    Role.SIGNED_IN: {
        "today",
        "profile",
        "account_delete",
        "password_change",
        "password_change_done",
        "api_token_create",
        "api_token_revoke",
    },
    Role.CLINICIAN: {
        "clinician_home",
        "clinician_patient",
        "clinician_cohort",
        "clinician_cohort_weekly",
        "clinician_export_doses",
        "clinician_export_feeds",
        "clinician_export_symptoms",
        "clinician_export_checks",
        "clinician_export_daily",
        "clinician_export_weekly",
        "clinician_export_dictionary",
        "clinician_export_pdf",
        "clinician_export_fhir",
    },
    Role.MOTHER: {
        "push_subscribe",
        "push_device_remove",
        "dashboard",
        *("dose_take", "dose_slot", "feed_start", "feed_switch", "feed_stop"),
        *("symptom_quick", "crying_start", "crying_stop", "daily_check", "undo"),
        *("setup", "setup_due_date", "infant_add", "infant_edit", "infant_delete"),
        *("regimen_add", "regimen_edit", "reminder_settings", "sharing", "grant_revoke"),
        *("history_doses", "dose_add", "dose_edit", "dose_delete"),
        *("history_feeds", "feed_add", "feed_edit", "feed_delete"),
        *("history_symptoms", "symptom_add", "symptom_edit", "symptom_delete"),
        *("history_checks", "check_edit", "check_delete"),
        *("export_index", "export_archive", "export_pdf", "export_fhir"),
        *("export_doses", "export_feeds", "export_symptoms", "export_checks", "export_daily"),
        *("export_weekly", "export_dictionary"),
    },
}


def declared_roles(patterns) -> dict[str, Role | None]:
    """URL name -> the role its view declares, for every URL outside the admin."""
    found = {}
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace not in OWN_CHECKS:
                found |= declared_roles(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            found[entry.name] = role_of(entry.callback)
    return found


def test_each_page_declares_the_role_this_table_expects():
    expected = {name: role for role, names in EXPECTED_ROLES.items() for name in names}
    declared = declared_roles(get_resolver().url_patterns)
    wrong = {name: (declared.get(name), expected.get(name)) for name in declared.keys() | expected.keys()}
    wrong = {name: roles for name, roles in wrong.items() if roles[0] != roles[1]}
    assert wrong == {}, "name: (declared, expected)"


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
