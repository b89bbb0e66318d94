"""The pre-screen over many trials: every distinct criterion numbered once (`compile_trials`), each
evaluated once per patient, and per trial only a sum. The rules and the ranking are engine.py's; this
module only makes them fast (tests/trials/test_prescreen_engine.py checks it against reference.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .engine import MET, NOT_MET, UNKNOWN, Patient, Result, Rule, evaluate, explain


@dataclass(slots=True)
class Compiled:
    """Trials' confirmed criteria with every distinct criterion numbered once (cached by queries.py)."""

    rules: list[Rule]  # one per distinct key
    trials: dict[int, tuple[str, tuple[int, ...]]]  # trial pk -> (NCT ID, indexes into rules)


def compile_trials(criteria: dict[int, tuple[str, list[Rule]]]) -> Compiled:
    """{trial pk: (NCT ID, confirmed rules)} -> Compiled."""
    index: dict[str, int] = {}
    rules: list[Rule] = []
    trials = {}
    for pk, (nct_id, trial_rules) in criteria.items():
        ids = []
        for rule in trial_rules:
            key = rule.key
            if key not in index:
                index[key] = len(rules)
                rules.append(rule)
            ids.append(index[key])
        trials[pk] = (nct_id, tuple(ids))
    return Compiled(rules=rules, trials=trials)


def compile_rows(rows) -> Compiled:
    """Compiled from database rows (trial pk, NCT ID, section, kind, operator, value as JSON text),
    ordered by trial: the JSON is parsed once per distinct criterion, not once per row."""
    index: dict[tuple, int] = {}
    rules: list[Rule] = []
    trials: dict[int, tuple[str, list[int]]] = {}
    for trial_id, nct_id, section, kind, operator, value_text in rows:
        key = (section, kind, operator, value_text)
        i = index.get(key)
        if i is None:
            try:
                value = json.loads(value_text) if value_text else {}
            except ValueError:
                value = {}
            i = index[key] = len(rules)
            rules.append(Rule(0, section, kind, operator, value if isinstance(value, dict) else {}))
        entry = trials.get(trial_id)
        if entry is None:
            entry = trials[trial_id] = (nct_id, [])
        entry[1].append(i)
    return Compiled(rules=rules, trials={pk: (n, tuple(ids)) for pk, (n, ids) in trials.items()})


# One number per criterion: met, not met and unknown in separate bit fields (20 bits each), so a
# trial's three counts are one C-level sum().
_SHIFT = 20
_FIELD = (1 << _SHIFT) - 1
_WEIGHT = {MET: 1, NOT_MET: 1 << _SHIFT, UNKNOWN: 1 << (2 * _SHIFT)}


def rank_trials(compiled: Compiled, patient: Patient, parents, trial_ids=None) -> list[tuple]:
    """Rows (rank key, trial pk, met, not met, unknown) of every trial (of `trial_ids`, if given) with
    confirmed criteria, ranked by engine.rank_key."""
    weights = [_WEIGHT[evaluate(rule, patient, parents)] for rule in compiled.rules]
    at = weights.__getitem__
    trials = compiled.trials
    rows = []
    append = rows.append
    for pk in trials if trial_ids is None else trial_ids:
        found = trials.get(pk)
        if not found or not found[1]:
            continue
        total = sum(map(at, found[1]))
        met, not_met, unknown = total & _FIELD, (total >> _SHIFT) & _FIELD, total >> (2 * _SHIFT)
        # engine.rank_key, inlined: the sort then compares plain tuples in C.
        key = (1, not_met, unknown, found[0]) if not_met else (0, unknown, -met, found[0])
        append((key, pk, met, not_met, unknown))
    rows.sort()
    return rows


def results(rows: list[tuple]) -> list[Result]:
    return [Result(pk, key[-1], met, not_met, unknown) for key, pk, met, not_met, unknown in rows]


def prescreen(compiled: Compiled, patient: Patient, parents, trial_ids=None) -> list[Result]:
    """Every trial with confirmed criteria, counted and ranked (no texts)."""
    return results(rank_trials(compiled, patient, parents, trial_ids))


def explain_result(result: Result, rules: list[Rule], unreviewed: list[Rule], patient, parents):
    """Fill a result's verdicts (every confirmed criterion, in order) and its unreviewed criteria."""
    result.verdicts = [explain(rule, patient, parents) for rule in rules]
    result.unreviewed = list(unreviewed)
    return result
