"""Behind a reverse proxy every limit keys on the real client (TRUSTED_PROXY_COUNT), never the proxy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from ion_portal.ratelimit import client_ip
from tests.factories import PASSWORD, make_user

PROXY = "10.0.0.1"  # every request reaches the app from the proxy's socket


def via_proxy(address: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


@pytest.mark.parametrize(
    ("count", "header", "remote", "expected"),
    [
        (0, "203.0.113.5", PROXY, PROXY),  # no proxy trusted: the header is ignored
        (1, "203.0.113.5", PROXY, "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", PROXY, "203.0.113.5"),  # a forged left part is ignored
        (2, "198.51.100.7, 10.0.0.9", PROXY, "198.51.100.7"),
        (2, "198.51.100.7", PROXY, "198.51.100.7"),  # shorter than the proxies: no 500
        (1, "not-an-address", PROXY, PROXY),
        (1, "", PROXY, PROXY),
        (1, "[2001:db8::1]", PROXY, "2001:db8::1"),
    ],
)
def test_client_ip_trusts_exactly_the_configured_proxies(settings, count, header, remote, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def test_a_trusted_client_ip_header_wins(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1", HTTP_X_REAL_IP="192.0.2.44"
    )
    assert client_ip(request) == "192.0.2.44"


def test_api_num_proxies_is_an_alias_of_trusted_proxy_count(monkeypatch):
    import importlib

    from ion_portal import settings as portal_settings

    monkeypatch.setenv("API_NUM_PROXIES", "2")
    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    try:
        reloaded = importlib.reload(portal_settings)
        assert reloaded.TRUSTED_PROXY_COUNT == 2
        assert reloaded.ALLAUTH_TRUSTED_PROXY_COUNT == 2
        assert reloaded.REST_FRAMEWORK["NUM_PROXIES"] == 2
    finally:
        monkeypatch.delenv("API_NUM_PROXIES")
        importlib.reload(portal_settings)


LIMITED = "Too many failed login attempts"


def test_one_clients_failed_logins_never_lock_out_another(client, db, one_proxy):
    make_user("real-user@example.org")
    login = reverse("account_login")
    answers = [
        client.post(
            login,
            {"login": f"made-up-{n}@example.org", "password": "wrong"},
            **via_proxy("203.0.113.5"),
        )
        for n in range(12)
    ]
    assert all(answer.status_code < 500 for answer in answers)
    assert LIMITED in answers[-1].content.decode()  # the attacker is limited…
    other = client.__class__()
    response = other.post(
        login, {"login": "real-user@example.org", "password": PASSWORD}, **via_proxy("198.51.100.7")
    )
    assert response.status_code == 302  # …and another client still signs in
    # The attacker stays limited even with a forged address in front of its own.
    attacker = client.__class__().post(
        login,
        {"login": "real-user@example.org", "password": PASSWORD},
        **via_proxy("192.0.2.1, 203.0.113.5"),
    )
    assert LIMITED in attacker.content.decode()


def test_one_clients_contact_messages_never_close_the_form_for_another(client, db, one_proxy):
    one_proxy.CONTACT_RATE_LIMIT = 2
    data = {"name": "A", "email": "a@example.org", "subject": "Hi", "message": "Hello"}
    url = reverse("contact")
    assert client.post(url, data, **via_proxy("203.0.113.5")).status_code == 302
    assert client.post(url, data, **via_proxy("203.0.113.5")).status_code == 302
    assert client.post(url, data, **via_proxy("203.0.113.5")).status_code == 429
    assert client.post(url, data, **via_proxy("198.51.100.7")).status_code == 302
    assert len(mail.outbox) == 3


def test_api_throttle_keys_on_the_client_behind_the_proxy(client, db, one_proxy):
    one_proxy.API_ANON_RATE = "2/min"
    url = "/api/v1/trials/"
    assert client.get(url, **via_proxy("203.0.113.5")).status_code == 200
    assert client.get(url, **via_proxy("203.0.113.5")).status_code == 200
    assert client.get(url, **via_proxy("203.0.113.5")).status_code == 429
    assert client.get(url, **via_proxy("198.51.100.7")).status_code == 200


def test_consult_form_is_limited_per_member_whatever_the_address(settings, member_client):
    from toxicity import demo

    demo.load()
    settings.CONSULT_RATE_LIMIT = 1
    url = reverse("toxicity:task_force")
    data = {
        "specialty": "cardiology",
        "urgency": "today",
        "question": "Troponin up on nivolumab: how urgent?",
        "callback_phone": "+32 9 123 45 67",
    }
    first = member_client.post(url, data, **via_proxy("203.0.113.5"))
    assert first.status_code == 302, first.content.decode()[:2000]
    second = member_client.post(url, data, **via_proxy("198.51.100.7"))
    assert second.status_code == 400
    assert "Too many requests in the last hour" in second.content.decode()
