"""The pre-screen's words: what a criterion asks, what the patient answered, and the questions that
decide unknown criteria (translated; the engine's rules are in engine.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DASH = "\u2013"
TIMES = "\u00d7"

QUESTIONS = {
    "age": gettext_lazy("How old is the patient?"),
    "sex": gettext_lazy("What is the patient's sex?"),
    "ecog": gettext_lazy("What is the patient's ECOG performance status?"),
    "cancer_type": gettext_lazy("What type of cancer does the patient have?"),
    "cancer_subtype": gettext_lazy(
        "Which type of cancer exactly (the trial names a narrower one)?"
    ),
    "setting": gettext_lazy("In which setting would the trial treatment be given?"),
    "prior_lines": gettext_lazy("How many prior lines of systemic therapy has the patient had?"),
    "prior_immunotherapy": gettext_lazy("Which immunotherapies has the patient received before?"),
    "brain_metastases": gettext_lazy(
        "Does the patient have brain metastases, and are they treated?"
    ),
    "autoimmune_disease": gettext_lazy("Does the patient have an active autoimmune disease?"),
    "steroids": gettext_lazy(
        "What daily dose of systemic steroids (mg prednisone) does the patient take?"
    ),
    "hiv": gettext_lazy("What is the patient's HIV status?"),
    "hbv": gettext_lazy("What is the patient's hepatitis B status?"),
    "hcv": gettext_lazy("What is the patient's hepatitis C status?"),
    "measurable_disease": gettext_lazy("Does the patient have measurable disease (RECIST 1.1)?"),
    "pregnancy": gettext_lazy("Is the patient pregnant or breastfeeding?"),
    "pd_l1_tps": gettext_lazy("What is the tumour's PD-L1 TPS (%)?"),
    "pd_l1_cps": gettext_lazy("What is the tumour's PD-L1 CPS?"),
    "tmb": gettext_lazy("What is the tumour mutational burden (mutations/Mb)?"),
    "msi_h_dmmr": gettext_lazy("Is the tumour MSI-high or mismatch-repair deficient?"),
    "egfr": gettext_lazy("Does the tumour carry an EGFR mutation?"),
    "alk": gettext_lazy("Does the tumour carry an ALK rearrangement?"),
    "ros1": gettext_lazy("Does the tumour carry a ROS1 rearrangement?"),
    "braf_v600": gettext_lazy("Does the tumour carry a BRAF V600 mutation?"),
    "kras_g12c": gettext_lazy("Does the tumour carry a KRAS G12C mutation?"),
    "her2": gettext_lazy("Is the tumour HER2-positive?"),
    "anc": gettext_lazy("What is the absolute neutrophil count (10^9/L)?"),
    "platelets": gettext_lazy("What is the platelet count (10^9/L)?"),
    "haemoglobin": gettext_lazy("What is the haemoglobin (g/dL)?"),
    "creatinine_clearance": gettext_lazy("What is the creatinine clearance (mL/min)?"),
    "creatinine": gettext_lazy(
        "What is the serum creatinine, as a multiple of the upper limit of normal?"
    ),
    "bilirubin": gettext_lazy("What is the bilirubin, as a multiple of the upper limit of normal?"),
    "ast_alt": gettext_lazy("What are AST and ALT, as a multiple of the upper limit of normal?"),
    "liver_metastases": gettext_lazy("Does the patient have liver metastases?"),
    "creatinine_mg_dl": gettext_lazy("What is the serum creatinine (mg/dL or µmol/L)?"),
    "bilirubin_mg_dl": gettext_lazy("What is the bilirubin (mg/dL or µmol/L)?"),
    "by_hand": gettext_lazy("Check this criterion against the sentence by hand."),
}

SETTING_LABELS = {
    "neoadjuvant": gettext_lazy("neoadjuvant"),
    "adjuvant": gettext_lazy("adjuvant"),
    "first_line_metastatic": gettext_lazy("first-line metastatic"),
    "later_line": gettext_lazy("later line"),
}
STATE_LABELS = {
    "none": gettext_lazy("none"),
    "treated_stable": gettext_lazy("treated and stable"),
    "active": gettext_lazy("active"),
    "negative": gettext_lazy("negative"),
    "controlled": gettext_lazy("controlled"),
    "female": gettext_lazy("female"),
    "male": gettext_lazy("male"),
}
OPERATOR_WORDS = {
    "required": gettext_lazy("required"),
    "allowed": gettext_lazy("allowed"),
    "excluded": gettext_lazy("excluded"),
    "allowed_if_treated": gettext_lazy("allowed if treated and stable"),
    "allowed_if_controlled": gettext_lazy("allowed if controlled"),
}
# Cancer-type names by slug, for the texts only (filled by queries.cancer_parents()).
CANCER_NAMES: dict[str, str] = {}
UNITS = {
    "pd_l1_tps": "%",
    "steroids": "mg/day",
    "age": "",
    "tmb": "mut/Mb",
    "anc": "10^9/L",
    "platelets": "10^9/L",
    "haemoglobin": "g/dL",
    "creatinine_clearance": "mL/min",
}


def _n(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return str(x)


def condition_text(rule) -> str:
    """What the criterion states, shortly: "0-1", "≥ 1.5 10^9/L", "excluded: anti-pd-1"."""
    v = rule.value if isinstance(rule.value, dict) else {}
    op = rule.operator
    if op == "range":
        low, high = v.get("min"), v.get("max")
        if low is not None and high is not None:
            return f"{_n(low)}{DASH}{_n(high)}"
        if low is not None:
            return f"≥ {_n(low)}"
        return f"≤ {_n(high)}" if high is not None else _("no limit")
    if op == "eq":
        return ", ".join(str(STATE_LABELS.get(x, x)) for x in v.values())
    if op == "in":
        if v.get("cancer_types"):
            return ", ".join(CANCER_NAMES.get(x, x) for x in v["cancer_types"])
        return ", ".join(str(SETTING_LABELS.get(x, x)) for x in v.get("settings") or [])
    if op in ("min", "max"):
        sign = "≥" if op == "min" else "≤"
        if "uln" in v:
            text = f"{sign} {_n(v['uln'])} {TIMES} ULN"
            if v.get("uln_with_liver_metastases"):
                text += " " + _("(%(limit)s %(times)s ULN with liver metastases)") % {
                    "times": TIMES,
                    "limit": _n(v["uln_with_liver_metastases"]),
                }
            return text
        if "mg_prednisone_per_day" in v:
            return f"{sign} {_n(v['mg_prednisone_per_day'])} mg/day"
        return f"{sign} {_n(v.get('value'))} {v.get('unit') or UNITS.get(rule.kind, '')}".strip()
    word = str(OPERATOR_WORDS.get(op, op))
    if v.get("classes"):
        return f"{word}: {', '.join(v['classes'])}"
    return word


def answer_text(kind: str, patient) -> str:
    """What the patient's answer for this kind was, or "not answered"."""
    if kind == "prior_immunotherapy":
        received = patient.prior_immunotherapy
        if received is None:
            return _("not answered")
        return ", ".join(sorted(received)) if received else _("none")
    if kind == "ast_alt" and patient.ast_alt is not None:
        liver = patient.liver_metastases
        extra = (
            ""
            if liver is None
            else (_(", liver metastases") if liver else _(", no liver metastases"))
        )
        return f"{_n(patient.ast_alt)} {TIMES} ULN{extra}"
    value = getattr(patient, kind, None)
    if value is None or value == "":
        return _("not answered")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind in ("creatinine", "bilirubin"):
        return f"{_n(value)} {TIMES} ULN"
    if kind in ("creatinine_mg_dl", "bilirubin_mg_dl"):
        return f"{_n(round(value, 2))} mg/dL"
    if kind == "setting":
        return str(SETTING_LABELS.get(value, value))
    if kind == "cancer_type":
        return CANCER_NAMES.get(value, value)
    if isinstance(value, str):
        return str(STATE_LABELS.get(value, value))
    return f"{_n(value)} {UNITS.get(kind, '')}".strip()


def reason_text(rule, patient, outcome: int) -> str:
    """One sentence: what the trial asks and what the patient answered."""
    from .engine import UNKNOWN  # engine imports this module

    kind = rule.kind
    if kind in ("creatinine", "bilirubin") and "uln" not in (rule.value or {}):
        kind = f"{kind}_mg_dl"  # an absolute limit: the patient's value in mg/dL
    values = {"condition": condition_text(rule), "answer": answer_text(kind, patient)}
    if outcome == UNKNOWN:
        if values["answer"] == _("not answered") or rule.kind == "cancer_type":
            return _("Trial: %(condition)s; not known for this patient (%(answer)s).") % values
        return _("Trial: %(condition)s; the answer (%(answer)s) does not decide it.") % values
    return _("Trial: %(condition)s; the patient has %(answer)s.") % values


# The sentence shown for the registry's cancer types, used where curators confirmed no cancer-type
# criterion (trials.prescreen.queries.registry_cancer_rule).
REGISTRY_CANCER_SENTENCE = gettext_lazy(
    "Conditions registered at ClinicalTrials.gov (no cancer-type criterion confirmed yet)"
)
