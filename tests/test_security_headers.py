"""The headers that keep her record in her browser: a Content-Security-Policy with no inline
code, a Permissions-Policy with camera, microphone and location off, and no-store on every
page and download that holds her data (a shared computer's cache, a proxy's, the back button)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client

from tests.factories import CareGrantFactory, DoseLogFactory, RegimenFactory
from tracker.reminders.tokens import make_token
from tracker.sharing.tokens import make_invite_token

pytestmark = pytest.mark.django_db

# 16 Nov 2026, 21:00 in Rome: both of today's doses are due.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def doses(mother):
    """Ten days of a regimen, most doses taken: the dashboard draws its progress bars."""
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 7))
    for offset in range(8):
        day = date(2026, 11, 7 + offset)
        for at in (time(8, 0), time(20, 0)):
            DoseLogFactory(regimen=regimen, slot_date=day, slot_time=at)
    for at in (time(8, 0), time(20, 0)):  # today both skipped, so today counts as a day
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 16), slot_time=at, status="skipped")
    return regimen


def assert_locked_down(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in policy
    assert_not_stored(response)


def assert_not_stored(response) -> None:
    assert "no-store" in response["Cache-Control"]


def test_her_dashboard_is_locked_down(mother_client, doses):
    response = mother_client.get("/dashboard/")
    assert response.status_code == 200
    assert_locked_down(response)


def test_the_dashboard_has_no_inline_style_left(mother_client, doses):
    html = mother_client.get("/dashboard/").content.decode()
    assert 'data-testid="pdc-bar"' in html  # the progress bars are there
    assert 'style="' not in html
    # 7-14 Nov taken, 15 Nov missed, 16 Nov skipped: 8 of 10 days and 16 of 20 doses, for progress.js to draw.
    assert html.count('data-fill="80.0"') == 2


def test_her_csv_download_is_locked_down(mother_client, doses):
    response = mother_client.get("/exports/doses.csv")
    assert response.status_code == 200 and response.streaming
    assert_locked_down(response)


def test_her_pdf_is_locked_down(mother_client, doses):
    response = mother_client.get("/exports/summary.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert_locked_down(response)


@pytest.mark.parametrize("url", ["/exports/bundle.json", "/exports/all.zip"])
def test_her_other_downloads_are_not_stored(mother_client, doses, url):
    response = mother_client.get(url)
    assert response.status_code == 200
    assert_locked_down(response)


def test_a_clinicians_download_of_her_pdf_is_not_stored(mother, doses):
    grant = CareGrantFactory(mother=mother, scope="summary_exports")
    client = Client()
    client.force_login(grant.clinician)
    response = client.get(f"/clinician/{mother.pk}/exports/summary.pdf")
    assert response.status_code == 200
    assert_locked_down(response)
    assert_locked_down(client.get(f"/clinician/{mother.pk}/"))


def test_the_login_page_gets_the_policies(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert_locked_down(response)


def test_pages_from_email_links_are_not_stored(client, mother, doses):
    """No login on these: the signed token is the key, and the page shows her dose or name."""
    reminder = doses.reminders.create(
        slot_date=date(2026, 11, 16), slot_time=time(20, 0), due_at=NOW - timedelta(minutes=5)
    )
    assert_locked_down(client.get(f"/r/took/{make_token('took', reminder.pk)}/"))
    grant = CareGrantFactory(mother=mother, clinician=None, accepted_at=None, invited_email="dr@example.org")
    assert_locked_down(client.get(f"/sharing/invite/{make_invite_token(grant.pk)}/"))


def test_a_static_file_keeps_its_caching(settings):
    """WhiteNoise answers before the no-store rule: the app's CSS holds nothing of hers."""
    settings.DEBUG = True  # WhiteNoise finds the file in the app folder, as under `make run`
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/tracker/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
