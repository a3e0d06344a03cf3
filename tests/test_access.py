"""Every URL of the app, generated from the URL configuration so none is forgotten, and
checked against the role its view declares (tracker/roles.py): the owner gets it, an outsider
gets 404, a logged-out visitor is sent to log in (public pages excepted). A mother's pages are a
404 for a clinician; a clinician's pages are a 404 for a mother, and on a patient URL
(``<int:mother_id>``) only a clinician with an active grant gets in."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import (
    CareGrantFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    SymptomEntryFactory,
    clinician_with_grant,
)
from tracker.models import ApiToken, PushSubscription
from tracker.roles import Role, role_of

# URL name prefix -> the record its <pk> names.
OWNED_BY_PREFIX = {
    "dose_": "dose",
    "feed_": "feed",
    "symptom_": "symptom",
    "crying_": "crying",
    "check_": "check",
    "infant_": "infant",
    "regimen_": "regimen",
    "grant_": "grant",
    "api_token_": "api_token",
    "push_device_": "push_device",
}
#: The route parameter naming the mother on a clinician's patient URL.
PATIENT_PARAM = "<int:mother_id>"
# URLs tested elsewhere: Django's admin, and the REST API, whose views are DRF viewsets that
# check who may reach them themselves (tracker/api/scoping.py) and whose every route is in the
# matrix of tests/test_api_access.py, generated from its router.
EXTERNAL_NAMESPACES = {"admin", "api"}


def app_patterns():
    """(name, route with <int:pk>, declared role) for every named URL outside the admin."""
    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in EXTERNAL_NAMESPACES:
                    continue
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((entry.name, prefix + str(entry.pattern), role_of(entry.callback)))

    walk(get_resolver().url_patterns)
    return found


def with_role(*roles: Role):
    """(name, route) of every URL whose view declares one of ``roles``."""
    return [(name, route) for name, route, role in app_patterns() if role in roles]


@pytest.fixture
def records(mother, infant, regimen):
    return {
        "infant": infant,
        "regimen": regimen,
        "dose": DoseLogFactory(regimen=regimen),
        "feed": FeedingSessionFactory(infant=infant),
        "symptom": SymptomEntryFactory(infant=infant),
        "crying": SymptomEntryFactory(
            infant=infant,
            kind="crying",
            size="",
            occurred_at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC),
        ),
        "check": DailyCheckFactory(infant=infant),
        "grant": CareGrantFactory(mother=mother),
        "api_token": ApiToken.issue(owner=mother, name="shortcut")[0],
        "push_device": PushSubscription.objects.create(
            mother=mother,
            endpoint="https://push.example.net/d1",
            p256dh="k",
            auth="a",
            name="Chrome on Android",
        ),
        "patient": mother,
    }


def url_for(route: str, name: str, records) -> str:
    route = route.replace(PATIENT_PARAM, str(records["patient"].pk))
    if "<int:pk>" not in route:
        return "/" + route
    kind = next(kind for prefix, kind in OWNED_BY_PREFIX.items() if name.startswith(prefix))
    return "/" + route.replace("<int:pk>", str(records[kind].pk))


POST_ONLY = {
    "dose_take",
    "dose_slot",
    "feed_start",
    "feed_switch",
    "feed_stop",
    "symptom_quick",
    "crying_start",
    "crying_stop",
    "daily_check",
    "undo",
    "logout",
    "language",
    "api_token_create",
    "push_subscribe",
    "push_device_remove",
    "reminder_push_took",
    "reminder_push_snooze",
}


def private_patterns():
    # Public pages include the links from emails, where a signed token is the key (tested
    # with the reminders, sign-up, password reset and sharing).
    return with_role(Role.SIGNED_IN, Role.MOTHER, Role.CLINICIAN)


def test_every_private_url_is_known_to_this_test():
    for name, route in private_patterns():
        if "<int:pk>" in route:
            assert any(name.startswith(prefix) for prefix in OWNED_BY_PREFIX), (
                f"{name}: add its record type to OWNED_BY_PREFIX"
            )
        if PATIENT_PARAM in route:
            assert (name, route) in clinician_pages(), f"{name}: a patient URL must be @clinician_required"
        unknown = route.replace("<int:pk>", "").replace(PATIENT_PARAM, "")
        assert "<" not in unknown, f"{name}: teach url_for about the parameters in {route}"


@pytest.mark.parametrize("name, route", private_patterns(), ids=[name for name, _ in private_patterns()])
def test_logged_out_visitor_is_sent_to_login(client, db, records, name, route):
    url = url_for(route, name, records)
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


#: Made-up values for a public page's link parameters: the page itself refuses them.
MADE_UP = {"<str:token>": "made-up", "<uidb64>": "MQ", "<token>": "made-up"}


def public_pages():
    return with_role(Role.PUBLIC, Role.EMAIL_LINK)


@pytest.mark.parametrize("name, route", public_pages(), ids=[name for name, _ in public_pages()])
def test_public_pages_answer_a_logged_out_visitor_themselves(client, db, name, route):
    url = "/" + route
    for param, value in MADE_UP.items():
        url = url.replace(param, value)
    response = fetch(client, name, url)
    if name == "logout":
        assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    elif name == "language":  # no language posted: nothing changes, back to the start
        assert (response.status_code, response["Location"]) == (302, "/")
    else:
        assert response.status_code in (200, 400)  # 400: the page says the made-up link is not valid


def email_link_pages():
    return with_role(Role.EMAIL_LINK)


@pytest.mark.parametrize("name, route", email_link_pages(), ids=[name for name, _ in email_link_pages()])
def test_a_clinician_gets_404_on_a_mothers_email_links(clinician_client, name, route):
    url = "/" + route.replace("<str:token>", "made-up")
    assert clinician_client.get(url).status_code == 404
    assert clinician_client.post(url).status_code == 404


def any_role_pages():
    return [(n, r) for n, r in with_role(Role.SIGNED_IN) if n not in POST_ONLY and "<int:pk>" not in r]


@pytest.mark.parametrize("name, route", any_role_pages(), ids=[name for name, _ in any_role_pages()])
def test_pages_for_any_role_open_for_a_clinician(clinician_client, name, route):
    response = clinician_client.get("/" + route)
    if name == "today":  # her home is the list of her patients
        assert (response.status_code, response["Location"]) == (302, "/clinician/")
    else:
        assert response.status_code == 200
        assert response.context["user"].email == "dr.rossi@example.org"


@pytest.mark.parametrize(
    "name, route",
    [(n, r) for n, r in private_patterns() if "<int:pk>" in r],
    ids=[n for n, r in private_patterns() if "<int:pk>" in r],
)
def test_owner_gets_it_and_outsider_gets_404(mother_client, outsider_client, records, name, route):
    url = url_for(route, name, records)
    if name in POST_ONLY:
        # Outsider first: the owner's POST may change or end the record.
        assert outsider_client.post(url).status_code == 404
        assert mother_client.post(url).status_code == 302
    else:
        assert outsider_client.get(url).status_code == 404
        assert mother_client.get(url).status_code == 200


def mother_pages():
    """The pages she opens: her own, and those for any role (Today, profile, password)."""
    return [
        (n, r)
        for n, r in with_role(Role.SIGNED_IN, Role.MOTHER)
        if "<int:pk>" not in r and n not in POST_ONLY
    ]


@pytest.mark.parametrize("name, route", mother_pages(), ids=[name for name, _ in mother_pages()])
def test_her_own_pages_open_for_her(mother_client, records, name, route):
    response = mother_client.get(url_for(route, name, records))
    assert response.status_code == 200
    if response.has_header("Content-Disposition"):  # a download
        check_download(response, route)
    else:
        assert response.context["user"].email == "anna@example.org"


def clinician_pages():
    return with_role(Role.CLINICIAN)


def patient_pages():
    return [(n, r) for n, r in clinician_pages() if PATIENT_PARAM in r]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fetch(client: Client, name: str, url: str):
    return client.post(url) if name in POST_ONLY else client.get(url)


@pytest.mark.parametrize("name, route", clinician_pages(), ids=[name for name, _ in clinician_pages()])
def test_a_mother_gets_404_on_clinician_pages(mother_client, records, name, route):
    assert fetch(mother_client, name, url_for(route, name, records)).status_code == 404


@pytest.mark.parametrize("name, route", clinician_pages(), ids=[name for name, _ in clinician_pages()])
def test_a_clinician_with_an_active_grant_gets_them(mother, records, name, route):
    grant = CareGrantFactory(mother=mother, scope="summary_exports")
    response = fetch(client_for(grant.clinician), name, url_for(route, name, records))
    assert response.status_code == (302 if name in POST_ONLY else 200)


@pytest.mark.parametrize("name, route", patient_pages(), ids=[name for name, _ in patient_pages()])
@pytest.mark.parametrize("grant_state", ["none", "revoked", "expired", "not_accepted", "other_mother"])
def test_a_clinician_without_an_active_grant_gets_404(mother, outsider, records, name, route, grant_state):
    clinician = clinician_with_grant(grant_state, mother=mother, other_mother=outsider)
    response = fetch(client_for(clinician), name, url_for(route, name, records))
    assert response.status_code == 404


AUDIT_ACTION_BY_SUFFIX = {"csv": "export_csv", "pdf": "export_pdf", "json": "export_fhir"}


def check_download(response, route: str) -> None:
    """A real file of the kind its name says: a CSV with a header row, a PDF, a FHIR Bundle, a zip."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    suffix = route.rsplit(".", 1)[-1]
    content_type = {
        "csv": "text/csv",
        "pdf": "application/pdf",
        "json": "application/fhir+json",
        "zip": "application/zip",
    }[suffix]
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment;")
    if suffix == "csv":
        assert body.count(b"\n") >= 1
    elif suffix == "pdf":
        assert body.startswith(b"%PDF-")
    elif suffix == "json":
        assert json.loads(body)["resourceType"] == "Bundle"
    else:
        assert "my-data.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()


def export_pages():
    return [(n, r) for n, r in patient_pages() if "_export_" in n]


@pytest.mark.parametrize("name, route", export_pages(), ids=[name for name, _ in export_pages()])
def test_a_summary_only_grant_gets_404_on_exports(mother, records, name, route):
    grant = CareGrantFactory(mother=mother, scope="summary")
    assert fetch(client_for(grant.clinician), name, url_for(route, name, records)).status_code == 404


@pytest.mark.parametrize("name, route", export_pages(), ids=[name for name, _ in export_pages()])
def test_each_export_by_a_clinician_writes_one_audit_row(mother, records, name, route):
    from tracker.models import AuditEvent

    grant = CareGrantFactory(mother=mother, scope="summary_exports")
    response = fetch(client_for(grant.clinician), name, url_for(route, name, records))
    check_download(response, route)
    assert response["Content-Disposition"].startswith('attachment; filename="anna-')  # her display name
    [event] = AuditEvent.objects.filter(mother=mother)
    action = AUDIT_ACTION_BY_SUFFIX[route.rsplit(".", 1)[-1]]
    assert (event.action, event.actor_id, event.ip_address) == (action, grant.clinician_id, "127.0.0.1")
    her_trail = client_for(mother).get("/sharing/").context["audit_page"].object_list
    assert [(e.actor_email, e.get_action_display()) for e in her_trail] == [
        (grant.clinician.email, event.get_action_display())
    ]


def mother_only_pages():
    """Her own pages and records (``@mother_required``)."""
    return with_role(Role.MOTHER)


@pytest.mark.parametrize("name, route", mother_only_pages(), ids=[name for name, _ in mother_only_pages()])
def test_a_clinician_gets_404_on_a_mothers_pages(records, name, route):
    clinician = CareGrantFactory(mother=records["patient"], scope="summary_exports").clinician
    assert fetch(client_for(clinician), name, url_for(route, name, records)).status_code == 404
