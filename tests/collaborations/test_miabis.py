"""The MIABIS-style export: validates against the schema we wrote, published only, bands not counts,
no contacts, from the API (documented in the OpenAPI schema) and as a download."""

from __future__ import annotations

import json

import jsonschema
import pytest
from django.urls import reverse

from collaborations import demo
from collaborations.miabis import load_schema
from ion_portal import demo as core_demo
from tests.factories import make_collection, make_platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(lab, clinic, lab_contact, clinic_contact):
    make_platform(lab, slug="flow", name="Flow", techniques=["flow-cytometry"], contact=lab_contact)
    make_platform(lab, slug="draft-p", name="Draft platform", published=False)
    collection = make_collection(
        clinic,
        contact=clinic_contact,
        donor_count=437,
        cancer_types=["melanoma"],
        timepoints=["baseline", "on-treatment"],
        data_types=["clinical-outcome", "whole-slide-images"],
        access=["joint-project"],
        sexes=["male", "female"],
        age_low=18,
        age_high=90,
    )
    make_collection(clinic, slug="draft-c", name="Draft collection", published=False)
    return collection


def _validate(document):
    validator = jsonschema.Draft202012Validator(
        load_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_export_validates_and_leaks_nothing_to_anonymous_clients(client, directory):
    response = client.get("/api/v1/miabis/")
    assert response.status_code == 200
    document = response.json()
    _validate(document)
    body = response.content.decode()
    for secret in ("437", "lena.labhead@lab.example", "carl.clinician", "+32 9", "Draft"):
        assert secret not in body, secret
    (collection,) = document["collections"]
    assert collection["order_of_magnitude"] == 2 and collection["order_of_magnitude_label"]
    assert collection["diagnosis_available"][0]["code"] == "C43"
    assert collection["type"] == ["DISEASE_SPECIFIC", "LONGITUDINAL"]
    assert collection["sex"] == ["MALE", "FEMALE"] and collection["age_low"] == 18
    assert collection["data_categories"] == [
        "BIOLOGICAL_SAMPLES",
        "IMAGING_DATA",
        "MEDICAL_RECORDS",
    ]
    assert collection["access_joint_project"] is True
    (service,) = document["services"]
    # The one compatibility rule: flow cytometry handles PBMC although the platform declares none.
    assert "pbmc" in {m["id"] for m in service["materials_accepted"]}


def test_member_gets_the_same_banded_export(member_client, directory):
    assert "437" not in member_client.get("/api/v1/miabis/").content.decode()


def test_download_and_schema_are_files(client, directory):
    response = client.get(reverse("collaborations:miabis_download"))
    assert response["Content-Disposition"].startswith("attachment;")
    _validate(json.loads(response.content))
    api = client.get("/api/v1/miabis/?download=1")
    assert "attachment" in api["Content-Disposition"]
    schema = client.get(reverse("collaborations:miabis_schema")).json()
    assert schema["$defs"]["collection"]["required"]
    openapi = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/miabis/" in openapi


def test_whole_demo_directory_validates(client):
    core_demo.load()
    demo.load()
    document = client.get("/api/v1/miabis/").json()
    assert len(document["collections"]) >= 10 and len(document["services"]) >= 10
    _validate(document)


def test_sample_counts_exact_to_members_banded_to_the_public_and_quality_labels(
    member_client, clinic
):
    from django.test import Client

    from collaborations.models import SampleCount, SampleType

    client = Client()  # anonymous (member_client is the logged-in default client)

    labelled = make_collection(
        clinic, slug="iso", name="Accredited cohort", quality_labels=["iso-20387", "sprec"]
    )
    make_collection(clinic, slug="plain", name="Plain cohort")
    SampleCount.objects.create(
        collection=labelled, sample_type=SampleType.objects.get(slug="pbmc"), count=1234
    )
    public = client.get(labelled.get_absolute_url()).content.decode()
    assert "1,000 to 10,000 samples" in public and "1234" not in public and "1,234" not in public
    assert "ISO 20387 accredited biobank" in public and "SPREC codes recorded" in public
    members = member_client.get(labelled.get_absolute_url()).content.decode()
    assert "1234 samples" in members or "1,234 samples" in members
    listing = client.get(reverse("collaborations:collection_list") + "?quality_label=iso-20387")
    page = listing.content.decode()
    assert "Accredited cohort" in page and "Plain cohort" not in page
    assert 'class="tag tag--ok">ISO 20387 accredited biobank' in page
    api = client.get("/api/v1/collections/?quality_label=sprec").json()
    assert [row["slug"] for row in api["results"]] == ["iso"]
    export = client.get("/api/v1/miabis/")
    _validate(export.json())
    assert "1234" not in export.content.decode()
    (record,) = [c for c in export.json()["collections"] if c["id"] == "ion:collection:iso"]
    assert record["ion_sample_counts"] == [{"material": "pbmc", "band": "1,000 to 10,000 samples"}]
    assert record["quality"] == ["ISO 20387 accredited biobank", "SPREC codes recorded"]


def test_record_links_use_the_public_address_not_the_request_host(client, directory, settings):
    """Like the feeds, sitemap and e-mails: SITE_URL, whichever host the request reached."""
    settings.SITE_URL = "https://ion.example.org"
    settings.ALLOWED_HOSTS = ["internal-proxy.local"]
    for url in ("/api/v1/miabis/", reverse("collaborations:miabis_download")):
        document = json.loads(client.get(url, HTTP_HOST="internal-proxy.local").content)
        (collection,) = document["collections"]
        (service,) = document["services"]
        assert collection["url"] == "https://ion.example.org/collaborations/collections/mel-blood/"
        assert service["url"] == "https://ion.example.org/collaborations/platforms/flow/"
        assert "internal-proxy" not in json.dumps(document)
