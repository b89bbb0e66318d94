"""Golden test of the criteria extractor on the eligibility texts of the real fixture records
(trials/fixtures/ctgov): any speed-up of trials/criteria/ must leave its output byte for byte unchanged.

Regenerate the fixture ONLY for an intended change of the extractor's output:
    .venv/bin/python tests/trials/test_criteria_golden.py --write
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CTGOV_DIR = ROOT / "trials" / "fixtures" / "ctgov"
GOLDEN = Path(__file__).resolve().parent / "fixtures" / "golden" / "criteria_extract.json"


def _texts() -> dict[str, str]:
    # imported at call time: Django must be set up first (the file is also run as a script)
    from trials.ctgov.normalise import eligibility_fields
    from trials.ctgov.parse import parse_payload

    out = {}
    for path in sorted(CTGOV_DIR.iterdir()):
        if path.suffix not in (".json", ".xml"):
            continue
        for record in parse_payload(path.read_text(encoding="utf-8-sig"), label=path.name):
            if record.study is None:
                continue
            elig = record.study.get("protocolSection", {}).get("eligibilityModule") or {}
            text = eligibility_fields(elig)["eligibility_criteria"]
            if text:
                out[record.label] = text
    return out


def _outputs() -> dict[str, list[dict]]:
    # imported at call time: Django must be set up first (the file is also run as a script)
    from trials.criteria.extract import extract

    return {label: [asdict(p) for p in extract(text)] for label, text in _texts().items()}


def test_extractor_output_unchanged():
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(_outputs()))
    assert len(actual) >= 70
    assert actual.keys() == expected.keys()
    for label in expected:
        assert actual[label] == expected[label], label


if __name__ == "__main__" and "--write" in sys.argv:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
    import django

    django.setup()
    GOLDEN.write_text(json.dumps(_outputs(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
