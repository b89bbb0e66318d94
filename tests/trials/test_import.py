"""Import from ClinicalTrials.gov files: every real record, field fidelity, idempotence, curation, bad input."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from ion_portal.models import CancerType, Unit
from trials.models import Drug, Trial, TrialSite
from trials.services import import_paths, parse_age_days

from .conftest import ALL_RECORDS, BAD_DIR, CTGOV_DIR

JSON_RECORDS = [p for p in ALL_RECORDS if p.suffix == ".json"]
XML_RECORDS = [p for p in ALL_RECORDS if p.suffix == ".xml"]

XML_STATUS = {
    "Recruiting": "RECRUITING",
    "Completed": "COMPLETED",
    "Active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "Not yet recruiting": "NOT_YET_RECRUITING",
    "Available": "AVAILABLE",
    "Withheld": "WITHHELD",
    "Withdrawn": "WITHDRAWN",
    "Unknown status": "UNKNOWN",
    "Terminated": "TERMINATED",
}
XML_PHASE = {"Phase 1/Phase 2": ["PHASE1", "PHASE2"], "N/A": ["NA"]}


def test_the_shared_data_set_has_73_records():
    assert len(ALL_RECORDS) == 73


@pytest.mark.django_db
@pytest.mark.parametrize("path", ALL_RECORDS, ids=lambda p: p.name)
def test_every_real_record_imports(path):
    report = import_paths(paths=[path])

    assert [r.outcome for r in report.results] == ["created"], [str(r) for r in report.results]
    assert Trial.objects.filter(nct_id=report.results[0].nct_id).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", JSON_RECORDS, ids=lambda p: p.name)
def test_json_fields_equal_the_source(path):
    source = json.loads(path.read_text())["protocolSection"]
    import_paths(paths=[path])
    trial = Trial.objects.get(nct_id=source["identificationModule"]["nctId"])
    ident, status = source["identificationModule"], source["statusModule"]
    design = source.get("designModule", {})
    elig = source.get("eligibilityModule", {})

    assert trial.brief_title == ident["briefTitle"]
    assert trial.official_title == ident.get("officialTitle", "")
    assert trial.overall_status == status["overallStatus"]
    assert trial.phase_list == design.get("phases", [])
    assert trial.conditions == source.get("conditionsModule", {}).get("conditions", [])
    registered = source.get("armsInterventionsModule", {}).get("interventions", [])
    assert [(i.name, i.type) for i in trial.interventions.all()] == [
        (i["name"], i["type"]) for i in registered
    ]
    assert [i.other_names for i in trial.interventions.all()] == [
        i.get("otherNames", []) for i in registered
    ]
    assert trial.sex == elig.get("sex", "")
    assert trial.minimum_age == elig.get("minimumAge", "")
    assert trial.maximum_age == elig.get("maximumAge", "")
    assert trial.enrollment_count == design.get("enrollmentInfo", {}).get("count")
    start = status.get("startDateStruct", {}).get("date")
    assert (trial.start_date.isoformat()[: len(start)] if start else None) == start
    last = status.get("lastUpdatePostDateStruct", {}).get("date")
    assert (trial.last_update_posted.isoformat() if last else None) == last
    assert trial.raw_record == json.loads(path.read_text())


@pytest.mark.django_db
@pytest.mark.parametrize("path", XML_RECORDS, ids=lambda p: p.name)
def test_legacy_xml_fields_equal_the_source(path):
    root = ET.parse(path).getroot()  # noqa: S314
    import_paths(paths=[path])
    trial = Trial.objects.get(nct_id=root.findtext("id_info/nct_id"))

    assert trial.brief_title == root.findtext("brief_title").strip()
    assert trial.overall_status == XML_STATUS[root.findtext("overall_status")]
    phase = root.findtext("phase")
    if phase:
        assert trial.phase_list == XML_PHASE.get(phase, [phase.upper().replace(" ", "")])
    assert trial.conditions == [c.text.strip() for c in root.findall("condition")]
    assert [(i.name, i.type) for i in trial.interventions.all()] == [
        (n.findtext("intervention_name"), n.findtext("intervention_type").upper().replace(" ", "_"))
        for n in root.findall("intervention")
    ]
    gender = root.findtext("eligibility/gender")
    assert trial.sex == (gender.upper() if gender else "")
    minimum = root.findtext("eligibility/minimum_age")
    assert trial.minimum_age == ("" if minimum in (None, "N/A") else minimum)
    enrollment = root.findtext("enrollment")
    assert trial.enrollment_count == (int(enrollment) if enrollment else None)
    assert trial.raw_record["legacyXml"].strip() == path.read_bytes().decode("utf-8-sig").strip()


@pytest.mark.django_db
def test_nct02513394_json_and_xml_give_the_same_trial():
    import_paths(paths=[CTGOV_DIR / "NCT02513394.xml"])
    from_xml = Trial.objects.get(nct_id="NCT02513394")
    xml_values = (
        from_xml.brief_title,
        from_xml.official_title,
        from_xml.acronym,
        from_xml.overall_status,
        from_xml.phase_list,
        from_xml.conditions,
        [(i.name, i.type) for i in from_xml.interventions.all()],
        from_xml.sex,
        from_xml.minimum_age_days,
        from_xml.maximum_age_days,
        from_xml.enrollment_count,
        from_xml.start_date,
    )
    Trial.objects.all().delete()
    import_paths(paths=[CTGOV_DIR / "NCT02513394.json"])
    from_json = Trial.objects.get(nct_id="NCT02513394")

    assert xml_values == (
        from_json.brief_title,
        from_json.official_title,
        from_json.acronym,
        from_json.overall_status,
        from_json.phase_list,
        from_json.conditions,
        [(i.name, i.type) for i in from_json.interventions.all()],
        from_json.sex,
        from_json.minimum_age_days,
        from_json.maximum_age_days,
        from_json.enrollment_count,
        from_json.start_date,
    )
    assert from_json.start_date == date(2015, 8, 1)


@pytest.mark.django_db
def test_both_formats_of_one_trial_make_one_row_and_the_newer_record_wins():
    report = import_paths(paths=[CTGOV_DIR / "NCT02513394.json", CTGOV_DIR / "NCT02513394.xml"])

    assert [r.outcome for r in report.results] == ["created", "unchanged"]
    assert "older" in report.results[1].message
    trial = Trial.objects.get(nct_id="NCT02513394")
    assert trial.last_update_posted == date(2023, 6, 15)
    assert Trial.objects.count() == 1


@pytest.mark.django_db
def test_reimport_creates_and_changes_nothing():
    import_paths(paths=[CTGOV_DIR])
    before = {t.nct_id: (t.updated_at, t.last_synced_at) for t in Trial.objects.all()}
    history_before = Trial.history.count()

    report = import_paths(paths=[CTGOV_DIR])

    assert {r.outcome for r in report.results} == {"unchanged"}
    assert {t.nct_id: (t.updated_at, t.last_synced_at) for t in Trial.objects.all()} == before
    assert Trial.history.count() == history_before


@pytest.mark.django_db
def test_curated_fields_survive_a_reimport_that_refreshes_upstream_fields(tmp_path):
    import_paths(paths=[CTGOV_DIR / "NCT04267848.json"])
    trial = Trial.objects.get(nct_id="NCT04267848")
    unit = Unit.objects.create(name="Oncology", slug="onc", kind="clinical", institution="UH")
    TrialSite.objects.create(trial=trial, unit=unit, local_status="SUSPENDED")
    extra = CancerType.objects.get(name="Mesothelioma")
    trial.cancer_types.add(extra)
    trial.immunotherapy_classes = "|anti-pd-l1|"
    trial.classes_overridden = True  # what the admin form sets when a curator changes the classes
    trial.line_of_therapy = "adjuvant"
    trial.status = Trial.Status.PUBLISHED
    trial.save()

    record = json.loads((CTGOV_DIR / "NCT04267848.json").read_text())
    record["protocolSection"]["identificationModule"]["briefTitle"] = "A refreshed title"
    record["protocolSection"]["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING"
    (tmp_path / "renamed-file.json").write_text(json.dumps(record))
    report = import_paths(paths=[tmp_path])

    assert [r.outcome for r in report.results] == ["updated"]
    trial.refresh_from_db()
    assert trial.brief_title == "A refreshed title"
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.immunotherapy_classes == "|anti-pd-l1|"
    assert trial.line_of_therapy == "adjuvant"
    assert trial.status == Trial.Status.PUBLISHED
    assert trial.sites.get().local_status == "SUSPENDED"
    assert extra in trial.cancer_types.all()


@pytest.mark.django_db
def test_imported_trials_are_drafts_unless_published_on_import():
    import_paths(paths=[CTGOV_DIR / "NCT04267848.json"])
    call_command("import_ctgov", str(CTGOV_DIR / "NCT01642004.xml"), "--publish", stdout=None)

    assert Trial.objects.get(nct_id="NCT04267848").status == Trial.Status.DRAFT
    assert Trial.objects.published().filter(nct_id="NCT01642004").exists()


@pytest.mark.django_db
def test_brand_and_code_names_link_interventions_to_the_drug(tmp_path):
    record = json.loads((CTGOV_DIR / "NCT04267848.json").read_text())
    interventions = record["protocolSection"]["armsInterventionsModule"]["interventions"]
    interventions[:] = [
        {"type": "DRUG", "name": "Keytruda"},
        {"type": "BIOLOGICAL", "name": "MK-3475 200 mg IV"},
        {"type": "DRUG", "name": "Investigational compound XYZ-12"},
    ]
    (tmp_path / "a.json").write_text(json.dumps(record))
    import_paths(paths=[tmp_path])
    trial = Trial.objects.get(nct_id="NCT04267848")
    pembrolizumab = Drug.objects.get(name="pembrolizumab")

    assert [i.drug for i in trial.interventions.all()] == [pembrolizumab, pembrolizumab, None]
    # What cannot be recognised stays as text.
    assert trial.interventions.all()[2].name == "Investigational compound XYZ-12"
    assert trial.immunotherapy_class_list == ["anti-pd-1"]


@pytest.mark.django_db
def test_conditions_link_cancer_types_with_their_broader_type_and_keep_the_text():
    import_paths(paths=[CTGOV_DIR / "NCT01642004.xml"])
    trial = Trial.objects.get(nct_id="NCT01642004")

    names = set(trial.cancer_types.values_list("name", flat=True))
    assert {"Non-small cell lung cancer", "Lung cancer"} <= names
    assert "Small cell lung cancer" not in names  # "non-small cell" must not read as "small cell"
    assert trial.conditions  # the registered text is kept


@pytest.mark.parametrize(
    ("text", "days"),
    [("18 Years", 18 * 365), ("6 Months", 180), ("2 Weeks", 14), ("", None), ("N/A", None)],
)
def test_ages_are_stored_in_days_and_missing_means_no_limit(text, days):
    assert parse_age_days(text) == days


BAD_CASES = [
    ("truncated.json", "Malformed JSON"),
    ("unrelated.json", "Not a ClinicalTrials.gov study record"),
    ("unrelated.xml", "not <clinical_study>"),
    ("no_nct.json", "no NCT ID"),
    ("invalid_nct.json", "Invalid NCT ID “NCT123”"),
    ("unknown_status.json", "Unknown overall status value “SORT_OF_RECRUITING”"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "reason"), BAD_CASES)
def test_bad_input_gets_a_clear_error_and_writes_nothing(name, reason):
    report = import_paths(paths=[BAD_DIR / name])

    assert [r.outcome for r in report.results] == ["failed"]
    assert reason in report.results[0].message
    assert Trial.objects.count() == 0


@pytest.mark.django_db
def test_one_bad_record_in_a_search_page_does_not_stop_the_others(tmp_path):
    good = json.loads((CTGOV_DIR / "NCT04267848.json").read_text())
    bad = json.loads((BAD_DIR / "unknown_status.json").read_text())
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT09999999"
    other = json.loads((CTGOV_DIR / "NCT03064438.json").read_text())
    (tmp_path / "page.json").write_text(json.dumps({"studies": [good, bad, other]}))

    report = import_paths(paths=[tmp_path / "page.json"])

    assert [r.outcome for r in report.results] == ["created", "failed", "created"]
    assert not Trial.objects.filter(nct_id="NCT09999999").exists()
    assert Trial.objects.count() == 2


@pytest.mark.django_db
def test_the_command_reports_per_record_and_exits_non_zero_on_failure(tmp_path, capsys):
    shutil.copy(CTGOV_DIR / "NCT04267848.json", tmp_path / "good.json")
    shutil.copy(BAD_DIR / "invalid_nct.json", tmp_path / "bad.json")

    with pytest.raises(CommandError):
        call_command("import_ctgov", str(tmp_path))

    out = capsys.readouterr().out
    assert "FAILED" in out and "bad.json" in out and "Invalid NCT ID" in out
    assert "CREATED  NCT04267848" in out
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in out
    assert Trial.objects.filter(nct_id="NCT04267848").exists()


@pytest.mark.django_db
def test_the_command_exits_zero_when_every_record_imported(capsys):
    call_command("import_ctgov", str(CTGOV_DIR / "NCT04267848.json"))

    assert "1 created" in capsys.readouterr().out


@pytest.mark.django_db
def test_lung_non_small_cell_carcinoma_is_recognised_as_nsclc():
    report = import_paths(paths=[CTGOV_DIR / "NCT04267848.json"])
    assert not report.failed
    names = set(Trial.objects.get(nct_id="NCT04267848").cancer_types.values_list("name", flat=True))
    assert {"Non-small cell lung cancer", "Lung cancer"} <= names
    assert "Small cell lung cancer" not in names


def test_an_import_batch_invalidates_the_cached_counts_once(db, monkeypatch):
    # Every trial, site and intervention save used to drop the cached facets and counts: during an
    # import the list lost its cache on every record. Now the batch drops it once, at its end.
    from django.core.cache import cache

    from trials.filters import FACET_VERSION_KEY

    writes = []
    real_set = cache.set

    def counting_set(key, *args, **kwargs):
        if key == FACET_VERSION_KEY:
            writes.append(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", counting_set)
    report = import_paths(paths=[CTGOV_DIR / "NCT00184067.json", CTGOV_DIR / "NCT00711542.json"])
    assert report.count("created") == 2
    assert len(writes) == 1
