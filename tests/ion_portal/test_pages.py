"""Core pages: home, about, contact form, health check, error pages, language and security headers."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.urls import reverse

from ion_portal.models import ContactMessage, Person, Unit

pytestmark = pytest.mark.django_db


def test_home_shows_aims_and_entry_points_for_each_audience(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Patients and relatives", "Clinicians", "Researchers", "Partners"):
        assert heading in html
    assert "supports, and does not replace, clinical judgement" in html
    assert 'href="#main"' in html  # skip link


def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_about_lists_the_steering_committee(client):
    unit = Unit.objects.create(
        name="Lab of Tumour Immunology", slug="lab", kind="lab", institution="University"
    )
    Person.objects.create(
        first_name="Ada", last_name="Lovelace", role="Chair", unit=unit, on_steering_committee=True
    )
    Person.objects.create(first_name="Not", last_name="Shown", on_steering_committee=False)
    html = client.get(reverse("about")).content.decode()
    assert "Ada Lovelace" in html and "Chair" in html
    assert "Not Shown" not in html


def test_dutch_pages_are_translated(client):
    html = client.get("/nl/").content.decode()
    assert 'lang="nl"' in html
    assert "Waar begint u?" in html
    assert "Where to start" not in html


def test_language_switch_keeps_the_page(client):
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/about/"})
    assert response.status_code == 302
    assert response["Location"] == "/nl/about/"


def test_language_switch_back_to_english_keeps_the_page(client):
    # Even when the browser's preference is Dutch, the Dutch page resolves and translates back.
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/nl/contact/"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Location"] == "/contact/"
    client.cookies.clear()
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/nl/about/"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response["Location"] == "/about/"


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_renders_without_the_database(client, settings):
    from ion_portal.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_contact_form_sends_mail_to_the_configured_address(client, settings):
    settings.CONTACT_EMAIL = "office@ion.example"
    data = {
        "name": "Jo",
        "email": "jo@example.org",
        "subject": "Trials",
        "message": "Do you have melanoma trials?",
    }
    response = client.post(reverse("contact"), data, follow=True)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["office@ion.example"]
    assert "melanoma trials" in mail.outbox[0].body
    assert ContactMessage.objects.get().email == "jo@example.org"


def test_invalid_contact_form_keeps_what_was_typed(client):
    data = {
        "name": "Jo",
        "email": "not-an-address",
        "subject": "Trials",
        "message": "A long question I typed",
    }
    response = client.post(reverse("contact"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "A long question I typed" in html
    assert 'value="not-an-address"' in html
    assert "Enter a valid email address" in html
    assert mail.outbox == []


def test_contact_honeypot_rejects_bots(client):
    data = {
        "name": "Bot",
        "email": "bot@example.org",
        "subject": "Buy",
        "message": "spam",
        "website": "http://spam",
    }
    response = client.post(reverse("contact"), data)
    assert response.status_code == 400
    assert mail.outbox == []
    assert not ContactMessage.objects.exists()


def test_contact_form_is_rate_limited(client, settings):
    settings.CONTACT_RATE_LIMIT = 2
    data = {"name": "Jo", "email": "jo@example.org", "subject": "Hi", "message": "Hello"}
    assert client.post(reverse("contact"), data).status_code == 302
    assert client.post(reverse("contact"), data).status_code == 302
    response = client.post(reverse("contact"), data)
    assert response.status_code == 429
    assert "Hello" in response.content.decode()  # what was typed is kept
    assert len(mail.outbox) == 2


def test_healthz_reports_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # Without REDIS_URL the cache is the process's memory: nothing to be down.
    assert response.json() == {
        "status": "ok",
        "database": True,
        "migrations": True,
        "cache": True if settings.REDIS_URL else "memory",
        "down": [],
    }


def test_healthz_is_503_when_migrations_are_missing(client, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    from ion_portal import views

    # A worker remembers "all applied" once seen (healthz stays one cheap query); a fresh one does not.
    monkeypatch.setattr(views, "_migrations_confirmed", False)

    MigrationRecorder(connection).migration_qs.filter(
        app="ion_portal", name="0002_groups_and_cancer_types"
    ).delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] is False


def test_healthz_is_503_when_the_database_is_unreachable():
    # A separate process whose DATABASE_URL points at a database that cannot be opened.
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'code': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "ion_portal.settings",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite:////nonexistent-dir/ion.sqlite3",
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["code"] == 503
    assert outcome["body"] == {
        "status": "unhealthy",
        "database": False,
        "migrations": False,
        "cache": True if settings.REDIS_URL else "memory",
        "down": ["database"],
    }


def test_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Members", "Curators", "Partners"}


def test_cancer_types_are_seeded_with_hierarchy():
    from ion_portal.models import CancerType

    nsclc = CancerType.objects.get(name="Non-small cell lung cancer")
    assert nsclc.parent.name == "Lung cancer"
    assert nsclc.icd10 == "C34"
    assert CancerType.objects.count() >= 30


def test_robots_and_sitemap(client):
    assert "Sitemap:" in client.get("/robots.txt").content.decode()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert b"/about/" in response.content


def test_seed_demo_is_idempotent(settings):
    from django.core.management import call_command

    settings.DEBUG = True  # seed_demo refuses a production configuration (see tests/toxicity)
    call_command("seed_demo", verbosity=0)
    counts = (Unit.objects.count(), Person.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Unit.objects.count(), Person.objects.count()) == counts
    assert Person.objects.filter(is_demo=True).count() == Person.objects.count()


def test_healthz_stays_cheap_migration_files_are_read_once_per_process(
    client, monkeypatch, django_assert_num_queries
):
    from ion_portal import views

    assert client.get("/healthz").status_code == 200
    # Once every migration was seen applied: one SELECT 1 per call, nothing else.
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200

    # Before that: django_migrations is read too (its existence, its rows), but the migration modules
    # are not loaded again.
    def no_reload(*args, **kwargs):
        raise AssertionError("MigrationLoader built again")

    monkeypatch.setattr(views, "MigrationLoader", no_reload)
    monkeypatch.setattr(views, "_migrations_confirmed", False)
    with django_assert_num_queries(3):
        assert client.get("/healthz").status_code == 200
