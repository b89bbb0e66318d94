"""Fixtures for the partner API tests: keys and a client that sends one."""

from __future__ import annotations

import pytest

from ion_portal.models import ApiKey


@pytest.fixture
def api_key(db, partner) -> tuple[ApiKey, str]:
    """A saved partner key and its raw value (shown once, at creation)."""
    return ApiKey.generate(name="Acme sync", partner=partner)


@pytest.fixture
def key_client(client, api_key):
    """A test client that sends the partner's key on every request."""
    client.defaults["HTTP_AUTHORIZATION"] = f"Api-Key {api_key[1]}"
    return client
