"""Arms and what is tested (#13 §3) and the registry's scope on publish (#13 §2)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from ion_portal.models import Unit
from trials.models import ArmGroup, Trial
from trials.services import OUT_OF_SCOPE, import_paths

from .conftest import CTGOV_DIR

pytestmark = pytest.mark.django_db


def _published_trial(nct_id):
    Trial.objects.filter(nct_id=nct_id).update(
        status=Trial.Status.PUBLISHED, published_at="2020-01-01T00:00:00Z"
    )
    return Trial.objects.prefetch_related("interventions__arm_groups", "interventions__drug").get(
        nct_id=nct_id
    )


def test_arm_groups_are_imported_with_type_and_their_interventions():
    record = json.loads((CTGOV_DIR / "NCT04267848.json").read_text())
    registered = record["protocolSection"]["armsInterventionsModule"]["armGroups"]
    import_paths(paths=[CTGOV_DIR / "NCT04267848.json"])
    trial = Trial.objects.get(nct_id="NCT04267848")

    arms = list(trial.arm_groups.all())
    assert [(a.label, a.type) for a in arms] == [(a["label"], a["type"]) for a in registered]
    for arm, source in zip(arms, registered, strict=True):
        assert arm.intervention_names == source.get("interventionNames", [])
        assert {i.name for i in arm.interventions.all()} == {
            n.split(":", 1)[1].strip() for n in source.get("interventionNames", [])
        }


def test_legacy_xml_arms_link_their_interventions():
    import_paths(paths=[CTGOV_DIR / "NCT00056407.xml"])
    trial = Trial.objects.get(nct_id="NCT00056407")
    arms = {a.label: a for a in trial.arm_groups.all()}

    assert arms["Placebo Arm"].type == "PLACEBO_COMPARATOR"
    assert arms["dustasteride arm"].type == "EXPERIMENTAL"
    assert [i.name for i in arms["dustasteride arm"].interventions.all()] == ["Dutasteride"]


def test_what_is_tested_is_the_experimental_arms_drugs_with_comparators_and_placebo_labelled(
    tmp_path,
):
    record = json.loads((CTGOV_DIR / "NCT00184067.json").read_text())
    record["protocolSection"]["armsInterventionsModule"] = {
        "armGroups": [
            {"label": "A", "type": "EXPERIMENTAL", "interventionNames": ["Drug: Pembrolizumab"]},
            {"label": "B", "type": "ACTIVE_COMPARATOR", "interventionNames": ["Drug: Docetaxel"]},
            {"label": "C", "type": "PLACEBO_COMPARATOR", "interventionNames": ["Drug: Placebo"]},
        ],
        "interventions": [
            {
                "type": "PROCEDURE",
                "name": "Biospecimen Collection",
                "armGroupLabels": ["A", "B", "C"],
            },
            {"type": "DRUG", "name": "Placebo", "armGroupLabels": ["C"]},
            {"type": "DRUG", "name": "Docetaxel", "armGroupLabels": ["B"]},
            {"type": "DRUG", "name": "Pembrolizumab", "armGroupLabels": ["A"]},
            {"type": "DRUG", "name": "Carboplatin", "armGroupLabels": ["A", "B"]},
            {"type": "PROCEDURE", "name": "Computed Tomography", "armGroupLabels": ["A"]},
        ],
    }
    (tmp_path / "r.json").write_text(json.dumps(record))
    import_paths(paths=[tmp_path / "r.json"])
    trial = _published_trial("NCT00184067")

    assert [(i.name, role) for i, role in trial.drugs_under_test] == [
        ("Pembrolizumab", "tested"),
        ("Carboplatin", "background"),
        ("Docetaxel", "comparator"),
        ("Placebo", "placebo"),
    ]
    assert trial.tested_drug_names == ["Pembrolizumab"]


def test_the_trial_page_says_what_is_tested(client, tmp_path):
    test_what_is_tested_is_the_experimental_arms_drugs_with_comparators_and_placebo_labelled(
        tmp_path
    )
    page = client.get("/trials/NCT00184067/").content.decode()
    tested = page.split("What is tested", 1)[1].split("</dd>", 1)[0]

    assert "Pembrolizumab (Anti-PD-1)" in tested
    assert "Docetaxel (comparator)" in tested and "Placebo (placebo)" in tested
    assert "Carboplatin (in the comparison arm too)" in tested
    assert "Biospecimen" not in tested and "Computed Tomography" not in tested


def test_publish_publishes_only_trials_in_scope_and_keeps_the_reason(capsys):
    call_command(
        "import_ctgov",
        str(CTGOV_DIR / "NCT04267848.json"),  # pembrolizumab: in scope
        str(CTGOV_DIR / "NCT04280705.json"),  # COVID-19: out of scope
        str(CTGOV_DIR / "NCT03182660.xml"),  # a withheld placeholder: out of scope
        "--publish",
    )

    assert Trial.objects.get(nct_id="NCT04267848").is_published
    for nct_id in ("NCT04280705", "NCT03182660"):
        trial = Trial.objects.get(nct_id=nct_id)
        assert trial.status == Trial.Status.DRAFT
        assert trial.scope_reason == OUT_OF_SCOPE


def test_an_adc_alone_is_not_in_scope_but_a_network_site_is(tmp_path):
    record = json.loads((CTGOV_DIR / "NCT00184067.json").read_text())
    record["protocolSection"]["armsInterventionsModule"] = {
        "interventions": [
            {"type": "DRUG", "name": "Trastuzumab emtansine", "otherNames": ["Kadcyla"]}
        ]
    }
    (tmp_path / "adc.json").write_text(json.dumps(record))
    import_paths(paths=[tmp_path / "adc.json"], publish=True)
    adc = Trial.objects.get(nct_id="NCT00184067")
    assert adc.immunotherapy_class_list == ["adc"]
    assert adc.status == Trial.Status.DRAFT and adc.scope_reason == OUT_OF_SCOPE

    Unit.objects.create(
        name="Oncology",
        slug="uza",
        kind="clinical",
        institution="UZA",
        aliases="Universitair Ziekenhuis Antwerpen",
    )
    import_paths(paths=[CTGOV_DIR / "NCT01029262.xml"], publish=True)
    at_site = Trial.objects.get(nct_id="NCT01029262")
    assert at_site.immunotherapy_class_list == []  # lenalidomide and placebo
    assert at_site.scope_reason == ""
    assert at_site.is_published


def test_admin_shows_the_scope_reason(admin_client):
    import_paths(paths=[CTGOV_DIR / "NCT04280705.json"], publish=True)
    page = admin_client.get("/admin/trials/trial/?scope=out").content.decode()
    assert "NCT04280705" in page and OUT_OF_SCOPE in page
    assert ArmGroup.objects.exists()
