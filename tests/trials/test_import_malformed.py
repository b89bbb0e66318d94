"""Bad input (#12 §4): every malformed record is refused with a sentence naming the field, the good
records beside it are imported, nothing is half-written, and the command and the admin report it."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from trials.models import ArmGroup, Intervention, Trial, TrialLocation
from trials.services import import_paths

from .conftest import CTGOV_DIR

MALFORMED = CTGOV_DIR.parents[2] / "tests" / "trials" / "fixtures" / "malformed"
P = "protocolSection."

# file -> the sentence (or its start) the curator reads
CASES = {
    "nul_in_title.json": P + "identificationModule.briefTitle contains a NUL character",
    "nul_in_summary.json": P + "descriptionModule.briefSummary contains a NUL character",
    "nul_in_condition.json": P + "conditionsModule.conditions[0] contains a NUL character",
    "nul_in_results.json": "resultsSection.note contains a NUL character",
    "nul_in_key.json": "A field name under derivedSection contains a NUL character",
    "condition_number.json": P + "conditionsModule.conditions[0] must be text, but it is a number.",
    "other_names_number.json": P
    + "armsInterventionsModule.interventions[0].otherNames[0] must be text, but it is a number.",
    "keywords_string.json": P + "conditionsModule.keywords must be a list, but it is text.",
    "conditions_string.json": P + "conditionsModule.conditions must be a list, but it is text.",
    "title_number.json": P + "identificationModule.briefTitle must be text, but it is a number.",
    "title_list.json": P + "identificationModule.briefTitle must be text, but it is a list.",
    "null_title.json": P + "identificationModule.briefTitle must be text, but it is empty (null).",
    "title_too_long.json": P
    + "identificationModule.briefTitle is too long: 3,000 characters (at most 2,000).",
    "summary_too_long.json": P
    + "descriptionModule.briefSummary is too long: 100,001 characters (at most 100,000).",
    "enrollment_string.json": P
    + "designModule.enrollmentInfo.count must be a whole number, but it is text.",
    "enrollment_negative.json": P + "designModule.enrollmentInfo.count is out of range (-5).",
    "healthy_string.json": P
    + "eligibilityModule.healthyVolunteers must be true or false, but it is text.",
    "interventions_object.json": P
    + "armsInterventionsModule.interventions must be a list, but it is a group of fields.",
    "intervention_item_string.json": P
    + "armsInterventionsModule.interventions[0] must be a group of fields (JSON object), but it is text.",
    "phases_string.json": P + "designModule.phases must be a list, but it is text.",
    "unknown_phase.json": "Unknown phase value “PHASE9”.",
    "bad_date.json": "Unrecognised date “2020-13-45”. (statusModule.startDateStruct.date)",
    "date_struct_string.json": P
    + "statusModule.startDateStruct must be a group of fields (JSON object), but it is text.",
    "bad_age.json": "Unrecognised age “eighteen” (expected e.g. “18 Years”).",
    "geo_string.json": P
    + "contactsLocationsModule.locations[0].geoPoint.lat must be a number, but it is text.",
    "locations_string.json": P
    + "contactsLocationsModule.locations must be a list, but it is text.",
    "unknown_location_status.json": "Unknown location status value “OPENISH”.",
    "unknown_arm_type.json": "Unknown arm group type value “SORT_OF”.",
    "arm_without_label.json": "Arm group at armsInterventionsModule.armGroups[0]: label:",
    "intervention_without_name.json": "Intervention at armsInterventionsModule.interventions[0]: name:",
    "protocol_list.json": "protocolSection must be a group of fields (JSON object), but it is a list.",
    "identification_missing.json": P + "identificationModule is missing.",
    "top_level_list.json": "Not a ClinicalTrials.gov study record",
    "overall_status_number.json": P
    + "statusModule.overallStatus must be text, but it is a number.",
    "secondary_id_number.json": P
    + "identificationModule.secondaryIdInfos[0].id must be text, but it is a number.",
    "sponsor_name_list.json": P
    + "sponsorCollaboratorsModule.leadSponsor.name must be text, but it is a list.",
    "too_many_conditions.json": P
    + "conditionsModule.conditions has too many entries: 501 (at most 500).",
    "nested_40_levels.json": "The record is nested too deeply at resultsSection.level.level",
    "nested_100000_levels.json": "The JSON is nested too deeply to be a study record.",
    "empty.json": "The file is empty.",
    "not_utf8.json": "The file is not UTF-8 text.",
    "truncated_page.json": "Malformed JSON: Expecting value",
    "xml_doctype_after_5000_chars.xml": "XML with a DOCTYPE, ENTITY or external reference is not accepted.",
    "xml_billion_laughs.xml": "XML with a DOCTYPE, ENTITY or external reference is not accepted.",
    "xml_external_entity.xml": "XML with a DOCTYPE, ENTITY or external reference is not accepted.",
    "xml_bad_enrollment.xml": "Enrolment “many” is not a whole number (<enrollment>).",
    "xml_unclosed.xml": "Malformed XML: no element found",
}
MODELS = (Trial, Intervention, ArmGroup, TrialLocation)


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_corpus_has_at_least_30_files_and_each_has_a_case():
    files = {p.name for p in MALFORMED.iterdir() if p.suffix in (".json", ".xml")}
    assert len(files) >= 30
    assert files == set(CASES)


@pytest.fixture
def existing(db):
    """One real trial already stored, so 'unchanged row counts' is not trivially zero."""
    import_paths(paths=[CTGOV_DIR / "NCT00184067.json"])  # a small record: the corpus runs fast
    return _counts()


@pytest.mark.parametrize(("name", "message"), sorted(CASES.items()))
def test_a_malformed_file_is_refused_with_a_sentence_naming_the_field(existing, name, message):
    report = import_paths(paths=[MALFORMED / name])

    assert [r.outcome for r in report.results] == ["failed"], [str(r) for r in report.results]
    assert message in report.results[0].message
    assert "object has no attribute" not in report.results[0].message
    assert "Traceback" not in report.results[0].message
    assert _counts() == existing


@pytest.mark.django_db
def test_a_bad_record_never_half_writes_or_changes_the_stored_trial(tmp_path):
    import_paths(paths=[CTGOV_DIR / "NCT04267848.json"])
    before = _counts()
    title = Trial.objects.get(nct_id="NCT04267848").brief_title
    record = json.loads((CTGOV_DIR / "NCT04267848.json").read_text())
    record["protocolSection"]["identificationModule"]["briefTitle"] = "Changed"
    # Fails only when the arm is written, after the trial and its interventions: must roll back.
    record["protocolSection"]["armsInterventionsModule"]["armGroups"][0]["label"] = ""
    (tmp_path / "bad.json").write_text(json.dumps(record))

    report = import_paths(paths=[tmp_path / "bad.json"])

    assert [r.outcome for r in report.results] == ["failed"]
    assert _counts() == before
    assert Trial.objects.get(nct_id="NCT04267848").brief_title == title


@pytest.mark.django_db
def test_a_50_mb_summary_is_refused_quickly_and_names_the_field(tmp_path):
    record = json.loads((MALFORMED / "summary_too_long.json").read_text())
    record["protocolSection"]["descriptionModule"]["briefSummary"] = "z" * 50_000_000
    (tmp_path / "huge.json").write_text(json.dumps(record))

    report = import_paths(paths=[tmp_path / "huge.json"])

    assert "descriptionModule.briefSummary is too long: 50,000,000 characters" in (
        report.results[0].message
    )
    assert Trial.objects.count() == 0


def _good_bad_good(tmp_path, bad_name):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(CTGOV_DIR / "NCT04267848.json", folder / "a_good.json")
    shutil.copy(MALFORMED / bad_name, folder / "b_bad.json")
    shutil.copy(CTGOV_DIR / "NCT01642004.xml", folder / "c_good.xml")
    return folder


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad", ["condition_number.json", "nested_100000_levels.json", "not_utf8.json"]
)
def test_in_a_folder_of_good_bad_good_every_good_record_is_imported(tmp_path, bad):
    report = import_paths(paths=[_good_bad_good(tmp_path, bad)])

    assert [r.outcome for r in report.results] == ["created", "failed", "created"]
    assert set(Trial.objects.values_list("nct_id", flat=True)) == {"NCT04267848", "NCT01642004"}


@pytest.mark.django_db
def test_in_a_search_page_of_good_bad_good_every_good_record_is_imported(tmp_path):
    good = json.loads((CTGOV_DIR / "NCT04267848.json").read_text())
    bad = json.loads((MALFORMED / "other_names_number.json").read_text())
    other = json.loads((CTGOV_DIR / "NCT03064438.json").read_text())
    (tmp_path / "page.json").write_text(json.dumps({"studies": [good, bad, other]}))

    report = import_paths(paths=[tmp_path / "page.json"])

    assert [r.outcome for r in report.results] == ["created", "failed", "created"]
    assert "interventions[0].otherNames[0] must be text" in report.results[1].message
    assert Trial.objects.count() == 2


@pytest.mark.django_db
def test_the_command_prints_every_record_and_exits_non_zero(tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command("import_ctgov", str(_good_bad_good(tmp_path, "keywords_string.json")))

    out = capsys.readouterr().out
    assert "keywords must be a list, but it is text." in out
    assert "2 created, 0 updated, 0 unchanged, 1 failed" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["nested_100000_levels.json", "nul_in_title.json", "xml_billion_laughs.xml"]
)
def test_the_admin_upload_shows_the_same_report_and_never_fails(admin_client, name):
    content = (MALFORMED / name).read_bytes()
    response = admin_client.post(
        "/admin/trials/trial/import/",
        {"file": SimpleUploadedFile(name, content), "publish": ""},
    )

    assert response.status_code == 200
    expected = CASES[name]
    assert expected in response.content.decode()
    assert Trial.objects.count() == 0
