"""Bad input and a missing database never become a 500 or an HTML page on machine endpoints:

- a line break in the contact form's subject (an e-mail header) is a form error;
- with the database unreachable, the API answers its JSON error (503, Retry-After) and FHIR an
  OperationOutcome, both checked against their published schemas (the OpenAPI `Error` component
  with jsonschema, the R5 OperationOutcome with fhir.resources);
- an unexpected error under /api/ or /fhir/ is JSON too.

The outage is real to Django: `connection.execute_wrapper` (Django's own hook for query
instrumentation) makes every query fail with the OperationalError a stopped server gives.
"""

from __future__ import annotations

import contextlib

import jsonschema
import pytest
import yaml
from django.core import mail
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from fhir.resources.operationoutcome import OperationOutcome

from ion_portal.models import ContactMessage
from ion_portal.views import server_error
from tests.factories import make_detailed_trial

pytestmark = pytest.mark.django_db

CONTACT = {
    "name": "A. Peeters",
    "email": "a.peeters@example.org",
    "message": "Question about a trial.",
    "website": "",
}


@pytest.mark.parametrize(
    "subject",
    ["Hello\nBcc: victim@example.org", "Hello\r\nX-Injected: 1", "Line\u2028separator"],
)
def test_a_line_break_in_the_contact_subject_is_a_form_error(client, subject):
    response = client.post("/contact/", {**CONTACT, "subject": subject})
    assert response.status_code == 400
    assert "The subject must fit on one line." in response.content.decode()
    assert response.context["form"].errors["subject"]
    assert mail.outbox == []
    assert not ContactMessage.objects.exists()


def test_a_one_line_subject_is_sent(client):
    response = client.post("/contact/", {**CONTACT, "subject": "Hello"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1


@contextlib.contextmanager
def database_down():
    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture
def error_schema(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    return schema["components"]["schemas"]["Error"]


@pytest.mark.parametrize(
    "path", ["/api/v1/trials/", "/api/v1/trials/NCT10000001/", "/api/v1/events/", "/api/v1/drugs/"]
)
def test_api_error_is_json_while_the_database_is_down(client, error_schema, path):
    make_detailed_trial()
    with database_down():
        response = client.get(path)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    jsonschema.validate(body, error_schema)
    assert body["code"] == "service_unavailable"
    assert int(response["Retry-After"]) > 0
    assert body["retry_after"] == int(response["Retry-After"])


def test_api_key_requests_also_get_json_while_the_database_is_down(client):
    with database_down():
        response = client.get("/api/v1/trials/", HTTP_AUTHORIZATION="Api-Key abc.def")
    assert response.status_code == 503
    assert response.json()["status"] == 503


def test_fhir_error_is_an_operation_outcome_while_the_database_is_down(client):
    with database_down():
        response = client.get("/fhir/ResearchStudy", {"_id": "NCT10000001"})
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].code == "transient"


def test_signed_in_api_client_gets_json_while_the_database_is_down(member):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    with database_down():
        response = client.get("/api/v1/trials/")
    assert response.status_code in (500, 503)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["status"] == response.status_code


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/api/v1/trials/", "application/json"), ("/fhir/metadata", "application/fhir+json")],
)
def test_unexpected_errors_under_api_and_fhir_are_json(path, content_type):
    response = server_error(RequestFactory().get(path))
    assert response.status_code == 500
    assert response["Content-Type"].startswith(content_type)
    assert b"<html" not in response.content.lower()
    html = server_error(RequestFactory().get("/trials/"))
    assert html["Content-Type"].startswith("text/html")
