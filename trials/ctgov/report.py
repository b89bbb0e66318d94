"""What an import run reports: one line per record (created, updated, unchanged or failed, and why)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RecordResult:
    label: str  # where the record came from: a file (and index in a search page) or an NCT ID
    outcome: str  # created / updated / unchanged / failed
    nct_id: str = ""
    message: str = ""

    def __str__(self):
        parts = [self.outcome.upper(), self.nct_id or "-", self.label]
        if self.message:
            parts.append(self.message)
        return "  ".join(parts)


@dataclass
class ImportReport:
    results: list[RecordResult] = field(default_factory=list)
    changes: int = 0  # upstream changes recorded in the trials' history (TrialChange rows)

    def add(self, result: RecordResult) -> None:
        self.results.append(result)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> bool:
        return any(r.outcome == "failed" for r in self.results)

    def summary(self) -> str:
        return ", ".join(
            f"{self.count(o)} {o}" for o in ("created", "updated", "unchanged", "failed")
        )
