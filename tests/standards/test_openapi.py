"""The OpenAPI schema, checked by openapi-spec-validator (a tool we did not write): valid on an empty
database and on the demo data, every operation tagged and summarised, CSV documented as text/csv and
the `matches` detail actions documented as the plain lists they return."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from ion_portal.models import CancerType, Unit

pytestmark = pytest.mark.django_db


def _schema(client) -> dict:
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_schema_is_valid_openapi_on_an_empty_database(client):
    # Not even the vocabularies the migrations seed (a database flushed for a restore, say); the
    # test's transaction is rolled back afterwards.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not CancerType.objects.exists() and not Unit.objects.exists()
    schema = _schema(client)
    validate(schema)  # raises OpenAPIValidationError
    # What made it invalid before: a vocabulary filter with no rows gave `enum: []`.
    for _path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            for part in (parameter["schema"], parameter["schema"].get("items", {})):
                assert part.get("enum", ["?"]) != [], parameter


def test_schema_is_valid_openapi_on_the_demo_database(client, seeded_demo):
    schema = _schema(client)
    validate(schema)
    unit = next(
        p
        for p in schema["paths"]["/api/v1/collections/"]["get"]["parameters"]
        if p["name"] == "unit"
    )
    assert unit["schema"]["enum"], "the demo units are listed as the filter's values"


def test_the_validator_rejects_an_empty_enum():
    """Proves the check above can fail: the validator refuses what the schema used to emit."""
    broken = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/x": {
                "get": {
                    "parameters": [
                        {"in": "query", "name": "unit", "schema": {"type": "string", "enum": []}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_operation_is_tagged_and_summarised(client):
    schema = _schema(client)
    for path, method, operation in _operations(schema):
        assert operation.get("tags"), (method, path)
        assert operation.get("summary"), (method, path)
        assert operation["tags"] != ["api"], (method, path)  # the path-derived fallback


def test_csv_is_documented_as_text_csv(client):
    content = _schema(client)["paths"]["/api/v1/trials/"]["get"]["responses"]["200"]["content"]
    assert content["text/csv"]["schema"] == {"type": "string", "format": "binary"}
    assert "$ref" in content["application/json"]["schema"]


@pytest.mark.parametrize("kind", ["platforms", "collections"])
def test_matches_answer_what_the_schema_says(client, kind, seeded_demo):
    schema = _schema(client)
    operation = schema["paths"][f"/api/v1/{kind}/{{slug}}/matches/"]["get"]
    documented = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert documented["type"] == "array"
    assert {p["name"] for p in operation.get("parameters", [])} == {"slug"}
    listing = client.get(f"/api/v1/{kind}/").json()
    slug = listing["results"][0]["slug"]
    body = client.get(f"/api/v1/{kind}/{slug}/matches/").json()
    assert isinstance(body, list)
    match_schema = schema["components"]["schemas"]["Match"]
    for row in body:
        assert set(match_schema["required"]) <= set(row)
