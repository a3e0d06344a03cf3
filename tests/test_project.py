"""The project's own wiring: services CI must really use, and the compose stack."""

import os
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection

from tests.conftest import services_required

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_database_is_the_one_configured():
    """In CI DATABASE_URL names PostgreSQL; the suite must really run on it (no silent SQLite)."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_the_services_ci_requires_are_the_ones_in_use():
    """With REQUIRE_SERVICES=1 the run must be on PostgreSQL and Redis, not their embedded
    stand-ins: a CI that lost its DATABASE_URL would otherwise pass on SQLite."""
    if not services_required():
        pytest.skip("REQUIRE_SERVICES is not set: this run may use SQLite and the filesystem broker")
    assert connection.vendor == "postgresql", os.environ.get("DATABASE_URL")
    assert settings.CELERY_BROKER_URL.startswith("redis://"), settings.CELERY_BROKER_URL


def test_broker_is_reachable_when_one_is_configured():
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        assert url.startswith("filesystem://")
        return
    import redis

    assert redis.Redis.from_url(url, socket_connect_timeout=5).ping() is True


def test_compose_stack_has_every_service_with_a_healthcheck():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    for name in ["db", "redis", "web", "worker", "beat", "mailpit"]:
        assert services[name]["healthcheck"]["test"], name
    assert "gunicorn" in services["web"]["command"]
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgres://")
    assert services["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://")


def test_healthz_answers(client, db):
    response = client.get("/healthz")
    assert response.content == b"ok"


def test_collectstatic_with_the_production_storage_finds_every_file(tmp_path, settings):
    """Production serves hashed, compressed files (WhiteNoise); a vendored file that names a
    missing source map or font would make `collectstatic` fail at deploy time."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in ["vendor/bootstrap/bootstrap.min.css", "vendor/chartjs/chart.umd.min.js", "tracker/app.css"]:
        assert name in manifest


def test_no_module_is_over_400_lines():
    """Small modules by concern: a module past 400 lines is split (migrations are generated)."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in ROOT.glob("*/**/*.py")
        if not {".venv", "migrations", "node_modules"} & set(path.parts)
        and (lines := len(path.read_text().splitlines())) > 400
    }
    assert long == {}
