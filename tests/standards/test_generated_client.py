"""A Python client generated from the OpenAPI schema by `openapi-python-client` (a tool we did not
write) lists, pages, filters and fetches trials and other resources, downloads CSV and searches FHIR
against the live server: the schema says what the API really does, down to the types the
generated models parse (a field the schema calls a string but the API sends as null fails here).

The client is generated once (about 4 s), in the one test that needs the live server's schema.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

from ion_portal.models import ApiKey, User
from trials.exports import check_complete

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG = "package_name_override: ion_client\npost_hooks: []\n"


def _generate(schema: dict, folder: Path):
    (folder / "openapi.json").write_text(json.dumps(schema))
    (folder / "config.yaml").write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    arguments = ["--path", "openapi.json", "--config", "config.yaml", "--meta", "none"]
    result = subprocess.run(
        [str(generator), "generate", *arguments, "--output-path", "ion_client"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Warnings mean endpoints or models the generator could not understand, i.e. left out.
    assert "Warning" not in result.stdout, result.stdout
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("ion_client")
    finally:
        sys.path.remove(str(folder))


def test_generated_client_lists_pages_filters_fetches_and_downloads(live_server, tmp_path):
    call_command("seed_demo", allow_production=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    partner = User.objects.create_user(email="sync@partner.example", password="x" * 20)
    _key, raw_key = ApiKey.generate(name="Generated client", partner=partner)
    schema = httpx.get(f"{live_server.url}/api/v1/schema/?format=json").json()
    ion_client = _generate(schema, tmp_path)
    models = importlib.import_module("ion_client.models")
    with ion_client.AuthenticatedClient(
        base_url=live_server.url, token=raw_key, prefix="Api-Key", raise_on_unexpected_status=True
    ) as client:
        _exercise(client, models)


def _exercise(client, models):
    api = importlib.import_module("ion_client.api.trials.api_v1_trials_list")
    detail = importlib.import_module("ion_client.api.trials.api_v1_trials_retrieve")

    # List and page: every page parses into the generated models, and pages do not overlap.
    first = api.sync(client=client, page_size=5)
    assert isinstance(first, models.PaginatedTrialList)
    assert first.count >= 10 and len(first.results) == 5
    seen = [t.nct_id for t in first.results]
    page = 2
    while len(seen) < first.count:
        more = api.sync(client=client, page_size=5, page=page)
        seen += [t.nct_id for t in more.results]
        page += 1
    assert len(seen) == len(set(seen)) == first.count

    # Filter: by an enum the schema lists (status group) and by a vocabulary value from the DB.
    recruiting = api.sync(client=client, status=[models.ApiV1TrialsListStatusItem("RECRUITING")])
    assert recruiting.results
    assert {t.overall_status.value for t in recruiting.results} == {"RECRUITING"}
    melanoma = api.sync(
        client=client, cancer_type=[models.ApiV1TrialsListCancerTypeItem("melanoma")]
    )
    assert 0 < melanoma.count < first.count

    # Fetch one trial; a bad filter value parses as the documented Error.
    trial = detail.sync(client=client, nct_id=seen[0])
    assert isinstance(trial, models.Trial) and trial.nct_id == seen[0]
    error = api.sync_detailed(client=client, page=999)
    assert error.status_code == 404 and isinstance(error.parsed, models.Error)

    # Download CSV through the client's authenticated HTTP session: one row per matching trial.
    response = client.get_httpx_client().get(
        "/api/v1/trials/", params={"format": "csv", "status": "RECRUITING"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = check_complete(response.text)[1:]  # the end-of-export trailer checked, then dropped
    assert len(rows) == recruiting.count

    # Other apps' endpoints and the collaboration matches (a plain list, as documented).
    platforms = importlib.import_module("ion_client.api.collaborations.api_v1_platforms_list")
    matches = importlib.import_module("ion_client.api.collaborations.api_v1_platforms_matches_list")
    events = importlib.import_module("ion_client.api.education.api_v1_events_list")
    listing = platforms.sync(client=client)
    found = matches.sync(client=client, slug=listing.results[0].slug)
    assert isinstance(found, list) and all(isinstance(m, models.Match) for m in found)
    assert events.sync(client=client).count > 0

    # FHIR search through the generated operation.
    fhir = importlib.import_module("ion_client.api.fhir.fhir_researchstudy_search")
    bundle = fhir.sync_detailed(client=client, identifier="EAY131")
    assert bundle.status_code == 200
    assert [e["resource"]["id"] for e in json.loads(bundle.content)["entry"]] == ["NCT02465060"]
