"""The settings' environment readers: a typo is an error, not a quiet default."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import env_bool, env_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("True", True), (" yes ", True), ("on", True)]
    + [("0", False), ("false", False), ("FALSE", False), ("no", False), ("off", False)],
)
def test_a_yes_or_no_word_reads_as_a_boolean(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", default=not expected) is expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_unset_or_empty_boolean_is_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("SOME_FLAG", raising=False)
    else:
        monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", default=True) is True
    assert env_bool("SOME_FLAG", default=False) is False


@pytest.mark.parametrize("value", ["ture", "flase", "2", "y", "enabled"])
def test_a_typo_in_a_boolean_stops_the_app_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match=rf"DEBUG='{value}' is not a yes or no"):
        env_bool("DEBUG")


def test_a_whole_number_is_read_and_anything_else_stops_the_app(monkeypatch):
    monkeypatch.setenv("REMINDER_MAX_RETRIES", "7")
    assert env_int("REMINDER_MAX_RETRIES", 5) == 7
    monkeypatch.setenv("REMINDER_MAX_RETRIES", "")
    assert env_int("REMINDER_MAX_RETRIES", 5) == 5
    monkeypatch.setenv("REMINDER_MAX_RETRIES", "five")
    with pytest.raises(ImproperlyConfigured, match="REMINDER_MAX_RETRIES='five' is not a whole number"):
        env_int("REMINDER_MAX_RETRIES", 5)


def test_the_app_refuses_to_start_with_a_typo_in_debug():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={"PATH": "/usr/bin:/bin", "DEBUG": "ture", "SECRET_KEY": "x" * 60},
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DEBUG='ture' is not a yes or no" in result.stderr


def test_the_deploy_check_warns_when_each_process_has_its_own_cache(settings):
    from django.core.checks import run_checks

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    warned = [message.id for message in run_checks(include_deployment_checks=True)]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
        }
    }
    shared = [message.id for message in run_checks(include_deployment_checks=True)]

    assert "tracker.W001" in warned
    assert "tracker.W001" not in shared
