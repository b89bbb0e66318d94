"""Creatinine and bilirubin limits in mg/dL or µmol/L against values entered in either unit: one set of
factors (trials/criteria/units.py) for the extractor, the engine and the reference; multiples of the
upper limit of normal are never compared with concentrations."""

from __future__ import annotations

import pytest

from trials.criteria.units import MICROMOL_PER_MG_DL, to_mg_dl
from trials.prescreen import reference
from trials.prescreen.engine import OUTCOMES, Patient, Rule, evaluate, explain
from trials.prescreen.forms import PrescreenForm

PARENTS = {"melanoma": None}


def patient_from_form(**answers) -> Patient:
    form = PrescreenForm({"cancer_type": "melanoma", **answers}, cancer_choices=[("melanoma", "M")])
    assert form.is_valid(), form.errors
    return form.patient()


def both(rule: Rule, patient: Patient) -> str:
    """The engine's outcome, checked against the reference's."""
    engine = OUTCOMES[evaluate(rule, patient, PARENTS)]
    assert reference.outcome(rule, patient, PARENTS) == engine
    return engine


def limit(kind, value, unit="mg/dL") -> Rule:
    return Rule(1, "inclusion", kind, "max", {"value": value, "unit": unit})


def test_the_factors_are_the_si_conversion_factors():
    assert MICROMOL_PER_MG_DL == {"creatinine": 88.4, "bilirubin": 17.1}
    assert to_mg_dl("creatinine", 132.6, "µmol/L") == 1.5
    assert to_mg_dl("bilirubin", 25.65, "umol/l") == 1.5
    assert to_mg_dl("creatinine", 1.2, "mg/dL") == 1.2
    assert to_mg_dl("creatinine", 1.2, "g/L") is None  # not a unit the pre-screen converts
    assert to_mg_dl("anc", 1.5, "mg/dL") is None


@pytest.mark.parametrize(
    ("micromol", "expected"),
    [(100, "met"), (120, "met"), (132.6, "met"), (140, "not_met"), (200, "not_met")],
)
def test_creatinine_limit_in_mg_dl_and_a_value_in_micromol(micromol, expected):
    # ≤ 1.5 mg/dL is ≤ 132.6 µmol/L (1.5 x 88.4): 120 µmol/L (1.36 mg/dL) is within it.
    patient = patient_from_form(creatinine_value=str(micromol), creatinine_unit="umol/L")
    assert both(limit("creatinine", 1.5), patient) == expected


@pytest.mark.parametrize(
    ("micromol", "expected"),
    [(17, "met"), (25.65, "met"), (30, "not_met"), (120, "not_met")],
)
def test_bilirubin_limit_in_mg_dl_and_a_value_in_micromol(micromol, expected):
    # ≤ 1.5 mg/dL is ≤ 25.65 µmol/L (1.5 x 17.1).
    patient = patient_from_form(bilirubin_value=str(micromol), bilirubin_unit="umol/L")
    assert both(limit("bilirubin", 1.5), patient) == expected


def test_a_limit_in_micromol_and_a_value_in_mg_dl():
    rule = limit("creatinine", 133, "µmol/L")
    assert both(rule, patient_from_form(creatinine_value="1.4", creatinine_unit="mg/dL")) == "met"
    assert both(rule, patient_from_form(creatinine_value="1.6", creatinine_unit="mg/dL")) == (
        "not_met"
    )
    rule = limit("bilirubin", 34, "µmol/L")  # 2 x 17.1 = 34.2: 2 mg/dL is over 34 µmol/L
    assert both(rule, patient_from_form(bilirubin_value="1.9", bilirubin_unit="mg/dL")) == "met"
    assert both(rule, patient_from_form(bilirubin_value="2", bilirubin_unit="mg/dL")) == "not_met"


def test_multiples_of_uln_and_concentrations_are_never_compared():
    uln = Rule(1, "inclusion", "creatinine", "max", {"uln": 1.5})
    concentration = patient_from_form(creatinine_value="100", creatinine_unit="umol/L")
    assert both(uln, concentration) == "unknown"  # needs the laboratory's ULN
    multiple = patient_from_form(creatinine="1.2")
    assert both(uln, multiple) == "met"
    assert both(limit("creatinine", 1.5), multiple) == "unknown"


def test_the_unknown_asks_for_the_value_and_the_reason_shows_mg_dl():
    verdict = explain(limit("creatinine", 1.5), Patient(), PARENTS)
    assert verdict.question_field == "creatinine_value"
    assert "µmol/L" in verdict.question
    patient = patient_from_form(creatinine_value="120", creatinine_unit="umol/L")
    verdict = explain(limit("creatinine", 1.5), patient, PARENTS)
    assert "1.36 mg/dL" in verdict.reason and "1.5 mg/dL" in verdict.reason


def test_a_value_needs_its_unit():
    form = PrescreenForm(
        {"cancer_type": "melanoma", "creatinine_value": "120"}, cancer_choices=[("melanoma", "M")]
    )
    assert not form.is_valid()
    assert "creatinine_unit" in form.errors


def test_the_referral_summary_gives_the_value_with_its_unit():
    form = PrescreenForm(
        {"cancer_type": "melanoma", "bilirubin_value": "20", "bilirubin_unit": "umol/L"},
        cancer_choices=[("melanoma", "M")],
    )
    assert form.is_valid()
    lines = form.summary_lines()
    assert any(line.endswith(": 20 µmol/L") for line in lines)
    assert not any("mg/dL" in line and "creatinine" in line.lower() for line in lines)
