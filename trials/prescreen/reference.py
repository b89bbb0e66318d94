"""The pre-screen rules written plainly, once more, for the tests: one long function per criterion, no
dispatch tables, no shared criteria, no caching. `engine.py` must give the same outcomes and the same
order on every profile (tests/trials/test_prescreen_engine.py checks it on random profiles).

Outcomes are the strings "met", "not_met", "unknown".
"""

from __future__ import annotations

from ..criteria.units import to_mg_dl


def _num(x):
    if x is None or isinstance(x, bool):
        return None
    try:
        x = float(x)
    except (TypeError, ValueError):
        return None
    if x != x or x in (float("inf"), float("-inf")):
        return None
    return x


def _lab_limit(kind, value):
    """The limit in 10^9/L (ANC, platelets), g/dL (haemoglobin) or mL/min (clearance)."""
    number = _num(value.get("value"))
    unit = str(value.get("unit") or "").lower()
    for a, b in (
        ("\u00d7", "x"),
        ("μ", "u"),
        ("µ", "u"),
        ("³", "3"),
        ("²", "2"),
        (" ", ""),
        ("*", ""),
    ):
        unit = unit.replace(a, b)
    if unit.startswith("x"):
        unit = unit[1:]
    if number is None:
        return None
    if kind in ("anc", "platelets"):
        if unit in ("10^9/l", "10e9/l", "g/l", "10^3/ul", "10^3/mm3"):
            return number
        if unit in ("/ul", "/mm3", "cells/ul", "cells/mm3"):
            return number / 1000
        return None
    if kind == "haemoglobin":
        if unit == "g/dl":
            return number
        if unit == "g/l":
            return number / 10
        if unit == "mmol/l":
            return number / 0.6206
        return None
    if kind == "creatinine_clearance" and unit in ("ml/min", "ml/min/1.73m2", "ml/min/1.73m^2"):
        return number
    return None


def _ancestors_and_self(slug, parents):
    found = []
    while slug and slug not in found:
        found.append(slug)
        slug = parents.get(slug)
    return found


def condition(kind, operator, value, p, parents):
    """Does the patient meet what the criterion states? True, False or None (unknown)."""
    if not isinstance(value, dict):
        value = {}
    if kind in ("age", "ecog", "prior_lines"):
        x = getattr(p, kind)
        if operator != "range" or x is None:
            return None
        low, high = value.get("min"), value.get("max")
        if (low is not None and _num(low) is None) or (high is not None and _num(high) is None):
            return None
        return (low is None or x >= _num(low)) and (high is None or x <= _num(high))
    if kind == "sex":
        if operator != "eq" or value.get("sex") not in ("female", "male") or not p.sex:
            return None
        return p.sex == value["sex"]
    if kind == "cancer_type":
        wanted = value.get("cancer_types")
        if operator != "in" or not wanted or not isinstance(wanted, list) or not p.cancer_type:
            return None
        if any(t in wanted for t in _ancestors_and_self(p.cancer_type, parents)):
            return True
        for t in wanted:
            if p.cancer_type in _ancestors_and_self(t, parents) and t != p.cancer_type:
                return None
        return False
    if kind == "setting":
        wanted = value.get("settings")
        if operator != "in" or not wanted or not isinstance(wanted, list) or not p.setting:
            return None
        return p.setting in wanted
    if kind == "prior_immunotherapy":
        if operator == "allowed":
            return True
        if p.prior_immunotherapy is None or operator not in ("required", "excluded"):
            return None
        classes = value.get("classes") or []
        if classes:
            received = any(c in classes for c in p.prior_immunotherapy)
        else:
            received = len(p.prior_immunotherapy) > 0
        return received if operator == "required" else not received
    if kind == "brain_metastases":
        if operator == "allowed":
            return True
        if p.brain_metastases not in ("none", "treated_stable", "active"):
            return None
        if operator == "excluded":
            return p.brain_metastases == "none"
        if operator == "allowed_if_treated":
            return p.brain_metastases in ("none", "treated_stable")
        return None
    if kind in ("autoimmune_disease", "pregnancy"):
        if operator == "allowed":
            return True
        x = getattr(p, kind)
        if kind == "pregnancy" and p.sex == "male":
            x = False
        if x is None or operator != "excluded":
            return None
        return not x
    if kind == "steroids":
        limit = _num(value.get("mg_prednisone_per_day"))
        if operator != "max" or limit is None or p.steroids is None:
            return None
        return p.steroids <= limit
    if kind in ("hiv", "hbv", "hcv"):
        if operator == "allowed":
            return True
        x = getattr(p, kind)
        if x not in ("negative", "controlled", "active"):
            return None
        if operator == "excluded":
            return x == "negative"
        if operator == "allowed_if_controlled":
            return x in ("negative", "controlled")
        return None
    if kind in ("anc", "platelets", "haemoglobin", "creatinine_clearance"):
        x, limit = getattr(p, kind), _lab_limit(kind, value)
        if operator != "min" or x is None or limit is None:
            return None
        return x >= limit
    if kind in ("creatinine", "bilirubin"):
        if operator != "max":
            return None
        if "uln" in value:  # multiples of the upper limit of normal, compared as such
            x, limit = getattr(p, kind), _num(value.get("uln"))
        else:  # a concentration: both in mg/dL, by the shared factors
            x, limit = (
                getattr(p, kind + "_mg_dl"),
                to_mg_dl(kind, value.get("value"), value.get("unit")),
            )
        if x is None or limit is None:
            return None
        return x <= limit
    if kind == "ast_alt":
        limit, liver = _num(value.get("uln")), _num(value.get("uln_with_liver_metastases"))
        if operator != "max" or p.ast_alt is None or limit is None:
            return None
        if p.ast_alt <= limit:
            return True
        if liver is None or p.ast_alt > liver:
            return False
        if p.liver_metastases is None:
            return None
        return p.liver_metastases
    if kind in ("measurable_disease", "msi_h_dmmr", "egfr", "alk", "ros1", "braf_v600"):
        return _present(getattr(p, kind), operator)
    if kind in ("kras_g12c", "her2"):
        return _present(getattr(p, kind), operator)
    if kind in ("pd_l1_tps", "pd_l1_cps", "tmb"):
        x, limit = getattr(p, kind), _num(value.get("value"))
        if x is None or limit is None or operator not in ("min", "max"):
            return None
        return x >= limit if operator == "min" else x <= limit
    return None


def _present(x, operator):
    if x is None or operator not in ("required", "excluded"):
        return None
    return x if operator == "required" else not x


def outcome(criterion, patient, parents) -> str:
    """The outcome of one criterion (a Rule): met, not_met or unknown; the section does not matter."""
    meets = condition(criterion.kind, criterion.operator, criterion.value, patient, parents)
    if meets is None:
        return "unknown"
    return "met" if meets else "not_met"


def prescreen(trials, patient, parents):
    """trials: [(pk, NCT ID, [Rule])] -> [(pk, [outcome per rule])] in the ranked order."""
    rows = []
    for pk, nct_id, rules in trials:
        if not rules:
            continue
        outcomes = [outcome(rule, patient, parents) for rule in rules]
        met = outcomes.count("met")
        not_met = outcomes.count("not_met")
        unknown = outcomes.count("unknown")
        key = (0, unknown, -met, nct_id) if not_met == 0 else (1, not_met, unknown, nct_id)
        rows.append((key, pk, outcomes))
    rows.sort()
    return [(pk, outcomes) for _key, pk, outcomes in rows]
