"""The settings helpers reject malformed values with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ion_portal import settings as portal_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_env_bool_rejects_malformed_values(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        portal_settings.env_bool("SOME_FLAG", False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("False", False), ("1", True), ("off", False), ("", True)]
)
def test_env_bool_accepts_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert portal_settings.env_bool("SOME_FLAG", True) is expected


def test_env_int_rejects_text(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        portal_settings.env_int("SOME_NUMBER", 3)


@pytest.mark.parametrize("raw", ["ftp://example.org", "example.org/path", "mysql://db/name"])
def test_env_url_rejects_wrong_scheme(monkeypatch, raw):
    monkeypatch.setenv("DATABASE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        portal_settings.env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))


def test_database_url_postgres_is_parsed():
    db = portal_settings.database_from_url(
        "postgres://ion:s%40cret@db.example.org:5433/ion_portal?sslmode=require"
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "ion_portal",
        "ion",
        "s@cret",
        "db.example.org",
        "5433",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}


def test_database_url_sqlite_relative_path_is_inside_project():
    db = portal_settings.database_from_url("sqlite:///local.db")
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(ROOT / "local.db")


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secret_key_stops_with_one_line():
    result = _manage("check", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_boolean_stops_start_up_naming_the_variable():
    result = _manage("check", DJANGO_DEBUG="perhaps")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_deploy_is_silent_with_production_values():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x9!" * 20 + "production-like-secret-key-for-the-test",
        DJANGO_ALLOWED_HOSTS="ion-portal.example",
        CSRF_TRUSTED_ORIGINS="https://ion-portal.example",
        HOSPITAL_24_7_PHONE="+32 9 000 00 00",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_makemigrations_check_runs_without_production_secrets():
    # It only reads the code; a bare shell (no debug, no secret key) must be able to run it.
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_serving_commands_still_need_the_secret_key():
    result = _manage("migrate", "--plan")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
