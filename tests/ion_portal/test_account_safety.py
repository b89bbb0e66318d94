"""Staff need a second factor for the admin; passwords of 12+ characters; sessions end; cookies."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import give_second_factor, make_user


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_staff": True, "is_superuser": True}])
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, db, flags):
    staff = make_user("no-mfa@example.org", **flags)
    client.force_login(staff)
    for path in ("/admin/", "/nl/admin/", "/admin/trials/trial/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(reverse("mfa_activate_totp")), response.url
        assert "next=" in response.url
    give_second_factor(staff)
    assert client.get("/admin/").status_code == 200


def test_members_are_not_asked_for_a_second_factor_outside_the_admin(client, db):
    staff = make_user("staff-site@example.org", is_staff=True)
    client.force_login(staff)
    assert client.get("/toxicity/").status_code == 200
    assert client.get("/account/").status_code == 200


def test_admin_second_factor_can_be_switched_off_explicitly(client, db, settings):
    settings.ADMIN_REQUIRES_MFA = False
    client.force_login(make_user("no-mfa-allowed@example.org", is_staff=True))
    assert client.get("/admin/").status_code == 200


def test_passwords_need_twelve_characters(db):
    with pytest.raises(ValidationError):
        validate_password("Tr1cky-pass")  # 11
    validate_password("Tr1cky-passw")  # 12


def test_a_session_ends_after_its_maximum_lifetime(client, db, settings):
    from ion_portal.middleware import SESSION_STARTED_KEY

    client.force_login(make_user("long-shift@example.org"))
    assert client.get("/account/").status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = int(time.time()) - settings.SESSION_MAX_LIFETIME - 1
    session.save()
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_session_ends_after_its_idle_timeout_and_is_refreshed_at_most_once_a_minute(
    client, db, settings
):
    from ion_portal.middleware import SESSION_SEEN_KEY

    client.force_login(make_user("idle@example.org"))
    seen = client.session[SESSION_SEEN_KEY]
    assert client.get("/account/").status_code == 200
    assert client.session[SESSION_SEEN_KEY] == seen  # no write for a request within the minute
    session = client.session
    session[SESSION_SEEN_KEY] = seen - 120
    session.save()
    assert client.get("/account/").status_code == 200
    assert client.session[SESSION_SEEN_KEY] >= seen  # written again: the expiry moved on
    session = client.session
    session[SESSION_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_session_idle_timeout_and_language_cookie_settings():
    from django.conf import settings

    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT
    assert settings.SESSION_MAX_LIFETIME == 12 * 60 * 60
    assert settings.LANGUAGE_COOKIE_SAMESITE == "Lax"


def test_language_cookie_is_secure_without_debug(monkeypatch):
    import importlib

    from ion_portal import settings as portal_settings

    monkeypatch.setenv("DJANGO_DEBUG", "false")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    try:
        reloaded = importlib.reload(portal_settings)
        assert reloaded.LANGUAGE_COOKIE_SECURE is True
        assert reloaded.SESSION_COOKIE_SECURE is True
    finally:
        monkeypatch.setenv("DJANGO_DEBUG", "true")
        importlib.reload(portal_settings)
