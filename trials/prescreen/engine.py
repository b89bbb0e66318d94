"""The pre-screen engine: a patient's answers against a trial's confirmed structured criteria, each
criterion marked met / not met / unknown, with the reason and the question that would decide it.

Every rule lives here, documented once:

- **Only confirmed criteria count.** Proposed ones are listed as "not yet reviewed" and never change an
  outcome; rejected ones are ignored (queries.py loads them that way).
- **Operator and value say what the patient must satisfy, whatever the section** (the convention of
  docs/criteria.md: "ANC < 500/uL" under exclusion is `anc min 0.5 10^9/L`); the section only says
  where the sentence came from. "Met" always means: this criterion does not stand in the way.
- **Missing answers are unknown, never a guess**: an unanswered question, a lab the clinician did not
  enter, a unit the engine does not know, or a value it cannot read all give "unknown" with a question.
- **Cancer type** follows the `CancerType` hierarchy: a patient's type is covered by a criterion that
  names it or any broader type (NSCLC meets "lung cancer"); a patient type broader than the criterion's
  (lung cancer for an NSCLC trial) is unknown ("which type exactly?").
- **Limits are inclusive** (ECOG 0-1 admits 1; ANC ≥ 1.5 admits 1.5). Labs are compared in one unit per
  kind (`CANONICAL_UNITS`, `UNIT_FACTORS`). Creatinine and bilirubin: a limit in mg/dL or µmol/L is
  compared with the patient's value in mg/dL (the factors of trials/criteria/units.py, shared with the
  reference), a limit as a multiple of the upper limit of normal (ULN) with the patient's multiple of
  ULN, never one with the other (that needs the laboratory's ULN). AST/ALT as multiples of ULN, with the
  higher limit for liver metastases when the trial gives one.
- **Ranking** (`rank_key`): trials with no criterion "not met" first ("eligible so far"), then by fewer
  unknowns, more criteria met, then NCT ID; the others after them, by fewer criteria not met, fewer
  unknowns, then NCT ID. Trials with no confirmed criterion are not ranked (they are "not yet reviewed").

Speed: many trials share criteria (the same ECOG range, the same lab limit), so batch.py evaluates
each distinct criterion once per patient and then only counts per trial; `explain()` builds the texts for
the trials shown. The plain rules in `reference.py` must always agree with this module.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from ..criteria.units import to_mg_dl
from .texts import QUESTIONS, reason_text

MET, NOT_MET, UNKNOWN = 0, 1, 2
OUTCOMES = ("met", "not_met", "unknown")
SETTINGS = ("neoadjuvant", "adjuvant", "first_line_metastatic", "later_line")
VIRAL_STATES = ("negative", "controlled", "active")
BRAIN_STATES = ("none", "treated_stable", "active")
BIOMARKERS = ("msi_h_dmmr", "egfr", "alk", "ros1", "braf_v600", "kras_g12c", "her2")
THRESHOLDS = ("pd_l1_tps", "pd_l1_cps", "tmb")
CANONICAL_UNITS = {
    "anc": "10^9/L",
    "platelets": "10^9/L",
    "haemoglobin": "g/dL",
    "creatinine_clearance": "mL/min",
}
# Written unit (normalised by `_unit`) -> factor to the canonical unit of the kind.
_CELLS = {"10^9/l": 1.0, "g/l": 1.0, "10^3/ul": 1.0, "10^3/mm3": 1.0, "/ul": 0.001, "/mm3": 0.001}
_CELLS.update({"cells/ul": 0.001, "cells/mm3": 0.001, "10e9/l": 1.0, "": None})
UNIT_FACTORS: dict[str, dict[str, float | None]] = {
    "anc": _CELLS,
    "platelets": _CELLS,
    "haemoglobin": {"g/dl": 1.0, "g/l": 0.1, "mmol/l": 1 / 0.6206, "": None},
    "creatinine_clearance": {"ml/min": 1.0, "ml/min/1.73m2": 1.0, "ml/min/1.73m^2": 1.0},
}


@dataclass(slots=True)
class Patient:
    """The pre-screen's answers; None or "" is "not answered". Labs: ANC and platelets in 10^9/L,
    haemoglobin in g/dL, creatinine clearance in mL/min; creatinine, bilirubin, AST/ALT as multiples of ULN,
    and creatinine and bilirubin in mg/dL (`*_mg_dl`, converted by the form from mg/dL or µmol/L)."""

    cancer_type: str = ""
    setting: str = ""
    age: int | None = None
    sex: str = ""
    ecog: int | None = None
    prior_lines: int | None = None
    prior_immunotherapy: frozenset[str] | None = None  # empty: none received
    brain_metastases: str = ""
    autoimmune_disease: bool | None = None
    steroids: float | None = None  # mg prednisone (or equivalent) per day
    hiv: str = ""
    hbv: str = ""
    hcv: str = ""
    measurable_disease: bool | None = None
    pregnancy: bool | None = None  # pregnant or breastfeeding
    pd_l1_tps: float | None = None
    pd_l1_cps: float | None = None
    tmb: float | None = None
    msi_h_dmmr: bool | None = None
    egfr: bool | None = None
    alk: bool | None = None
    ros1: bool | None = None
    braf_v600: bool | None = None
    kras_g12c: bool | None = None
    her2: bool | None = None
    anc: float | None = None
    platelets: float | None = None
    haemoglobin: float | None = None
    creatinine_clearance: float | None = None
    creatinine: float | None = None
    bilirubin: float | None = None
    creatinine_mg_dl: float | None = None
    bilirubin_mg_dl: float | None = None
    ast_alt: float | None = None
    liver_metastases: bool | None = None


@dataclass(slots=True)
class Rule:
    """One criterion as the engine sees it (from EligibilityCriterion)."""

    pk: int
    section: str
    kind: str
    operator: str
    value: dict
    sentence: str = ""
    kind_label: str = ""  # for pages

    @property
    def key(self) -> str:
        """What the outcome depends on (not the sentence): equal keys always give equal outcomes."""
        return json.dumps([self.section, self.kind, self.operator, self.value], sort_keys=True)


@dataclass(slots=True)
class Verdict:
    rule: Rule
    outcome: int
    reason: str
    question: str = ""
    question_field: str = ""
    kind_label: str = ""  # for pages
    outcome_label: str = ""

    @property
    def outcome_code(self) -> str:
        return OUTCOMES[self.outcome]


@dataclass(slots=True)
class Result:
    """One trial's pre-screen: counts for the ranking, verdicts once explained."""

    trial_id: int
    nct_id: str
    met: int
    not_met: int
    unknown: int
    verdicts: list[Verdict] = field(default_factory=list)
    unreviewed: list[Rule] = field(default_factory=list)
    trial: object = None
    referral_form: object = None  # for pages

    @property
    def eligible_so_far(self) -> bool:
        return self.not_met == 0

    @property
    def questions(self) -> list[tuple[str, str]]:
        """(question, form field) pairs deciding the unknowns, each once, in criterion order."""
        seen: dict[str, str] = {}
        for verdict in self.verdicts:
            if verdict.outcome == UNKNOWN and verdict.question not in seen:
                seen[verdict.question] = verdict.question_field
        return list(seen.items())


def rank_key(result: Result) -> tuple:
    """The ranking rule (see the module docstring)."""
    if result.not_met == 0:
        return (0, result.unknown, -result.met, result.nct_id)
    return (1, result.not_met, result.unknown, result.nct_id)


# --- Reading values -------------------------------------------------------------------------------


def _number(x) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _unit(text) -> str:
    text = str(text or "").lower().replace(" ", "").replace("\u00d7", "x").replace("μ", "u")
    text = text.replace("µ", "u").replace("³", "3").replace("²", "2").replace("*", "")
    return text.removeprefix("x")


def canonical(kind: str, value: dict) -> float | None:
    """A lab limit {"value", "unit"} in the kind's canonical unit (None when it cannot be read)."""
    number = _number(value.get("value"))
    factor = UNIT_FACTORS.get(kind, {}).get(_unit(value.get("unit")))
    if number is None or factor is None:
        return None
    return number * factor


def cancer_chain(slug: str, parents: dict[str, str | None]) -> list[str]:
    """The type itself then its broader types, nearest first."""
    chain, node = [], slug
    while node and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


# --- The rules per kind: each returns MET, NOT_MET or UNKNOWN before the section is applied ---------


def _in_range(x, value) -> int:
    if x is None:
        return UNKNOWN
    low, high = value.get("min"), value.get("max")
    if (low is not None and _number(low) is None) or (high is not None and _number(high) is None):
        return UNKNOWN
    if low is not None and x < _number(low):
        return NOT_MET
    if high is not None and x > _number(high):
        return NOT_MET
    return MET


def _bound(x, limit, operator) -> int:
    if x is None or limit is None:
        return UNKNOWN
    if operator == "min":
        return MET if x >= limit else NOT_MET
    if operator == "max":
        return MET if x <= limit else NOT_MET
    return UNKNOWN


def _range_kind(attribute):
    def rule(operator, value, patient, parents):
        if operator != "range":
            return UNKNOWN
        return _in_range(getattr(patient, attribute), value)

    return rule


def _sex(operator, value, patient, parents):
    if operator != "eq" or value.get("sex") not in ("female", "male"):
        return UNKNOWN
    if not patient.sex:
        return UNKNOWN
    return MET if patient.sex == value["sex"] else NOT_MET


def _cancer_type(operator, value, patient, parents):
    wanted = value.get("cancer_types")
    if operator != "in" or not isinstance(wanted, list) or not wanted:
        return UNKNOWN
    if not patient.cancer_type:
        return UNKNOWN
    if set(cancer_chain(patient.cancer_type, parents)) & set(wanted):
        return MET
    if any(patient.cancer_type in cancer_chain(slug, parents)[1:] for slug in wanted):
        return UNKNOWN  # the patient's type is broader than the trial's: which type exactly?
    return NOT_MET


def _setting(operator, value, patient, parents):
    wanted = value.get("settings")
    if operator != "in" or not isinstance(wanted, list) or not wanted:
        return UNKNOWN
    if not patient.setting:
        return UNKNOWN
    return MET if patient.setting in wanted else NOT_MET


def _prior_immunotherapy(operator, value, patient, parents):
    if operator == "allowed":
        return MET
    received = patient.prior_immunotherapy
    if received is None or operator not in ("required", "excluded"):
        return UNKNOWN
    classes = value.get("classes") or []
    hit = bool(received & set(classes)) if classes else bool(received)
    if operator == "required":
        return MET if hit else NOT_MET
    return NOT_MET if hit else MET


def _brain_metastases(operator, value, patient, parents):
    if operator == "allowed":
        return MET
    state = patient.brain_metastases
    if state not in BRAIN_STATES or operator not in ("excluded", "allowed_if_treated"):
        return UNKNOWN
    if state == "none":
        return MET
    if state == "treated_stable" and operator == "allowed_if_treated":
        return MET
    return NOT_MET


def _flag_excluded(attribute):
    def rule(operator, value, patient, parents):
        if operator == "allowed":
            return MET
        present = getattr(patient, attribute)
        if attribute == "pregnancy" and patient.sex == "male":
            present = False
        if present is None or operator != "excluded":
            return UNKNOWN
        return NOT_MET if present else MET

    return rule


def _steroids(operator, value, patient, parents):
    if operator != "max":
        return UNKNOWN
    return _bound(patient.steroids, _number(value.get("mg_prednisone_per_day")), "max")


def _viral(attribute):
    def rule(operator, value, patient, parents):
        if operator == "allowed":
            return MET
        state = getattr(patient, attribute)
        if state not in VIRAL_STATES or operator not in ("excluded", "allowed_if_controlled"):
            return UNKNOWN
        if state == "negative":
            return MET
        if state == "controlled" and operator == "allowed_if_controlled":
            return MET
        return NOT_MET

    return rule


def _lab_min(attribute):
    def rule(operator, value, patient, parents):
        if operator != "min":
            return UNKNOWN
        return _bound(getattr(patient, attribute), canonical(attribute, value), "min")

    return rule


def _uln_or_mg_dl_max(attribute):
    def rule(operator, value, patient, parents):
        if operator != "max":
            return UNKNOWN
        if "uln" in value:
            return _bound(getattr(patient, attribute), _number(value.get("uln")), "max")
        limit = to_mg_dl(attribute, value.get("value"), value.get("unit"))
        return _bound(getattr(patient, f"{attribute}_mg_dl"), limit, "max")

    return rule


def _ast_alt(operator, value, patient, parents):
    if operator != "max":
        return UNKNOWN
    x, limit = patient.ast_alt, _number(value.get("uln"))
    liver_limit = _number(value.get("uln_with_liver_metastases"))
    if x is None or limit is None:
        return UNKNOWN
    if x <= limit:
        return MET
    if liver_limit is None:
        return NOT_MET
    if patient.liver_metastases is None:
        return UNKNOWN if x <= liver_limit else NOT_MET
    return MET if patient.liver_metastases and x <= liver_limit else NOT_MET


def _required_flag(attribute):
    def rule(operator, value, patient, parents):
        present = getattr(patient, attribute)
        if present is None or operator not in ("required", "excluded"):
            return UNKNOWN
        if operator == "required":
            return MET if present else NOT_MET
        return NOT_MET if present else MET

    return rule


def _threshold(attribute):
    def rule(operator, value, patient, parents):
        if operator not in ("min", "max"):
            return UNKNOWN
        return _bound(getattr(patient, attribute), _number(value.get("value")), operator)

    return rule


KIND_RULES = {
    "age": _range_kind("age"),
    "ecog": _range_kind("ecog"),
    "prior_lines": _range_kind("prior_lines"),
    "sex": _sex,
    "cancer_type": _cancer_type,
    "setting": _setting,
    "prior_immunotherapy": _prior_immunotherapy,
    "brain_metastases": _brain_metastases,
    "autoimmune_disease": _flag_excluded("autoimmune_disease"),
    "pregnancy": _flag_excluded("pregnancy"),
    "steroids": _steroids,
    "hiv": _viral("hiv"),
    "hbv": _viral("hbv"),
    "hcv": _viral("hcv"),
    "anc": _lab_min("anc"),
    "platelets": _lab_min("platelets"),
    "haemoglobin": _lab_min("haemoglobin"),
    "creatinine_clearance": _lab_min("creatinine_clearance"),
    "creatinine": _uln_or_mg_dl_max("creatinine"),
    "bilirubin": _uln_or_mg_dl_max("bilirubin"),
    "ast_alt": _ast_alt,
    "measurable_disease": _required_flag("measurable_disease"),
    **{kind: _required_flag(kind) for kind in BIOMARKERS},
    **{kind: _threshold(kind) for kind in THRESHOLDS},
}


def evaluate(rule: Rule, patient: Patient, parents: dict[str, str | None]) -> int:
    """MET, NOT_MET or UNKNOWN for one criterion (the section does not change it)."""
    check = KIND_RULES.get(rule.kind)
    value = rule.value if isinstance(rule.value, dict) else {}
    return check(rule.operator, value, patient, parents) if check else UNKNOWN


def question_for(rule: Rule, patient: Patient) -> tuple[str, str]:
    """The question (and the form field answering it) that would decide an unknown criterion."""
    kind = rule.kind
    if kind == "ast_alt" and patient.ast_alt is not None:
        kind = "liver_metastases"
    elif kind in ("creatinine", "bilirubin") and "uln" not in (rule.value or {}):
        return str(QUESTIONS[f"{kind}_mg_dl"]), f"{kind}_value"
    elif kind == "cancer_type" and patient.cancer_type:
        return str(QUESTIONS["cancer_subtype"]), "cancer_type"
    if kind not in QUESTIONS:
        return str(QUESTIONS["by_hand"]), ""
    return str(QUESTIONS[kind]), kind


def explain(rule: Rule, patient: Patient, parents) -> Verdict:
    """One criterion's verdict with its reason (and question when unknown)."""
    outcome = evaluate(rule, patient, parents)
    verdict = Verdict(rule=rule, outcome=outcome, reason=reason_text(rule, patient, outcome))
    if outcome == UNKNOWN:
        verdict.question, verdict.question_field = question_for(rule, patient)
    return verdict
