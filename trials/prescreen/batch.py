"""The pre-screen over many trials: every distinct criterion numbered once (`compile_rows`), each
evaluated once per patient, and per trial only a sum. The rules and the ranking are engine.py's; this
module only makes them fast (tests/trials/test_prescreen_engine.py checks it against reference.py).

The ranking makes one plain integer per trial (`rank`): ints are not tracked by Python's cycle
collector, so ranking 10,000 trials leaves no 20,000 tuples behind to be promoted and traversed (the
full collections they caused were the slow requests of the benchmark); only the trials shown are
decoded back into rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .engine import MET, NOT_MET, UNKNOWN, Patient, Result, Rule, evaluate, explain


@dataclass(slots=True)
class Compiled:
    """Trials' confirmed criteria with every distinct criterion numbered once (cached by queries.py).
    Treated as read-only once built: `recompiled()` returns a new one."""

    rules: list[Rule]  # one per distinct key
    trials: dict[int, tuple[str, tuple[int, ...]]]  # trial pk -> (NCT ID, indexes into rules)
    index: dict = field(default_factory=dict)  # compile_rows' key -> index into rules
    order: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)  # (pk, ids) by NCT ID

    def __post_init__(self):
        if not self.order:
            self.order = [
                (pk, ids)
                for pk, (_nct, ids) in sorted(
                    self.trials.items(), key=lambda item: (item[1][0], item[0])
                )
            ]


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


def _add_rows(rules: list[Rule], index: dict, rows) -> dict[int, tuple[str, tuple[int, ...]]]:
    """Number the rows' distinct criteria into rules/index (in place); {trial pk: (NCT ID, ids)}."""
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
    return {pk: (n, tuple(ids)) for pk, (n, ids) in trials.items()}


def compile_rows(rows) -> Compiled:
    """Compiled from database rows (trial pk, NCT ID, section, kind, operator, value as JSON text),
    ordered by trial: the JSON is parsed once per distinct criterion, not once per row."""
    rules: list[Rule] = []
    index: dict[tuple, int] = {}
    trials = _add_rows(rules, index, rows)
    return Compiled(rules=rules, trials=trials, index=index)


def recompiled(compiled: Compiled, trial_ids, rows) -> Compiled:
    """A new Compiled with the criteria of `trial_ids` replaced by `rows` (every confirmed row of those
    trials, as for compile_rows; a trial without rows drops out). The other trials keep their numbers;
    criteria no longer used stay numbered (harmless: evaluated, never counted)."""
    rules, index = list(compiled.rules), dict(compiled.index)
    trials = dict(compiled.trials)
    for pk in trial_ids:
        trials.pop(pk, None)
    trials.update(_add_rows(rules, index, rows))
    order = []
    if trials.keys() == compiled.trials.keys() and all(
        trials[pk][0] == compiled.trials[pk][0] for pk in trial_ids
    ):  # the same trials, the same NCT IDs: the order stands, no sort
        order = [(pk, trials[pk][1]) for pk, _ids in compiled.order]
    return Compiled(rules=rules, trials=trials, index=index, order=order)


# One number per criterion: met, not met and unknown in separate bit fields (20 bits each), so a
# trial's three counts are one C-level sum().
_SHIFT = 20
_FIELD = (1 << _SHIFT) - 1
_WEIGHT = {MET: 1, NOT_MET: 1 << _SHIFT, UNKNOWN: 1 << (2 * _SHIFT)}
# A trial's rank key as one int: group (eligible so far or not), two count fields, then the trial's
# position in NCT ID order (32 bits): engine.rank_key, in the order Python compares ints.
_POSITION = 32
_POSITION_MASK = (1 << _POSITION) - 1
_FIRST = _POSITION + _SHIFT
_GROUP = 1 << (_POSITION + 2 * _SHIFT)


@dataclass(slots=True)
class Ranking:
    """The ranked trials of one pre-screen: sorted int keys, decoded on demand."""

    compiled: Compiled
    weights: list[int]
    keys: list[int]
    eligible: int  # trials with no criterion "not met"

    def __len__(self) -> int:
        return len(self.keys)

    def rows(self, limit: int | None = None) -> list[tuple]:
        """(rank key as engine.rank_key, trial pk, met, not met, unknown) of the first `limit`."""
        order, trials, weights = self.compiled.order, self.compiled.trials, self.weights
        found = []
        for key in self.keys if limit is None else self.keys[:limit]:
            pk, ids = order[key & _POSITION_MASK]
            total = sum(weights[i] for i in ids)
            met, not_met, unknown = (
                total & _FIELD,
                (total >> _SHIFT) & _FIELD,
                total >> (2 * _SHIFT),
            )
            nct_id = trials[pk][0]
            rank = (1, not_met, unknown, nct_id) if not_met else (0, unknown, -met, nct_id)
            found.append((rank, pk, met, not_met, unknown))
        return found


def rank(compiled: Compiled, patient: Patient, parents, trial_ids=None) -> Ranking:
    """Every trial (of `trial_ids`, if given) with confirmed criteria, ranked by engine.rank_key."""
    weights = [_WEIGHT[evaluate(rule, patient, parents)] for rule in compiled.rules]
    at = weights.__getitem__
    wanted = None if trial_ids is None else set(trial_ids)
    keys: list[int] = []
    append = keys.append
    eligible = 0
    position = -1
    for pk, ids in compiled.order:
        position += 1
        if not ids or (wanted is not None and pk not in wanted):
            continue
        total = sum(map(at, ids))
        not_met = (total >> _SHIFT) & _FIELD
        unknown = total >> (2 * _SHIFT)
        if not_met:
            append(_GROUP | not_met << _FIRST | unknown << _POSITION | position)
        else:
            eligible += 1
            append(unknown << _FIRST | (_FIELD - (total & _FIELD)) << _POSITION | position)
    keys.sort()
    return Ranking(compiled, weights, keys, eligible)


def rank_trials(compiled: Compiled, patient: Patient, parents, trial_ids=None) -> list[tuple]:
    """Rows (rank key, trial pk, met, not met, unknown) of every trial (of `trial_ids`, if given) with
    confirmed criteria, ranked by engine.rank_key."""
    return rank(compiled, patient, parents, trial_ids).rows()


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
