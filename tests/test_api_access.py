"""Who may reach each API route, generated from the router (``tracker/api/urls.py``) as
``tests/test_access.py`` is from the page URLs: a new route is in this matrix by itself.

Her own routes: she gets in; another mother, a clinician (whatever her grants), a revoked token
and no authentication do not. Patient routes (``patients/<mother_id>/``): read-only, for a
clinician whose grant is active now (the summary with either scope, the records only with the
downloads scope); anyone else gets 404 (401 without authentication)."""

import re
from datetime import timedelta

import pytest
from django.urls import get_resolver
from django.utils import timezone

from tests.api_helpers import ApiClient, api_for
from tests.factories import (
    GRANT_STATES,
    CareGrantFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    SymptomEntryFactory,
    clinician_with_grant,
)
from tracker.api.urls import router
from tracker.models import (
    ApiToken,
    AuditEvent,
    DailyCheck,
    DoseLog,
    FeedingSession,
    Infant,
    Pregnancy,
    Regimen,
    ReminderSettings,
    SymptomEntry,
)

#: The record a route's ``<pk>`` names, by the model of its viewset.
RECORD_OF_MODEL = {
    Infant: "infant",
    Pregnancy: "pregnancy",
    Regimen: "regimen",
    DoseLog: "dose",
    FeedingSession: "feed",
    SymptomEntry: "symptom",
    DailyCheck: "check",
    ReminderSettings: "settings",
}
PK = "(?P<pk>[0-9]+)"
MOTHER_ID = "(?P<mother_id>[0-9]+)"


def api_routes():
    """(route, method, viewset) for every method of every router URL, under /api/v1/."""
    found = []
    for pattern in router.urls:
        route = "/api/v1/" + str(pattern.pattern).lstrip("^").rstrip("$")
        viewset = pattern.callback.cls
        for method in pattern.callback.actions:
            if method not in viewset.http_method_names:
                continue  # the router maps it, the viewset refuses it (405): PUT, where PATCH edits
            found.append((route, method.upper(), pattern.callback.cls))
    return found


def route_id(entry) -> str:
    route, method, _ = entry
    return f"{method} {route.removeprefix('/api/v1/')}"


ROUTES = api_routes()
OWN = [r for r in ROUTES if MOTHER_ID not in r[0]]
PATIENT = [r for r in ROUTES if MOTHER_ID in r[0]]


def test_the_router_is_all_of_the_api_under_v1():
    """Every URL of the api namespace under v1/ is one of the router's, so this matrix sees it."""
    [api] = [r for r in get_resolver().url_patterns if getattr(r, "namespace", None) == "api"]
    # Outside v1/ only the public schema and its reference (tests/test_api_schema.py) and the JSON
    # 404 for any other address (tests/test_api_basics.py): a new route there must be tested too.
    assert [str(r.pattern) for r in api.url_patterns] == ["v1/", "schema/", "docs/", r"^(?P<path>[\s\S]*)$"]
    [v1] = [r for r in api.url_patterns if str(r.pattern) == "v1/"]
    assert [str(p.pattern) for p in v1.url_patterns] == [str(p.pattern) for p in router.urls]
    for route, _, viewset in ROUTES:
        assert viewset.model in RECORD_OF_MODEL, f"{route}: add {viewset.model} to RECORD_OF_MODEL"
        assert not re.sub(r"\(\?P<(pk|mother_id)>\[0-9\]\+\)", "", route).count("("), route
    assert {method for _, method, _ in PATIENT} == {"GET"}, "a clinician's routes only read"


@pytest.fixture
def records(mother, infant, regimen):
    return {
        "infant": infant,
        "pregnancy": infant.pregnancy,
        "regimen": regimen,
        "dose": DoseLogFactory(regimen=regimen),
        "feed": FeedingSessionFactory(infant=infant),
        "symptom": SymptomEntryFactory(infant=infant),
        "check": DailyCheckFactory(infant=infant),
        "settings": ReminderSettings.objects.create(mother=mother),
        "mother": mother,
    }


def url_for(route: str, viewset, records) -> str:
    url = route.replace(MOTHER_ID, str(records["mother"].pk))
    return url.replace(PK, str(records[RECORD_OF_MODEL[viewset.model]].pk))


def call(client: ApiClient, method: str, url: str):
    return client.get(url) if method == "GET" else client.send(method, url, {})


@pytest.mark.parametrize("route, method, viewset", ROUTES, ids=[route_id(r) for r in ROUTES])
def test_no_authentication_is_a_401(db, records, route, method, viewset):
    response = call(ApiClient(None), method, url_for(route, viewset, records))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("route, method, viewset", ROUTES, ids=[route_id(r) for r in ROUTES])
def test_a_revoked_or_expired_token_is_a_401(mother, records, route, method, viewset):
    revoked, revoked_token = ApiToken.issue(owner=mother, name="revoked")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _, expired_token = ApiToken.issue(
        owner=mother, name="old", expires_at=timezone.now() - timedelta(seconds=1)
    )
    for token in (revoked_token, expired_token):
        response = call(ApiClient(token), method, url_for(route, viewset, records))
        assert response.status_code == 401
        assert response.json()["code"] == "authentication_failed"


def her_records(mother) -> dict:
    """Every row of hers the matrix could touch, to compare before and after a request."""
    return {model.__name__: list(model.objects.for_mother(mother).values()) for model in RECORD_OF_MODEL}


@pytest.mark.parametrize("route, method, viewset", OWN, ids=[route_id(r) for r in OWN])
def test_another_mother_gets_404_on_her_records_and_sees_none_of_them(
    outsider, records, route, method, viewset
):
    before = her_records(records["mother"])
    response = call(api_for(outsider), method, url_for(route, viewset, records))
    assert her_records(records["mother"]) == before
    if PK in route:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    elif method == "GET" and "results" in response.json():
        assert (response.status_code, response.json()["results"]) == (200, [])
    elif method == "GET":  # the summary: her own, empty
        assert response.json()["regimens"] == []
    else:  # a write naming nothing of hers: refused for its fields, or her own (settings)
        assert response.status_code in (200, 400, 404), response.json()


@pytest.mark.parametrize("route, method, viewset", OWN, ids=[route_id(r) for r in OWN])
def test_the_owner_gets_in(mother, records, route, method, viewset):
    response = call(api_for(mother), method, url_for(route, viewset, records))
    # Empty bodies: a write may be refused for its fields (400) or its state (409), never for who she is.
    assert response.status_code not in (401, 403, 404, 405), response.content
    assert response.status_code < 500
    if method == "GET" and PK in route:
        assert response.json()["id"] == records[RECORD_OF_MODEL[viewset.model]].pk
    elif method == "GET" and "results" in response.json():
        assert response.json()["results"], f"{route}: her list shows her records"


@pytest.mark.parametrize("route, method, viewset", OWN, ids=[route_id(r) for r in OWN])
def test_a_clinician_gets_404_on_a_mothers_own_routes(records, route, method, viewset):
    grant = CareGrantFactory(mother=records["mother"], scope="summary_exports")
    response = call(api_for(grant.clinician), method, url_for(route, viewset, records))
    assert response.status_code == 404


@pytest.mark.parametrize("route, method, viewset", PATIENT, ids=[route_id(r) for r in PATIENT])
def test_a_mother_gets_404_on_patient_routes(mother, outsider, records, route, method, viewset):
    for user in (mother, outsider):
        assert call(api_for(user), method, url_for(route, viewset, records)).status_code == 404


@pytest.mark.parametrize("grant_state", GRANT_STATES)
@pytest.mark.parametrize("route, method, viewset", PATIENT, ids=[route_id(r) for r in PATIENT])
def test_a_clinician_reads_what_her_grant_allows(
    mother, outsider, records, route, method, viewset, grant_state
):
    clinician = clinician_with_grant(grant_state, mother=mother, other_mother=outsider)
    response = call(api_for(clinician), method, url_for(route, viewset, records))
    allowed = grant_state == "summary_exports" or (
        grant_state == "summary" and not viewset.needs_exports_scope
    )
    if not allowed:
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(actor=clinician).exists()
        return
    assert response.status_code == 200, response.content
    body = response.json()
    if PK in route:
        assert body["id"] == records[RECORD_OF_MODEL[viewset.model]].pk
    elif "results" in body:
        assert body["results"]
    [event] = AuditEvent.objects.filter(actor=clinician, mother=mother)
    expected = AuditEvent.Action.API_READ if viewset.needs_exports_scope else AuditEvent.Action.VIEW_SUMMARY
    assert event.action == expected


def test_a_grant_revoked_between_two_requests_is_a_404_at_once(mother, records):
    grant = CareGrantFactory(mother=mother, scope="summary_exports")
    client = api_for(grant.clinician)
    url = f"/api/v1/patients/{mother.pk}/feeds/"
    assert client.get(url).status_code == 200
    grant.revoked_at = timezone.now()
    grant.save()
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"].startswith(
        "Your access to Anna's record has ended: she stopped sharing on"
    )
