"""Clinical content as data: validated YAML files, the import command, and a demo loader that leaves
existing records alone."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from toxicity import datafiles
from toxicity.datafiles import GUIDELINES_DIR, ContentError, read_content
from toxicity.models import Recommendation, Toxicity

ROOT = Path(__file__).resolve().parents[2]


def test_content_py_is_gone_and_no_view_or_form_imports_demo_content():
    assert not (ROOT / "toxicity" / "content.py").exists()
    for name in ("views.py", "forms.py", "api.py", "serializers.py", "models.py"):
        text = (ROOT / "toxicity" / name).read_text()
        assert "toxicity.content" not in text and "toxicity import demo" not in text, name
        assert "datafiles" not in text and "toxicity.demo" not in text, name


def test_shipped_files_are_valid_one_per_guideline_with_full_key_names():
    content = read_content()
    files = sorted(GUIDELINES_DIR.glob("*.yaml"))
    assert len(files) == len(content.guidelines) == 19
    assert {path.stem for path in files} == {guideline["slug"] for guideline in content.guidelines}
    for guideline in content.guidelines:
        for rec in guideline["recommendations"]:
            assert not {"g", "src", "act", "tx", "st", "kmin", "wu", "set", "ev", "scen"} & set(rec)


def test_model_choices_and_schema_enums_agree():
    assert set(datafiles.ACTIONS) == set(Recommendation.Action.values)
    assert set(datafiles.SETTINGS) == set(Recommendation.Setting.values)
    assert set(datafiles.SCENARIOS) == set(Recommendation.Scenario.values)
    assert set(datafiles.VERIFICATIONS) == set(Recommendation.Verification.values)
    assert set(datafiles.ROUTES) == set(Recommendation.Route.values)


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "guidelines"
    shutil.copytree(GUIDELINES_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["recommendations"][2].update(action="stop"),
            "guidelines/colitis.yaml: recommendations[2].action: 'stop' is not one of",
        ),
        (
            lambda d: d["recommendations"][1].pop("steroid_taper"),
            "guidelines/colitis.yaml: recommendations[1]: 'steroid_taper' is a required property",
        ),
        (
            lambda d: d.update(therapy_families=["car_t"]),
            "guidelines/colitis.yaml: therapy_families[0]: 'car_t' is not one of",
        ),
        (
            lambda d: d["recommendations"][0].update(based_on=["esmo2017"]),
            "guidelines/colitis.yaml: recommendations[0]: source 'esmo2017' is not in sources.yaml",
        ),
        (
            lambda d: d["recommendations"][0].update(grades=[5]),
            "guidelines/colitis.yaml: recommendations[0].grades: grade 5 is not defined",
        ),
        (lambda d: d.update(tx="x"), "guidelines/colitis.yaml: (top level): Additional properties"),
    ],
)
def test_an_invalid_file_is_refused_naming_file_and_field(data_copy, change, message):
    _edit(data_copy / "colitis.yaml", change)
    with pytest.raises(ContentError) as raised:
        read_content(guidelines_dir=data_copy)
    assert str(raised.value).startswith(message), str(raised.value)


def test_broken_yaml_names_the_file_and_line(data_copy):
    (data_copy / "uveitis.yaml").write_text("slug: uveitis\nname: [unclosed\n")
    with pytest.raises(ContentError, match=r"guidelines/uveitis.yaml: not valid YAML at line \d"):
        read_content(guidelines_dir=data_copy)


def test_import_command_reports_an_invalid_file_and_writes_nothing(db, data_copy):
    _edit(data_copy / "colitis.yaml", lambda d: d.update(specialist="surgery"))
    with pytest.raises(CommandError, match=r"colitis\.yaml: specialist: 'surgery' is not one of"):
        call_command("import_guidelines", guidelines=str(data_copy))
    assert not Toxicity.objects.exists()


def test_import_command_check_only_validates(db, capsys):
    call_command("import_guidelines", check=True)
    assert "19 guideline files are valid" in capsys.readouterr().out
    assert not Toxicity.objects.exists()


def test_import_creates_drafts_awaiting_review(db):
    call_command("import_guidelines")
    assert Toxicity.objects.count() == 19
    assert not Toxicity.objects.published().exists()
    assert Toxicity.objects.filter(is_demo=True).count() == 19


def test_import_applies_a_curators_edit_and_keeps_the_review(guidelines, data_copy):
    colitis = Toxicity.objects.get(slug="colitis")
    Toxicity.objects.filter(pk=colitis.pk).update(reviewed_on=dt.date(2026, 3, 1))
    _edit(data_copy / "colitis.yaml", lambda d: d.update(summary="Edited by a curator."))
    call_command("import_guidelines", guidelines=str(data_copy))
    colitis.refresh_from_db()
    assert colitis.summary == "Edited by a curator."
    assert colitis.reviewed_on == dt.date(2026, 3, 1) and colitis.is_published


def test_demo_reload_keeps_review_dates_and_curator_edits(guidelines):
    from toxicity import demo

    colitis = Toxicity.objects.get(slug="colitis")
    Toxicity.objects.filter(pk=colitis.pk).update(
        reviewed_on=dt.date(2026, 2, 1), next_review_on=dt.date(2027, 2, 1), summary="Curated."
    )
    rec = colitis.recommendations.get(grade=1, source__key="local")
    Recommendation.objects.filter(pk=rec.pk).update(treatment="Curated treatment.")
    demo.load()
    colitis.refresh_from_db()
    rec.refresh_from_db()
    assert colitis.reviewed_on == dt.date(2026, 2, 1)
    assert colitis.summary == "Curated."
    assert rec.treatment == "Curated treatment."


def test_demo_load_recreates_a_deleted_guideline_only(guidelines):
    from toxicity import demo

    Toxicity.objects.filter(slug="uveitis").delete()
    counts = demo.load()
    assert counts["guidelines created"] == 1
    assert counts["guidelines kept as they were"] == 18
    assert Toxicity.objects.get(slug="uveitis").is_demo
