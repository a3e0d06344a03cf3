"""Shared fixtures: the owner, an outsider, and a signed-in client for each.

When DATABASE_URL or CELERY_BROKER_URL names a server, a test that cannot
reach it fails loudly rather than being skipped. With ``REQUIRE_SERVICES=1`` (CI sets
it) a test that needs PostgreSQL or Redis fails, never skips, when they are not in use.
"""

import os
from datetime import UTC, date, datetime, time

import pytest
from django.test import Client

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
from tracker.models import ReminderSettings

#: The reminder worker's fixtures: a real Celery worker on a queue of its own.
pytest_plugins = ["tests.reminder_worker"]


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
