"""Every API error is JSON that says what was wrong; nothing malformed becomes a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_page_past_the_end_is_a_json_404(client):
    response = client.get("/api/v1/cancer-types/?page=999")
    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize("value", ["0", "-3", "lots", ""])
def test_bad_page_size_is_a_400_naming_the_parameter(client, value):
    response = client.get(f"/api/v1/cancer-types/?page_size={value}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameter"
    assert "page_size" in body["errors"]


def test_page_size_above_the_cap_is_capped(client, settings):
    from ion_portal.models import CancerType

    settings.API_MAX_PAGE_SIZE = 2
    assert CancerType.objects.count() > 2  # seeded by the core data migration
    response = client.get("/api/v1/cancer-types/?page_size=1000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_writes_are_refused_with_a_json_405(client):
    response = client.post("/api/v1/cancer-types/", {"name": "x"})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unknown_format_is_a_json_404_not_a_500(client):
    response = client.get("/api/v1/cancer-types/?format=xml")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_nul_characters_and_odd_utc_offsets_are_not_errors(client):
    assert client.get("/api/v1/trials/", {"q": "nivo\x00lumab"}).status_code == 200
    response = client.get("/api/v1/trials/", {"updated_since": "0113-06-01T12:49:17+17:56"})
    assert response.status_code == 200
    assert client.get("/fhir/ResearchStudy", {"identifier": "NCT\x0012345678"}).status_code == 200
