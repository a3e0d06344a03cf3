"""Shared fixtures: the owner, an outsider, and a signed-in client for each.

When DATABASE_URL or CELERY_BROKER_URL names a server, a test that cannot
reach it fails loudly rather than being skipped. With ``REQUIRE_SERVICES=1`` (CI sets
it) a test that needs PostgreSQL or Redis fails, never skips, when they are not in use.
"""

import os
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client, override_settings

from tests.api_helpers import api_for
from tests.factories import (
    CareGrantFactory,
    ClinicianFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
    UserFactory,
)
from tests.history_helpers import NOW, utc
from tracker.models import ReminderSettings

#: The reminder worker's fixtures: a real Celery worker on a queue of its own.
pytest_plugins = ["tests.reminder_worker"]


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2, as in production (hashes start "argon2"), at its lowest cost: the tests check who
    may log in, not the cost, and the production cost (about 0.1 s a hash, 0.5 s on a loaded
    two-core machine) on every user a factory makes and every login was minutes of the suite."""

    time_cost = 1
    memory_cost = 8  # KiB, the least argon2 takes with one lane
    parallelism = 1


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    with override_settings(PASSWORD_HASHERS=["tests.conftest.CheapArgon2PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def no_push_keys():
    """Push reminders are off unless a test gives VAPID keys (``tests/push_helpers.py``):
    the pair `make run` leaves in var/vapid.env must not change what the other tests see."""
    with override_settings(VAPID_PUBLIC_KEY="", VAPID_PRIVATE_KEY="", VAPID_SUBJECT=""):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: its rows are rolled back, and the next test's
    mother may have the same id (the month totals of ``tracker.day_totals`` are keyed by it)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def mother(db):
    return UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")


@pytest.fixture
def outsider(db):
    return UserFactory(email="olga@example.org", display_name="Olga", time_zone="Europe/Rome")


@pytest.fixture
def infant(mother):
    return InfantFactory(mother=mother, name="Luca")


@pytest.fixture
def regimen(mother):
    return RegimenFactory(mother=mother)


@pytest.fixture
def mother_client(mother) -> Client:
    client = Client()
    client.force_login(mother)
    return client


@pytest.fixture
def outsider_client(outsider) -> Client:
    client = Client()
    client.force_login(outsider)
    return client


@pytest.fixture
def clinician(db):
    return ClinicianFactory(email="dr.rossi@example.org", display_name="Dr Rossi")


@pytest.fixture
def clinician_client(clinician) -> Client:
    client = Client()
    client.force_login(clinician)
    return client


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def needs_service(why: str) -> None:
    """Skip a test this run's services can't carry, or fail it when the run must have them."""
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1, but {why}")
    pytest.skip(why)


@pytest.fixture
def her_record(mother, infant, regimen):
    """Three doses, two feeds, one spit-up, one daily check, reminder settings."""
    for day in (10, 11, 12):
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, day))
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC), notes="=cmd")
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    SymptomEntryFactory(infant=infant)
    DailyCheckFactory(infant=infant)
    ReminderSettings.objects.create(mother=mother, quiet_start=time(22, 0), quiet_end=time(7, 0))
    return mother


@pytest.fixture
def olga_record(outsider):
    baby = InfantFactory(mother=outsider, name="Olivia")
    regimen = RegimenFactory(mother=outsider, product__name="Olga's drops")
    DoseLogFactory(regimen=regimen)
    FeedingSessionFactory(infant=baby)
    SymptomEntryFactory(infant=baby)
    DailyCheckFactory(infant=baby)
    CareGrantFactory(mother=outsider, clinician=ClinicianFactory(email="dr.olga@example.org"))
    return outsider


# The history tests (test_history_*.py)


@pytest.fixture
def history_clock():
    """10:00 in Rome on Monday 16 November 2026; each history and API test module uses it."""
    with time_machine.travel(NOW, tick=False):
        yield


# The API tests (test_api_*.py)


@pytest.fixture
def api(mother):
    """Anna's API client: JSON in and out, with a token of hers."""
    return api_for(mother)


@pytest.fixture
def twin(mother, infant):
    return InfantFactory(mother=mother, pregnancy=infant.pregnancy, name="Sara")


@pytest.fixture
def stranger_infant(outsider):
    return InfantFactory(mother=outsider, name="Olivia")


@pytest.fixture
def one_of_each(infant, regimen):
    """A record of each type, with the question its delete page asks."""
    return {
        "feeds": (
            FeedingSessionFactory(infant=infant, started_at=utc(3, 13, 5)),
            "Delete the feed at 14:05 on 3 Nov? This can't be undone.",
        ),
        "doses": (
            DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 3), slot_time=time(20, 0)),
            "Delete the 20:00 dose of 3 Nov? This can't be undone.",
        ),
        "symptoms": (
            SymptomEntryFactory(infant=infant, occurred_at=utc(3, 13, 5)),
            "Delete the spit-up at 14:05 on 3 Nov? This can't be undone.",
        ),
        "checks": (
            DailyCheckFactory(infant=infant, day=date(2026, 11, 3)),
            "Delete Luca’s daily check for 3 Nov? This can't be undone.",
        ),
    }


# The reminder tests (test_reminders_*.py)


@pytest.fixture
def reminder_outbox(settings):
    """Emails land in mail.outbox, their links on http://testserver; each reminder test module uses it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def anna(mother):
    """The mother, by the name the reminder tests give her."""
    return mother


@pytest.fixture
def anna_regimen(anna):
    return RegimenFactory(mother=anna, dose_times=["08:00", "20:00"], start_date=date(2026, 11, 1))


# The push reminder tests (test_push_*.py)


@pytest.fixture
def push_keys(settings):
    """A fresh VAPID key pair, as `manage.py vapid_keys` makes one: push reminders on."""
    from tracker.management.commands.vapid_keys import new_vapid_pair

    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = new_vapid_pair()
    settings.VAPID_SUBJECT = "mailto:reminders@example.org"
    return settings


@pytest.fixture
def push_service():
    """A push service on 127.0.0.1 (``tests/push_helpers.py``)."""
    from tests.push_helpers import FakePushService

    service = FakePushService()
    yield service
    service.close()
