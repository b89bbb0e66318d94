"""Precision and recall of the extractor on the hand-annotated set (trials/criteria/eval/).

The annotations list, per trial, every criterion of the supported kinds as [section, kind, operator,
value]; the texts are the records' eligibility text as imported. A proposal counts as correct when
section, kind, operator and value all equal an annotated criterion (numbers compared after rounding,
lists as sets). Each trial is compared as a set, so a criterion written twice counts once.
`manage.py evaluate_criteria` prints the table; docs/criteria.md has the current figures.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .extract import extract

EVAL_DIR = Path(__file__).resolve().parent / "eval"
SECTIONS = {
    "inc": "inclusion",
    "exc": "exclusion",
    "inclusion": "inclusion",
    "exclusion": "exclusion",
}


def canonical(value):
    """A hashable, comparable form of a criterion value."""
    if isinstance(value, dict):
        items = []
        for k, v in sorted(value.items()):
            if v is None and k not in ("min", "max"):
                continue
            items.append((k, canonical(v)))
        return tuple(items)
    if isinstance(value, (list, tuple)):
        return tuple(sorted(canonical(v) for v in value))
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        value = round(float(value), 3)
        return int(value) if value.is_integer() else value
    return str(value)


def key(section: str, kind: str, operator: str, value) -> tuple:
    return (SECTIONS[section], kind, operator, canonical(value or {}))


def load_gold(path: Path | None = None) -> dict[str, set[tuple]]:
    data = yaml.safe_load((path or EVAL_DIR / "annotations.yaml").read_text(encoding="utf-8"))
    gold = {}
    for nct, rows in (data.get("trials") or {}).items():
        gold[nct] = {key(*row) for row in rows or []}
    return gold


def load_texts(path: Path | None = None) -> dict[str, str]:
    data = json.loads((path or EVAL_DIR / "texts.json").read_text(encoding="utf-8"))
    return {nct: row["eligibility_criteria"] for nct, row in data["trials"].items()}


def predicted(text: str) -> set[tuple]:
    return {key(p.section, p.kind, p.operator, p.value) for p in extract(text)}


@dataclass
class Report:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    trials: int = 0
    errors: list[tuple[str, str, tuple]] = field(default_factory=list)  # (nct, "fp"/"fn", key)

    def add(self, nct: str, gold: set[tuple], pred: set[tuple]) -> None:
        self.trials += 1
        for k in gold & pred:
            self.tp[k[1]] += 1
        for k in pred - gold:
            self.fp[k[1]] += 1
            self.errors.append((nct, "fp", k))
        for k in gold - pred:
            self.fn[k[1]] += 1
            self.errors.append((nct, "fn", k))

    @property
    def kinds(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))

    def figures(self, kind: str | None = None) -> tuple[int, int, int, float | None, float | None]:
        """(tp, fp, fn, precision, recall) of one kind, or overall; None where undefined (0/0)."""
        if kind is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[kind], self.fp[kind], self.fn[kind]
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        return tp, fp, fn, precision, recall


def evaluate(gold: dict[str, set[tuple]], texts: dict[str, str]) -> Report:
    report = Report()
    for nct in sorted(gold):
        if nct not in texts:
            raise KeyError(f"{nct} is annotated but its text is missing")
        report.add(nct, gold[nct], predicted(texts[nct]))
    return report


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def table(report: Report) -> str:
    """The per-kind table in markdown."""
    lines = [
        "| kind | annotated | proposed | correct | precision | recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in [*report.kinds, None]:
        tp, fp, fn, p, r = report.figures(kind)
        name = "**overall**" if kind is None else kind
        lines.append(f"| {name} | {tp + fn} | {tp + fp} | {tp} | {_pct(p)} | {_pct(r)} |")
    return "\n".join(lines)
