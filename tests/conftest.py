"""Shared fixtures: the owner, an outsider, and a signed-in client for each.

When DATABASE_URL or CELERY_BROKER_URL names a server, a test that cannot
reach it fails loudly rather than being skipped. With ``REQUIRE_SERVICES=1`` (CI sets
it) a test that needs PostgreSQL or Redis fails, never skips, when they are not in use.
"""

import os

import pytest
from django.test import Client

from tests.factories import ClinicianFactory, InfantFactory, RegimenFactory, UserFactory


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
