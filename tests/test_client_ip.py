"""Behind a reverse proxy the audit trail records the client, not the proxy, and a
client cannot choose the address by sending its own X-Forwarded-For."""

import importlib

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from werkzeug.test import Client as WsgiClient

from tests.factories import CareGrantFactory, ClinicianFactory
from tracker.models import AuditEvent

PROXY = "10.0.0.2"  # REMOTE_ADDR as the app sees it: the proxy's own address


@pytest.fixture(autouse=True)
def plain_wsgi_afterwards():
    yield
    import config.wsgi

    importlib.reload(config.wsgi)  # settings are restored by now: no proxy


def wsgi_app(proxies: int, monkeypatch):
    import config.wsgi

    monkeypatch.setattr(settings, "TRUSTED_PROXY_COUNT", proxies)
    return importlib.reload(config.wsgi).application


@pytest.fixture
def clinician_session(mother):
    clinician = ClinicianFactory()
    CareGrantFactory(mother=mother, clinician=clinician)
    client = Client()
    client.force_login(clinician)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """A real WSGI request closes the database connection when it ends, and the test's
    transaction with it; Django's own test client stops that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def look(app, mother, session_key: str, forwarded: str | None) -> str:
    client = WsgiClient(app)
    client.set_cookie(settings.SESSION_COOKIE_NAME, session_key)
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    response = client.get(f"/clinician/{mother.pk}/", headers=headers, environ_base={"REMOTE_ADDR": PROXY})
    assert response.status_code == 200
    return AuditEvent.objects.for_mother(mother).first().ip_address


@pytest.mark.parametrize(
    "proxies, forwarded, recorded",
    [
        (0, None, PROXY),  # no proxy configured: the peer is the client
        (0, "203.0.113.9", PROXY),  # ... and a header the client sent is ignored
        (1, "203.0.113.9", "203.0.113.9"),  # one proxy appended what it saw
        (1, "198.51.100.66, 203.0.113.9", "203.0.113.9"),  # a forged first entry is not believed
        (2, "198.51.100.66, 203.0.113.9, 10.0.0.1", "203.0.113.9"),  # two proxies
    ],
)
def test_the_audit_trail_records_the_client_behind_trusted_proxies(
    mother, clinician_session, monkeypatch, proxies, forwarded, recorded
):
    app = wsgi_app(proxies, monkeypatch)
    assert look(app, mother, clinician_session, forwarded) == recorded
