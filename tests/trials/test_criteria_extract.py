"""The criteria extractor, kind by kind, on sentences of the real records (trials/fixtures/ctgov), and
its measured precision/recall on the hand-annotated sets."""

from __future__ import annotations

import pytest

from trials.criteria.evaluate import (
    EVAL_DIR,
    Report,
    canonical,
    evaluate,
    key,
    load_gold,
    load_texts,
    table,
)
from trials.criteria.extract import extract, split_sentences


def found(text: str, section: str = "inclusion") -> set[tuple]:
    heading = "Inclusion Criteria:\n\n" if section == "inclusion" else "Exclusion Criteria:\n\n"
    return {(p.kind, p.operator, canonical(p.value)) for p in extract(heading + "- " + text)}


def has(text, kind, operator, value=None, section="inclusion"):
    got = found(text, section)
    assert (kind, operator, canonical(value or {})) in got, got


CASES = [
    # (record, sentence, section, kind, operator, value)
    (
        "NCT01642004",
        "Men and women ≥18 years of age",
        "inclusion",
        "age",
        "range",
        {"min": 18, "max": None},
    ),
    ("NCT00711542", "Age 18 - 80 years", "inclusion", "age", "range", {"min": 18, "max": 80}),
    ("NCT02053662", "< 18 years old.", "exclusion", "age", "range", {"min": 18, "max": None}),
    (
        "NCT03459976",
        "Age more than 70 yr and less than 40 yr.",
        "exclusion",
        "age",
        "range",
        {"min": 40, "max": 70},
    ),
    (
        "NCT05380245",
        "Male Pakistani volunteers in good health aged 18-35 years were enrolled",
        "inclusion",
        "sex",
        "eq",
        {"sex": "male"},
    ),
    ("NCT00023673", "Zubrod 0-1", "inclusion", "ecog", "range", {"min": 0, "max": 1}),
    (
        "NCT01029262",
        "Eastern Cooperative Oncology Group (ECOG) Performance Status (PS) ≤ 2",
        "inclusion",
        "ecog",
        "range",
        {"min": 0, "max": 2},
    ),
    (
        "NCT03424005",
        "ECOG Performance Status of 0, 1, or 2",
        "inclusion",
        "ecog",
        "range",
        {"min": 0, "max": 2},
    ),
    (
        "NCT02481830",
        "Histologically or cytologically confirmed small cell lung cancer (SCLC)",
        "inclusion",
        "cancer_type",
        "in",
        {"cancer_types": ["small-cell-lung-cancer"]},
    ),
    (
        "NCT05382364",
        "Histologically or cytologically confirmed HER2+ advanced breast cancer, "
        "gastric or GEC, and colorectal cancer",
        "inclusion",
        "cancer_type",
        "in",
        {"cancer_types": ["breast-cancer", "colorectal-cancer", "gastric-cancer"]},
    ),
    (
        "NCT02481830",
        "Must have recurrence or progression after platinum-based first-line "
        "chemotherapy or chemoradiation therapy",
        "inclusion",
        "setting",
        "in",
        {"settings": ["later_line"]},
    ),
    (
        "NCT02513394",
        "Patients must either be initiating or have already started adjuvant hormonal treatment.",
        "inclusion",
        "setting",
        "in",
        {"settings": ["adjuvant"]},
    ),
    (
        "NCT00739830",
        "Patients must have been treated with at least one line of chemotherapy, but not "
        "more than two lines of chemotherapy, and experienced progressive disease",
        "inclusion",
        "prior_lines",
        "range",
        {"min": 1, "max": 2},
    ),
    (
        "NCT00739830",
        "More than two lines of chemotherapy of any type",
        "exclusion",
        "prior_lines",
        "range",
        {"min": None, "max": 2},
    ),
    (
        "NCT01642004",
        "Prior therapy with anti-Programmed death-1 (PD-1), anti-Programmed cell death "
        "ligand 1 (PD-L1), anti-Programmed cell death ligand 2 (PD-L2), anti-CD137, or anti-Cytotoxic T "
        "lymphocyte-associated antigen 4 (CTLA-4) antibody",
        "exclusion",
        "prior_immunotherapy",
        "excluded",
        {"classes": ["anti-ctla-4", "anti-pd-1", "anti-pd-l1"]},
    ),
    (
        "NCT01207388",
        "Previous treatment with blinatumomab",
        "exclusion",
        "prior_immunotherapy",
        "excluded",
        {"classes": ["bispecific"]},
    ),
    (
        "NCT05380336",
        "Patients with metastatic melanoma, non-small cell lung cancer (NSCLC) and renal "
        "cell carcinoma treated with nivolumab monotherapy",
        "inclusion",
        "prior_immunotherapy",
        "required",
        {"classes": ["anti-pd-1"]},
    ),
    (
        "NCT02912559",
        "No prior medical therapy (chemotherapy, immunotherapy, biologic or targeted "
        "therapy) or radiation therapy for colon cancer",
        "inclusion",
        "prior_immunotherapy",
        "excluded",
        {"classes": []},
    ),
    ("NCT02206334", "Known brain metastases", "exclusion", "brain_metastases", "excluded", None),
    (
        "NCT02481830",
        "Untreated or symptomatic central nervous system (CNS) metastases",
        "exclusion",
        "brain_metastases",
        "allowed_if_treated",
        None,
    ),
    (
        "NCT04267848",
        "No active auto-immune disease that has required systemic treatment within the "
        "last 2 years",
        "inclusion",
        "autoimmune_disease",
        "excluded",
        None,
    ),
    (
        "NCT02912559",
        "No systemic daily treatment with either corticosteroids (> 10 mg daily "
        "prednisone equivalents) or other immunosuppressive medications within 7 days of "
        "registration",
        "inclusion",
        "steroids",
        "max",
        {"mg_prednisone_per_day": 10},
    ),
    (
        "NCT00184067",
        "Require systemic, ocular or inhaled corticosteroids.",
        "exclusion",
        "steroids",
        "max",
        {"mg_prednisone_per_day": 0},
    ),
    ("NCT01220531", "HIV infection", "exclusion", "hiv", "excluded", None),
    (
        "NCT04267848",
        "Human immunodeficiency virus (HIV)-infected patients on effective "
        "anti-retroviral therapy with undetectable viral load within 6 months are eligible for this "
        "trial",
        "inclusion",
        "hiv",
        "allowed_if_controlled",
        None,
    ),
    ("NCT00739830", "Known Hepatitis B or C infection", "exclusion", "hbv", "excluded", None),
    ("NCT00739830", "Known Hepatitis B or C infection", "exclusion", "hcv", "excluded", None),
    (
        "NCT05382364",
        "If there is a history of hepatitis C virus (HCV) infection, has undetectable "
        "HCV viral load at screening",
        "inclusion",
        "hcv",
        "allowed_if_controlled",
        None,
    ),
    (
        "NCT02513394",
        "Absolute neutrophil count ≥ 1,500/µL",
        "inclusion",
        "anc",
        "min",
        {"value": 1.5, "unit": "10^9/L"},
    ),
    (
        "NCT01029262",
        "Absolute neutrophil count (ANC) < 500/uL",
        "exclusion",
        "anc",
        "min",
        {"value": 0.5, "unit": "10^9/L"},
    ),
    (
        "NCT02679963",
        "Platelet count ≥ 100 x 109/L",
        "inclusion",
        "platelets",
        "min",
        {"value": 100, "unit": "10^9/L"},
    ),
    (
        "NCT00711542",
        "thrombocytopenia \\< 100.000/µl",
        "exclusion",
        "platelets",
        "min",
        {"value": 100, "unit": "10^9/L"},
    ),
    (
        "NCT04267848",
        "Hemoglobin \\>= 8 gm/dl",
        "inclusion",
        "haemoglobin",
        "min",
        {"value": 8, "unit": "g/dL"},
    ),
    (
        "NCT00711542",
        "Impaired kidney function (creatinin \\> 2,5 mg/dl) at the time of treatment",
        "exclusion",
        "creatinine",
        "max",
        {"value": 2.5, "unit": "mg/dL"},
    ),
    (
        "NCT02912559",
        "Creatinine =< 1.5 x upper limit of normal (ULN) or",
        "inclusion",
        "creatinine",
        "max",
        {"uln": 1.5},
    ),
    (
        "NCT00055614",
        "Creatinine clearance at least 60 mL/min",
        "inclusion",
        "creatinine_clearance",
        "min",
        {"value": 60, "unit": "mL/min"},
    ),
    ("NCT00055614", "Bilirubin normal", "inclusion", "bilirubin", "max", {"uln": 1}),
    (
        "NCT02912559",
        "Total bilirubin =< 1.5 x upper limit of normal (ULN) except in the case of "
        "Gilbert disease",
        "inclusion",
        "bilirubin",
        "max",
        {"uln": 1.5},
    ),
    (
        "NCT02679963",
        "AST (SGOT)/ALT (SGPT) ≤ 2.5 x institutional upper limit of normal unless liver "
        "metastases are present in which case it must be ≤ 5x ULN",
        "inclusion",
        "ast_alt",
        "max",
        {"uln": 2.5, "uln_with_liver_metastases": 5},
    ),
    (
        "NCT02206334",
        "If liver metastases present, aspartate aminotransferase (AST) and alanine "
        "aminotransferase (ALT) must be < 3 x upper limit of normal (ULN)",
        "inclusion",
        "ast_alt",
        "max",
        {"uln": None, "uln_with_liver_metastases": 3},
    ),
    (
        "NCT01642004",
        "Measurable disease by computed tomography (CT)/Magnetic resonance imaging (MRI) "
        "per Response Evaluation Criteria in Solid Tumors (RECIST) 1.1 criteria",
        "inclusion",
        "measurable_disease",
        "required",
        None,
    ),
    (
        "NCT02912559",
        "Presence of microsatellite instability (MSI-H) or deficient (d) DNA mismatch "
        "repair (dMMR)",
        "inclusion",
        "msi_h_dmmr",
        "required",
        None,
    ),
    (
        "NCT02912559",
        "Patients with MSI testing that did not show dMMR (loss of MMR protein) or MSI-H "
        "are not eligible to participate",
        "inclusion",
        "msi_h_dmmr",
        "required",
        None,
    ),
    (
        "NCT04267848",
        "Local testing of EGFR with no EGFR exon 19 deletion or EGFR L858 R mutation",
        "inclusion",
        "egfr",
        "excluded",
        None,
    ),
    (
        "NCT02679963",
        "Absence of EGFR-sensitising mutation or ALK translocation",
        "inclusion",
        "alk",
        "excluded",
        None,
    ),
    (
        "NCT03599518",
        "Has previously documented evidence of anaplastic lymphoma kinase (ALK) fusion, "
        "ROS proto-oncogene 1 (ROS1) fusion, BRAF V600E mutation",
        "exclusion",
        "ros1",
        "excluded",
        None,
    ),
    (
        "NCT03599518",
        "Has previously documented evidence of anaplastic lymphoma kinase (ALK) fusion, "
        "ROS proto-oncogene 1 (ROS1) fusion, BRAF V600E mutation",
        "exclusion",
        "braf_v600",
        "excluded",
        None,
    ),
    (
        "NCT02513394",
        "Patients must have histologically confirmed ER+ and/or PR+, HER2-, early "
        "invasive breast cancer.",
        "inclusion",
        "her2",
        "excluded",
        None,
    ),
    (
        "NCT05382364",
        "Histologically or cytologically confirmed HER2+ advanced breast cancer",
        "inclusion",
        "her2",
        "required",
        None,
    ),
    ("NCT00023673", "Not pregnant or nursing", "inclusion", "pregnancy", "excluded", None),
]


@pytest.mark.parametrize(("record", "text", "section", "kind", "operator", "value"), CASES)
def test_kind_on_a_real_sentence(record, text, section, kind, operator, value):
    has(text, kind, operator, value, section)


@pytest.mark.parametrize(
    "text",
    [
        "At least 5 years since prior chemotherapy",  # not an age
        "Karnofsky performance status ≥ 70",  # not ECOG
        "No concurrent immunotherapy",  # concurrent, not prior
        "Immune checkpoint inhibitor therapy within 30 days of first dose of study treatment",
        "No hypersensitivity (>= grade 3) to pembrolizumab and/or any of its excipients",
        "Moderate to high risk of skin cancer",
        "Demonstrates absence of EGFR T790M mutation in tumor tissue",
        "Male or female patient 18 to 75 years of age",  # no sex restriction
    ],
)
def test_sentences_that_propose_nothing_of_the_kind_they_mention(text):
    kinds = {k for k, _, _ in found(text)}
    assert not kinds & {"ecog", "prior_immunotherapy", "cancer_type", "egfr", "sex"}, kinds
    if text.startswith("At least 5 years"):
        assert "age" not in kinds


def test_sections_split_and_offsets_point_at_the_exact_sentence():
    text = (
        "For inclusion in the study subjects should fulfill the following criteria:\n\n"
        "  1. Patients must be > 18 years of age.\n\n"
        "Non-inclusion criteria:\n\n"
        "  1. Pregnant and/or breast-feeding women.\n"
        "  2. Patients who are known to be serologically positive for human immunodeficiency\n"
        "     virus (HIV); known hepatitis B\n"
    )
    sentences = split_sentences(text)
    assert [s.section for s in sentences] == ["inclusion", "exclusion", "exclusion", "exclusion"]
    for s in sentences:
        assert text[s.start : s.end].split() == s.text.split()
    proposals = extract(text)
    by_kind = {p.kind: p for p in proposals}
    assert by_kind["age"].section == "inclusion"
    assert by_kind["pregnancy"].section == "exclusion"
    hiv = by_kind["hiv"]
    assert text[hiv.start : hiv.end] == hiv.sentence
    assert "virus (HIV)" in hiv.sentence and "hepatitis" not in hiv.sentence  # split at ";"


def test_duplicates_are_proposed_once_at_their_first_sentence():
    text = "Exclusion Criteria:\n\n- Known HIV infection\n- HIV seropositive patients\n"
    hiv = [p for p in extract(text) if p.kind == "hiv"]
    assert len(hiv) == 1 and hiv[0].sentence == "Known HIV infection"


def test_empty_and_markdown_escaped_text():
    assert extract("") == []
    assert found("Age \\>= 18 years") >= {("age", "range", canonical({"min": 18, "max": None}))}


# --- Evaluation ---------------------------------------------------------------------------------------


def test_report_counts_precision_and_recall_per_kind():
    gold = {
        "NCT1": {
            key("inc", "ecog", "range", {"min": 0, "max": 1}),
            key("exc", "hiv", "excluded", {}),
        },
        "NCT2": {key("inc", "ecog", "range", {"min": 0, "max": 2})},
    }
    report = Report()
    report.add("NCT1", gold["NCT1"], {key("inc", "ecog", "range", {"min": 0, "max": 1.0})})
    report.add(
        "NCT2",
        gold["NCT2"],
        {
            key("inc", "ecog", "range", {"min": 0, "max": 1}),
            key("inc", "pregnancy", "excluded", {}),
        },
    )
    assert report.figures("ecog") == (1, 1, 1, 0.5, 0.5)
    assert report.figures("hiv") == (0, 0, 1, None, 0.0)
    assert report.figures("pregnancy") == (0, 1, 0, 0.0, None)
    assert report.figures() == (1, 2, 2, 1 / 3, 1 / 3)
    rendered = table(report)
    assert "| ecog | 2 | 2 | 1 | 0.50 | 0.50 |" in rendered
    assert "| **overall** | 3 | 3 | 1 | 0.33 | 0.33 |" in rendered


def test_values_compare_after_rounding_and_as_sets():
    assert canonical({"value": 1.5000001, "unit": "10^9/L"}) == canonical(
        {"unit": "10^9/L", "value": 1.5}
    )
    assert canonical({"classes": ["b", "a"]}) == canonical({"classes": ["a", "b"]})
    assert canonical({"uln": 2, "uln_with_liver_metastases": None}) == canonical({"uln": 2.0})
    assert canonical({"min": 18, "max": None}) != canonical({"min": 18})


def test_development_set_has_at_least_40_trials_and_precision_at_least_0_9():
    gold = load_gold()
    assert len(gold) >= 40
    report = evaluate(gold, load_texts())
    _tp, _fp, _fn, precision, recall = report.figures()
    assert precision >= 0.9, table(report)
    assert recall >= 0.9, table(report)


def test_held_out_set_figures_stay_at_their_measured_level():
    """Annotated before the extractor ran on these records: the honest estimate (docs/criteria.md)."""
    report = evaluate(load_gold(EVAL_DIR / "heldout.yaml"), load_texts())
    _tp, _fp, _fn, precision, recall = report.figures()
    assert precision >= 0.8, table(report)
    assert recall >= 0.75, table(report)


def test_second_held_out_set_covers_the_remaining_records_and_stays_at_its_level():
    """The 13 records no other set covers: 0.71 / 0.76 before the rules of extractor version 2, which
    were written on its misses (docs/criteria.md); this pins the level reached, not an unseen one."""
    gold = load_gold(EVAL_DIR / "heldout2.yaml")
    every = set(load_gold()) | set(load_gold(EVAL_DIR / "heldout.yaml")) | set(gold)
    assert every == set(load_texts()), "every shared record is annotated in exactly one set"
    assert not set(gold) & (set(load_gold()) | set(load_gold(EVAL_DIR / "heldout.yaml")))
    report = evaluate(gold, load_texts())
    _tp, _fp, _fn, precision, recall = report.figures()
    assert precision >= 0.88, table(report)
    assert recall >= 0.9, table(report)


@pytest.mark.parametrize(
    ("sentence", "section", "value"),
    [
        # months and days are years; ranges may mix units (real records of heldout2.yaml)
        ("Age 3 months to 17 years (13-17 years to be capped at 10%)", "inclusion", (0.25, 17)),
        ("Cohort 1: ≥ 12 years to < 18 years of age and weight ≥ 40 kg", "inclusion", (12, 18)),
        ("Cohorts 2-4: ≥ 28 days to < 18 years of age and weight ≥ 3 kg", "inclusion", (0.077, 18)),
        ("Healthy adults under age 60", "inclusion", (None, 60)),
        ("Younger than 18 years old,", "exclusion", (18, None)),
        ("Enrolled in Grades 9-12 (corresponding to 13-20 years of age)", "inclusion", (13, 20)),
    ],
)
def test_age_bounds_in_other_units_and_words(sentence, section, value):
    has(sentence, "age", "range", {"min": value[0], "max": value[1]}, section=section)


@pytest.mark.parametrize(
    "sentence",
    [
        "For adolescents under 18 years of age, able to provide informed assent to participate",
        "in children aged > 12 months with tuberculosis be guided by CD4 cell assays",
        "Cohort 5: gestational age > 37 weeks and weight at screening ≥ 2.5 kg",
    ],
)
def test_an_age_that_names_a_subgroup_or_a_gestation_is_not_an_age_criterion(sentence):
    assert not {f for f in found(sentence) if f[0] == "age"}


def test_a_heading_at_the_end_of_a_title_line_starts_its_section():
    text = (
        "Exclusion Criteria:\n\n  1. Pregnant\n\nEligibility criteria for the secondary "
        "randomisation to stop\nor continue prophylaxis Inclusion criteria\n\n  1. Aged at least 3 years\n"
    )
    ages = [p for p in extract(text) if p.kind == "age"]
    assert [(p.section, p.value) for p in ages] == [("inclusion", {"min": 3, "max": None})]


def test_hiv_positive_patients_eligible_if_controlled_is_not_an_exclusion():
    has(
        "Patients who are HIV-positive are eligible if: CD4+ count ≥ 250",
        "hiv",
        "allowed_if_controlled",
    )
    for sentence in (
        "Probable long-term survival with HIV if cancer were not present",
        "Parents, according to age and knowledge of HIV status, must be willing to consent",
    ):
        assert not {f for f in found(sentence) if f[0] == "hiv"}, sentence
    has(
        "Hepatitis B surface antigen, Hepatitis C by serology, HIV by serology: all negative",
        "hbv",
        "excluded",
    )
    has(
        "Select patients with well compensated, treated HBV infection may be considered",
        "hbv",
        "allowed_if_controlled",
    )


def test_contraception_and_donation_sentences_are_not_sex_restrictions():
    for sentence in (
        "Female participant must not donate ova starting at first dose",
        "Male participant must not donate sperm during the treatment period",
        "Male participants...",
    ):
        assert not {f for f in found(sentence) if f[0] == "sex"}, sentence


def test_annotated_texts_are_the_records_as_imported(db):
    from tests.trials.conftest import CTGOV_DIR
    from trials.models import Trial
    from trials.services import import_paths

    import_paths(paths=[CTGOV_DIR / "NCT01642004.xml", CTGOV_DIR / "NCT04267848.json"])
    texts = load_texts()
    for trial in Trial.objects.all():
        assert texts[trial.nct_id] == trial.eligibility_criteria


# No shared record states a PD-L1, TMB or KRAS G12C threshold: these are typical registry phrasings.
@pytest.mark.parametrize(
    ("text", "section", "kind", "operator", "value"),
    [
        (
            "PD-L1 tumor proportion score (TPS) ≥ 50%",
            "inclusion",
            "pd_l1_tps",
            "min",
            {"value": 50},
        ),
        (
            "PD-L1 expression with a combined positive score (CPS) ≥ 10",
            "inclusion",
            "pd_l1_cps",
            "min",
            {"value": 10},
        ),
        ("PD-L1 TPS < 1%", "exclusion", "pd_l1_tps", "min", {"value": 1}),
        ("Tumor mutational burden (TMB) ≥ 10 mut/Mb", "inclusion", "tmb", "min", {"value": 10}),
        ("Documented KRAS G12C mutation", "inclusion", "kras_g12c", "required", None),
        ("Known BRAF V600E mutation", "exclusion", "braf_v600", "excluded", None),
    ],
)
def test_threshold_biomarkers(text, section, kind, operator, value):
    has(text, kind, operator, value, section)


@pytest.mark.parametrize(
    ("text", "section", "value"),
    [
        ("ECOG performance status less than or equal to 1", "inclusion", {"min": 0, "max": 1}),
        ("ECOG performance status < 2", "inclusion", {"min": 0, "max": 1}),
        ("ECOG performance status no greater than 1", "inclusion", {"min": 0, "max": 1}),
        ("ECOG performance status ≥ 2", "exclusion", {"min": 0, "max": 1}),
        ("ECOG performance status > 2", "exclusion", {"min": 0, "max": 2}),
        ("ECOG performance status 3-4", "exclusion", {"min": 0, "max": 2}),
    ],
)
def test_ecog_bounds_on_the_integer_scale(text, section, value):
    has(text, "ecog", "range", value, section)
