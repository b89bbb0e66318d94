"""Keys and rate limits: valid, invalid and revoked keys; anonymous and partner limits with Retry-After."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ion_portal.models import ApiKey

URL = "/api/v1/cancer-types/"


@pytest.mark.django_db
def test_anonymous_read_is_allowed(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_valid_key_is_accepted_and_records_last_use(key_client, api_key):
    key, _raw = api_key
    assert key.last_used_at is None
    response = key_client.get(URL)
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert timezone.now() - key.last_used_at < timedelta(seconds=30)


def test_last_use_is_written_at_most_once_a_minute(client, api_key, django_assert_num_queries):
    _key, raw = api_key
    client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}")
    # Second request within the minute: key lookup, count, page; no UPDATE of last_used_at.
    with django_assert_num_queries(3):
        client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}")


@pytest.mark.django_db
def test_unknown_key_is_a_401_with_a_reason_not_an_anonymous_read(client):
    response = client.get(URL, HTTP_AUTHORIZATION="Api-Key deadbeef.not-a-real-key")
    assert response.status_code == 401
    body = response.json()
    assert body["status"] == 401
    assert body["code"] == "authentication_failed"
    assert "Unknown API key" in body["detail"]
    assert response["WWW-Authenticate"] == "Api-Key"


def test_revoked_key_is_a_401_that_says_revoked(client, api_key):
    key, raw = api_key
    key.revoked_at = timezone.now()
    key.save()
    response = client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_key_with_right_prefix_but_wrong_secret_is_refused(client, api_key):
    key, _raw = api_key
    response = client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {key.prefix}.wrong-secret")
    assert response.status_code == 401
    assert "Unknown API key" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Bearer abc", "Api-Key", "Api-Key a b", "Basic dXNlcjpwdw=="])
def test_malformed_or_foreign_authorization_header_is_a_401(client, header):
    response = client.get(URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.django_db
def test_anonymous_clients_are_throttled_with_retry_after(client, settings):
    settings.API_ANON_RATE = "3/min"
    for _ in range(3):
        assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.json()
    assert body["code"] == "throttled"
    assert body["retry_after"] == int(response["Retry-After"])


@pytest.mark.django_db
def test_anonymous_limit_is_per_client_address(client, settings):
    settings.API_ANON_RATE = "1/min"
    assert client.get(URL, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(URL, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(URL, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_partner_gets_the_higher_limit_per_key(client, api_key, settings, partner):
    settings.API_ANON_RATE = "2/min"
    settings.API_PARTNER_RATE = "5/min"
    _key, raw = api_key
    for _ in range(2):
        assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429  # the anonymous allowance is spent
    for _ in range(5):
        assert client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 200
    response = client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # A second partner key has its own allowance.
    _other, other_raw = ApiKey.generate(name="Other partner")
    assert client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {other_raw}").status_code == 200


@pytest.mark.django_db
def test_forged_forwarded_for_header_does_not_escape_the_anonymous_limit(client, settings):
    settings.API_ANON_RATE = "1/min"
    assert client.get(URL, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429


def test_key_lifecycle_through_admin_create_use_revoke(client, db):
    from django.contrib.messages import get_messages

    from tests.factories import give_second_factor, make_user

    admin_user = give_second_factor(
        make_user("admin@example.org", is_staff=True, is_superuser=True)
    )
    client.force_login(admin_user)
    response = client.post("/admin/ion_portal/apikey/add/", {"name": "Acme nightly sync"})
    assert response.status_code == 302
    message = next(str(m) for m in get_messages(response.wsgi_request) if "new key" in str(m))
    raw = message.split("The new key is ", 1)[1].split(". Copy it now", 1)[0]
    key = ApiKey.objects.get(name="Acme nightly sync")
    assert key.hashed_key == ApiKey.hash(raw)  # only the hash is stored
    client.logout()

    assert client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None  # shown in the admin list

    client.force_login(admin_user)
    client.post(
        "/admin/ion_portal/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    client.logout()
    response = client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
