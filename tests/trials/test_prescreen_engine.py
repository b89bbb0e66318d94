"""The pre-screen engine (pure Python): hand-checked verdicts, the exclusion section, unknowns and their
questions, the ranking, and agreement with the plain reference rules on many random profiles."""

from __future__ import annotations

import json
import random

import pytest

from trials.prescreen import reference
from trials.prescreen.batch import compile_rows, compile_trials, prescreen
from trials.prescreen.engine import (
    BIOMARKERS,
    NOT_MET,
    OUTCOMES,
    UNKNOWN,
    Patient,
    Rule,
    evaluate,
    explain,
)

PARENTS = {
    "lung-cancer": None,
    "non-small-cell-lung-cancer": "lung-cancer",
    "small-cell-lung-cancer": "lung-cancer",
    "skin-cancer": None,
    "melanoma": "skin-cancer",
    "uveal-melanoma": "melanoma",
    "merkel-cell-carcinoma": "skin-cancer",
    "renal-cell-carcinoma": None,
}


def rule(kind, operator, value=None, section="inclusion", pk=1):
    return Rule(pk=pk, section=section, kind=kind, operator=operator, value=value or {})


def outcome(r, **answers):
    return OUTCOMES[evaluate(r, Patient(**answers), PARENTS)]


def test_ecog_range_is_inclusive_and_ecog_3_is_not_met():
    r = rule("ecog", "range", {"min": 0, "max": 1})
    assert outcome(r, ecog=0) == outcome(r, ecog=1) == "met"
    assert outcome(r, ecog=3) == "not_met"
    assert outcome(r) == "unknown"


def test_the_value_says_what_the_patient_must_satisfy_whatever_the_section():
    # docs/criteria.md: "Exclusion: ECOG performance status of 2 or more" is range 0-1, "ANC < 500/uL"
    # under exclusion is anc min 0.5.
    for section in ("inclusion", "exclusion"):
        r = rule("ecog", "range", {"min": 0, "max": 1}, section=section)
        assert outcome(r, ecog=3) == "not_met" and outcome(r, ecog=1) == "met"
        anc = rule("anc", "min", {"value": 0.5, "unit": "10^9/L"}, section=section)
        assert outcome(anc, anc=0.4) == "not_met" and outcome(anc, anc=0.6) == "met"


def test_prior_anti_pd_1_where_it_is_excluded():
    r = rule("prior_immunotherapy", "excluded", {"classes": ["anti-pd-1"]}, section="exclusion")
    assert outcome(r, prior_immunotherapy=frozenset({"anti-pd-1"})) == "not_met"
    assert outcome(r, prior_immunotherapy=frozenset({"anti-ctla-4"})) == "met"
    assert outcome(r, prior_immunotherapy=frozenset()) == "met"
    assert outcome(r) == "unknown"
    any_io = rule("prior_immunotherapy", "excluded", {"classes": []})
    assert outcome(any_io, prior_immunotherapy=frozenset({"car-t"})) == "not_met"
    required = rule("prior_immunotherapy", "required", {"classes": ["anti-pd-1", "anti-pd-l1"]})
    assert outcome(required, prior_immunotherapy=frozenset({"anti-pd-l1"})) == "met"
    assert outcome(required, prior_immunotherapy=frozenset()) == "not_met"


def test_cancer_type_follows_the_hierarchy():
    r = rule("cancer_type", "in", {"cancer_types": ["lung-cancer"]})
    assert outcome(r, cancer_type="non-small-cell-lung-cancer") == "met"
    narrow = rule("cancer_type", "in", {"cancer_types": ["non-small-cell-lung-cancer"]})
    assert outcome(narrow, cancer_type="lung-cancer") == "unknown"  # which type exactly?
    assert outcome(narrow, cancer_type="melanoma") == "not_met"
    verdict = explain(narrow, Patient(cancer_type="lung-cancer"), PARENTS)
    assert verdict.question_field == "cancer_type" and "narrower" in verdict.question


def test_brain_metastases_and_viral_status():
    treated = rule("brain_metastases", "allowed_if_treated")
    assert outcome(treated, brain_metastases="treated_stable") == "met"
    assert outcome(treated, brain_metastases="active") == "not_met"
    assert outcome(rule("brain_metastases", "excluded"), brain_metastases="treated_stable") == (
        "not_met"
    )
    controlled = rule("hbv", "allowed_if_controlled")
    assert outcome(controlled, hbv="controlled") == "met"
    assert outcome(controlled, hbv="active") == "not_met"
    assert outcome(rule("hiv", "excluded"), hiv="controlled") == "not_met"
    assert outcome(rule("hiv", "allowed"), hiv="active") == "met"


def test_labs_in_other_units_and_uln_multiples():
    anc = rule("anc", "min", {"value": 1500, "unit": "/mm³"})
    assert outcome(anc, anc=1.5) == "met"
    assert outcome(anc, anc=1.4) == "not_met"
    assert (
        outcome(rule("haemoglobin", "min", {"value": 90, "unit": "g/L"}), haemoglobin=9.5) == "met"
    )
    assert outcome(rule("anc", "min", {"value": 1.5, "unit": "furlongs"}), anc=3) == "unknown"
    ast = rule("ast_alt", "max", {"uln": 2.5, "uln_with_liver_metastases": 5})
    assert outcome(ast, ast_alt=2.0) == "met"
    assert outcome(ast, ast_alt=4.0, liver_metastases=True) == "met"
    assert outcome(ast, ast_alt=4.0, liver_metastases=False) == "not_met"
    verdict = explain(ast, Patient(ast_alt=4.0), PARENTS)
    assert verdict.outcome == UNKNOWN and verdict.question_field == "liver_metastases"
    assert outcome(rule("bilirubin", "max", {"value": 1.5, "unit": "mg/dL"}), bilirubin=1) == (
        "unknown"
    )


def test_biomarkers_thresholds_steroids_and_pregnancy():
    assert outcome(rule("pd_l1_tps", "min", {"value": 50}), pd_l1_tps=80) == "met"
    assert outcome(rule("pd_l1_tps", "min", {"value": 50}), pd_l1_tps=10) == "not_met"
    for kind in BIOMARKERS:
        assert outcome(rule(kind, "required"), **{kind: True}) == "met"
        assert outcome(rule(kind, "excluded"), **{kind: True}) == "not_met"
        assert outcome(rule(kind, "required")) == "unknown"
    steroids = rule("steroids", "max", {"mg_prednisone_per_day": 10})
    assert outcome(steroids, steroids=10) == "met" and outcome(steroids, steroids=20) == "not_met"
    pregnancy = rule("pregnancy", "excluded")
    assert outcome(pregnancy, sex="male") == "met"
    assert outcome(pregnancy, sex="female") == "unknown"
    assert outcome(pregnancy, sex="female", pregnancy=True) == "not_met"


def test_unreadable_criteria_are_unknown_not_guessed():
    assert outcome(rule("ecog", "range", {"min": "two"}), ecog=1) == "unknown"
    assert outcome(rule("ecog", "eq", {"x": 1}), ecog=1) == "unknown"
    assert outcome(rule("no-such-kind", "required"), ecog=1) == "unknown"
    verdict = explain(rule("no-such-kind", "required"), Patient(), PARENTS)
    assert "by hand" in verdict.question


def test_reasons_name_the_criterion_and_the_answer():
    verdict = explain(rule("ecog", "range", {"min": 0, "max": 1}), Patient(ecog=3), PARENTS)
    assert verdict.outcome == NOT_MET
    assert "0\u20131" in verdict.reason and "3" in verdict.reason
    verdict = explain(rule("ecog", "range", {"min": 0, "max": 1}), Patient(), PARENTS)
    assert verdict.question == "What is the patient's ECOG performance status?"


def test_ranking_eligible_so_far_first_then_fewer_unknowns():
    ecog = rule("ecog", "range", {"min": 0, "max": 1})
    pdl1 = rule("pd_l1_tps", "min", {"value": 50})
    age = rule("age", "range", {"min": 18, "max": None})
    compiled = compile_trials(
        {
            1: ("NCT00000001", [ecog, pdl1]),  # eligible so far, one unknown
            2: ("NCT00000002", [ecog, age]),  # eligible so far, no unknown
            3: ("NCT00000003", [rule("ecog", "range", {"min": 0, "max": 0})]),  # not met
            4: ("NCT00000004", []),  # nothing confirmed: not ranked
        }
    )
    results = prescreen(compiled, Patient(ecog=1, age=60), PARENTS)
    assert [r.nct_id for r in results] == ["NCT00000002", "NCT00000001", "NCT00000003"]
    assert [(r.met, r.not_met, r.unknown) for r in results] == [(2, 0, 0), (1, 0, 1), (0, 1, 0)]
    assert len(compiled.rules) == 4  # the shared ECOG criterion is compiled once


# --- The engine against the plain reference ---------------------------------------------------------

KINDS_OPERATORS = {
    "age": ["range"],
    "ecog": ["range"],
    "prior_lines": ["range"],
    "sex": ["eq"],
    "cancer_type": ["in"],
    "setting": ["in"],
    "prior_immunotherapy": ["required", "allowed", "excluded"],
    "brain_metastases": ["excluded", "allowed_if_treated", "allowed"],
    "autoimmune_disease": ["excluded"],
    "pregnancy": ["excluded"],
    "steroids": ["max"],
    "hiv": ["excluded", "allowed_if_controlled"],
    "hbv": ["excluded", "allowed_if_controlled"],
    "hcv": ["excluded", "allowed_if_controlled", "allowed"],
    "anc": ["min"],
    "platelets": ["min"],
    "haemoglobin": ["min"],
    "creatinine_clearance": ["min"],
    "creatinine": ["max"],
    "bilirubin": ["max"],
    "ast_alt": ["max"],
    "measurable_disease": ["required"],
    "pd_l1_tps": ["min"],
    "pd_l1_cps": ["min"],
    "tmb": ["min"],
    **{kind: ["required", "excluded"] for kind in BIOMARKERS},
}
CLASSES = ["anti-pd-1", "anti-pd-l1", "anti-ctla-4", "car-t", "vaccine"]
UNITS = ["10^9/L", "/mm3", "/µL", "g/dL", "g/L", "mmol/L", "mL/min", "", "bogus"]


def _random_value(rng, kind):
    if kind in ("age", "ecog", "prior_lines"):
        top = {"age": 90, "ecog": 4, "prior_lines": 5}[kind]
        low = rng.choice([None, rng.randint(0, top)])
        high = rng.choice([None, rng.randint(0, top), "x"])
        return {"min": low, "max": high}
    if kind == "sex":
        return {"sex": rng.choice(["female", "male", "other"])}
    if kind == "cancer_type":
        return {"cancer_types": rng.sample(sorted(PARENTS), rng.randint(0, 2))}
    if kind == "setting":
        settings = ["neoadjuvant", "adjuvant", "first_line_metastatic", "later_line"]
        return {"settings": rng.sample(settings, rng.randint(0, 3))}
    if kind == "prior_immunotherapy":
        return {"classes": rng.sample(CLASSES, rng.randint(0, 2))}
    if kind == "steroids":
        return {"mg_prednisone_per_day": rng.choice([5, 10, 20])}
    if kind in ("anc", "platelets", "haemoglobin", "creatinine_clearance"):
        return {"value": rng.choice([1, 1.5, 9, 60, 100, 1500]), "unit": rng.choice(UNITS)}
    if kind in ("creatinine", "bilirubin"):
        return rng.choice(
            [
                {"uln": rng.choice([1, 1.5, 3])},
                {"value": 1.5, "unit": "mg/dL"},
                {"value": rng.choice([26, 133]), "unit": rng.choice(["µmol/L", "umol/l", "g/L"])},
            ]
        )
    if kind == "ast_alt":
        return {"uln": 2.5, "uln_with_liver_metastases": rng.choice([None, 5])}
    if kind in ("pd_l1_tps", "pd_l1_cps", "tmb"):
        return {"value": rng.choice([1, 10, 50])}
    return {}


def _maybe(rng, value):
    return value if rng.random() < 0.7 else None


def _random_patient(rng) -> Patient:
    states = ["negative", "controlled", "active", ""]
    return Patient(
        cancer_type=rng.choice([*PARENTS, ""]),
        setting=rng.choice(["neoadjuvant", "adjuvant", "first_line_metastatic", "later_line", ""]),
        age=_maybe(rng, rng.randint(18, 90)),
        sex=rng.choice(["female", "male", ""]),
        ecog=_maybe(rng, rng.randint(0, 4)),
        prior_lines=_maybe(rng, rng.randint(0, 5)),
        prior_immunotherapy=_maybe(rng, frozenset(rng.sample(CLASSES, rng.randint(0, 2)))),
        brain_metastases=rng.choice(["none", "treated_stable", "active", ""]),
        autoimmune_disease=_maybe(rng, rng.random() < 0.3),
        steroids=_maybe(rng, rng.choice([0, 5, 10, 20])),
        hiv=rng.choice(states),
        hbv=rng.choice(states),
        hcv=rng.choice(states),
        measurable_disease=_maybe(rng, rng.random() < 0.8),
        pregnancy=_maybe(rng, rng.random() < 0.1),
        pd_l1_tps=_maybe(rng, rng.choice([0, 5, 50, 90])),
        pd_l1_cps=_maybe(rng, rng.choice([0, 1, 10, 20])),
        tmb=_maybe(rng, rng.choice([2, 10, 20])),
        **{kind: _maybe(rng, rng.random() < 0.3) for kind in BIOMARKERS},
        anc=_maybe(rng, rng.choice([0.8, 1.5, 3.0])),
        platelets=_maybe(rng, rng.choice([50, 100, 250])),
        haemoglobin=_maybe(rng, rng.choice([8, 9, 12])),
        creatinine_clearance=_maybe(rng, rng.choice([30, 60, 90])),
        creatinine=_maybe(rng, rng.choice([0.8, 1.5, 2])),
        bilirubin=_maybe(rng, rng.choice([0.5, 1.5, 3])),
        creatinine_mg_dl=_maybe(rng, rng.choice([0.9, 1.5, 1.6])),
        bilirubin_mg_dl=_maybe(rng, rng.choice([0.3, 1.5, 2.0])),
        ast_alt=_maybe(rng, rng.choice([1, 2.5, 4, 6])),
        liver_metastases=_maybe(rng, rng.random() < 0.4),
    )


@pytest.mark.parametrize("seed", range(6))
def test_engine_agrees_with_the_reference_on_random_profiles(seed):
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    kinds = sorted(KINDS_OPERATORS)
    trials = {}
    pk = 0
    for t in range(120):
        rules = []
        for _i in range(rng.randint(0, 12)):
            kind = rng.choice(kinds)
            operator = rng.choice(
                [*KINDS_OPERATORS[kind], "range"] if rng.random() < 0.05 else KINDS_OPERATORS[kind]
            )
            pk += 1
            section = rng.choice(["inclusion", "exclusion"])
            rules.append(Rule(pk, section, kind, operator, _random_value(rng, kind)))
        trials[t + 1] = (f"NCT{t + 1:08d}", rules)
    compiled = compile_trials(trials)
    # As queries.py compiles them: database rows with the value as JSON text.
    from_rows = compile_rows(
        (t, nct, r.section, r.kind, r.operator, json.dumps(r.value))
        for t, (nct, rules) in trials.items()
        for r in rules
    )
    checked = 0
    seen = set()
    for _p in range(60):
        patient = _random_patient(rng)
        engine = prescreen(compiled, patient, PARENTS)
        plain = reference.prescreen(
            [(t, nct, rules) for t, (nct, rules) in trials.items()], patient, PARENTS
        )
        assert [r.trial_id for r in engine] == [t for t, _o in plain]
        assert [(r.trial_id, r.met, r.not_met) for r in engine] == [
            (r.trial_id, r.met, r.not_met) for r in prescreen(from_rows, patient, PARENTS)
        ]
        for result, (t, outcomes) in zip(engine, plain, strict=True):
            verdicts = [OUTCOMES[explain(r, patient, PARENTS).outcome] for r in trials[t][1]]
            assert verdicts == outcomes, (t, patient)
            assert (result.met, result.not_met, result.unknown) == (
                outcomes.count("met"),
                outcomes.count("not_met"),
                outcomes.count("unknown"),
            )
            checked += len(outcomes)
            seen.update(outcomes)
    assert checked > 10_000
    assert seen == {"met", "not_met", "unknown"}


def test_random_profiles_reach_every_outcome_of_every_kind():
    """The property test above is only worth something if it exercises every rule's branches."""
    rng = random.Random(99)  # noqa: S311
    seen = set()
    for _i in range(4000):
        kind = rng.choice(sorted(KINDS_OPERATORS))
        operator = rng.choice(KINDS_OPERATORS[kind])
        r = Rule(1, "inclusion", kind, operator, _random_value(rng, kind))
        seen.add((kind, reference.outcome(r, _random_patient(rng), PARENTS)))
    for kind in KINDS_OPERATORS:
        for result in ("met", "not_met", "unknown"):
            assert (kind, result) in seen, (kind, result)
