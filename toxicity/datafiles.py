"""The toxicity app's clinical content as data: guideline sources, organ systems and one YAML file per
guideline in `toxicity/data/`, read and validated against a JSON schema before anything is written.

`read_content()` returns plain dictionaries or raises `ContentError` naming the file and the field
(`guidelines/colitis.yaml: recommendations[2].action: 'stop' is not one of ['continue', ...]`). The demo
loader (`toxicity.demo`) and `manage.py import_guidelines` write what it returns
(`toxicity.services.guidelines_import`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ion_portal.immunotherapy import ImmunotherapyClass, TherapyFamily

DATA_DIR = Path(__file__).resolve().parent / "data"
GUIDELINES_DIR = DATA_DIR / "guidelines"
SOURCES_FILE = DATA_DIR / "sources.yaml"
ORGAN_SYSTEMS_FILE = DATA_DIR / "organ_systems.yaml"

# Kept in step with the model choices (toxicity.models); a test compares them.
ACTIONS = ["continue", "hold", "discontinue"]
ROUTES = ["", "oral", "iv", "topical", "oral_iv"]
STEROID_PURPOSES = ["", "immunosuppression", "replacement"]
SETTINGS = ["outpatient", "consider_admission", "admit", "monitored", "icu"]
SCENARIOS = ["", "with_crs", "without_crs", "rash", "scar"]
VERIFICATIONS = ["source", "reviewer", "to_verify"]
EVIDENCE_SCALES = ["esmo", "asco", "nccn", "esc", "consensus", "none"]
SCHEME_SYSTEMS = ["ctcae5", "guideline", "astct2019"]
SPECIALTIES = [
    "oncology",
    "gastroenterology",
    "pulmonology",
    "dermatology",
    "endocrinology",
    "nephrology",
    "cardiology",
    "neurology",
    "rheumatology",
    "ophthalmology",
    "haematology",
    "intensive_care",
]

_TEXT = {"type": "string"}
_NON_EMPTY = {"type": "string", "minLength": 1}
_SLUG = {"type": "string", "pattern": r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"}
_TEXT_LIST = {"type": "array", "items": _NON_EMPTY}
_FAMILIES = {
    "type": "array",
    "items": {"enum": list(TherapyFamily.values)},
    "uniqueItems": True,
}
_GRADE = {"type": "integer", "minimum": 1, "maximum": 5}
_MG_PER_KG = {"type": ["number", "null"], "minimum": 0, "maximum": 100}

SOURCES_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["sources"],
    "properties": {
        "sources": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "key",
                    "short_name",
                    "name",
                    "edition",
                    "year",
                    "citation",
                    "evidence_scale",
                    "therapy_families",
                ],
                "properties": {
                    "key": _SLUG,
                    "short_name": _NON_EMPTY,
                    "name": _NON_EMPTY,
                    "edition": _NON_EMPTY,
                    "year": {"type": "integer", "minimum": 1990, "maximum": 2100},
                    "citation": _NON_EMPTY,
                    "doi": {"type": "string", "pattern": r"^10\.\d{4,9}/\S+$"},
                    "url": {"type": "string", "pattern": r"^https://\S+$"},
                    "evidence_scale": {"enum": EVIDENCE_SCALES},
                    "is_local_consensus": {"type": "boolean"},
                    "therapy_families": _FAMILIES,
                },
            },
        }
    },
}

ORGAN_SYSTEMS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["organ_systems"],
    "properties": {
        "organ_systems": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["slug", "name", "order"],
                "properties": {
                    "slug": _SLUG,
                    "name": _NON_EMPTY,
                    "description": _TEXT,
                    "order": {"type": "integer", "minimum": 0},
                },
            },
        }
    },
}

RECOMMENDATION_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["grades", "source", "action", "setting", "verification"],
    "properties": {
        "grades": {"type": "array", "items": _GRADE, "minItems": 1, "uniqueItems": True},
        "source": _SLUG,
        "based_on": {"type": "array", "items": _SLUG, "uniqueItems": True},
        "scenario": {"enum": SCENARIOS},
        "action": {"enum": ACTIONS},
        "action_note": _TEXT,
        "treatment": _TEXT,
        "steroid_drug": _TEXT,
        "steroid_dose": _TEXT,
        "steroid_mg_per_kg_min": _MG_PER_KG,
        "steroid_mg_per_kg_max": _MG_PER_KG,
        "steroid_route": {"enum": ROUTES},
        "steroid_purpose": {"enum": STEROID_PURPOSES},
        "steroid_taper": _TEXT,
        "steroid_taper_weeks": {"type": "integer", "minimum": 0, "maximum": 52},
        "hormones": _TEXT_LIST,
        "escalation_agents": _TEXT,
        "escalation_trigger": _TEXT,
        "consults": _TEXT,
        "workup": _TEXT,
        "setting": {"enum": SETTINGS},
        "evidence_level": _TEXT,
        "verification": {"enum": VERIFICATIONS},
        "notes": _TEXT,
    },
    # A steroid given for immunosuppression names how it is tapered (weeks for the safety block).
    "if": {
        "properties": {"steroid_purpose": {"const": "immunosuppression"}},
        "required": ["steroid_purpose"],
    },
    "then": {"required": ["steroid_drug", "steroid_taper", "steroid_taper_weeks"]},
}

GUIDELINE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "slug",
        "name",
        "order",
        "is_demo",
        "version",
        "organ_system",
        "summary",
        "grading_scheme",
        "therapy_families",
        "specialist",
        "workup",
        "call_task_force_when",
        "recommendations",
    ],
    "properties": {
        "slug": _SLUG,
        "name": _NON_EMPTY,
        "order": {"type": "integer", "minimum": 0},
        "is_demo": {"type": "boolean"},
        "version": _NON_EMPTY,
        "organ_system": _SLUG,
        "summary": _NON_EMPTY,
        "aliases": _TEXT_LIST,
        "symptoms": _TEXT_LIST,
        "ctcae_term": _TEXT,
        "meddra_code": _TEXT,
        "grading_scheme": {
            "type": "object",
            "additionalProperties": False,
            "required": ["slug", "name", "system", "source", "grades"],
            "properties": {
                "slug": _SLUG,
                "name": _NON_EMPTY,
                "system": {"enum": SCHEME_SYSTEMS},
                "source": _SLUG,
                "ctcae_terms": _TEXT,
                "notes": _TEXT,
                "grades": {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": "^[1-5]$"},
                    "additionalProperties": _NON_EMPTY,
                },
            },
        },
        "therapy_families": {**_FAMILIES, "minItems": 1},
        "higher_risk_classes": {
            "type": "array",
            "items": {"enum": list(ImmunotherapyClass.values)},
            "uniqueItems": True,
        },
        "higher_risk_note": _TEXT,
        "specialist": {"enum": SPECIALTIES},
        "workup": _TEXT_LIST,
        "red_flags": _TEXT_LIST,
        "call_task_force_when": _NON_EMPTY,
        "must_not_miss": _TEXT,
        "contraindicated_agents": _TEXT,
        "avoid_drugs": _TEXT_LIST,
        "is_endocrinopathy": {"type": "boolean"},
        "recommendations": {"type": "array", "minItems": 1, "items": RECOMMENDATION_SCHEMA},
    },
}


class ContentError(ValueError):
    """A data file that cannot be loaded: the message names the file and the field."""


@dataclass
class Content:
    """Everything the data files hold, validated: plain dictionaries keyed as in the files."""

    sources: list[dict]
    organ_systems: list[dict]
    guidelines: list[dict] = field(default_factory=list)


def _field_path(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _read(path: Path, schema: dict, label: str) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ContentError(f"{label}: cannot be read ({error.strerror}).") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ContentError(f"{label}: not valid YAML{where}.") from error
    if isinstance(data, dict) and isinstance(data.get("grading_scheme"), dict):
        # YAML reads `1:` as the integer 1; the schema checks grade keys as text.
        grades = data["grading_scheme"].get("grades")
        if isinstance(grades, dict):
            data["grading_scheme"]["grades"] = {str(key): value for key, value in grades.items()}
    # Imported here, as in trials/ctgov/schema.py: start-up cost in every process otherwise.
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(
        validator.iter_errors(data), key=lambda error: [str(part) for part in error.absolute_path]
    )
    if errors:
        error = errors[0]
        raise ContentError(f"{label}: {_field_path(error.absolute_path)}: {error.message}")
    return data


def _check_references(content: Content, labels: dict[str, str]) -> None:
    """What a schema cannot see: keys that must point at a source or organ system that exists."""
    source_keys = {source["key"] for source in content.sources}
    organ_slugs = {organ["slug"] for organ in content.organ_systems}
    for guideline in content.guidelines:
        label = labels[guideline["slug"]]
        if guideline["organ_system"] not in organ_slugs:
            raise ContentError(
                f"{label}: organ_system: {guideline['organ_system']!r} is not in organ_systems.yaml"
            )
        if guideline["grading_scheme"]["source"] not in source_keys:
            raise ContentError(
                f"{label}: grading_scheme.source: {guideline['grading_scheme']['source']!r} is "
                "not in sources.yaml"
            )
        grades = {int(key) for key in guideline["grading_scheme"]["grades"]}
        seen = set()
        for index, rec in enumerate(guideline["recommendations"]):
            where = f"{label}: recommendations[{index}]"
            for key in [rec["source"], *rec.get("based_on", [])]:
                if key not in source_keys:
                    raise ContentError(f"{where}: source {key!r} is not in sources.yaml")
            for grade in rec["grades"]:
                if grade not in grades:
                    raise ContentError(
                        f"{where}.grades: grade {grade} is not defined by the grading scheme"
                    )
                row = (grade, rec["source"], rec.get("scenario", ""))
                if row in seen:
                    raise ContentError(
                        f"{where}: a second recommendation for grade {grade} from "
                        f"{rec['source']!r} (scenario {rec.get('scenario', '')!r})"
                    )
                seen.add(row)


def read_content(
    *, guidelines_dir: Path | None = None, sources_file: Path | None = None
) -> Content:
    """Read and validate the sources, the organ systems and every `*.yaml` guideline file."""
    return _read_content(Path(guidelines_dir or GUIDELINES_DIR), Path(sources_file or SOURCES_FILE))


@functools.lru_cache(maxsize=4)
def _read_content(guidelines_dir: Path, sources_file: Path) -> Content:
    # Cached per process (a curator's edit is picked up by the next `import_guidelines` run); the
    # dictionaries are read-only for the importer.
    content = Content(
        sources=_read(sources_file, SOURCES_SCHEMA, sources_file.name)["sources"],
        organ_systems=_read(ORGAN_SYSTEMS_FILE, ORGAN_SYSTEMS_SCHEMA, ORGAN_SYSTEMS_FILE.name)[
            "organ_systems"
        ],
    )
    files = sorted(guidelines_dir.glob("*.yaml"))
    if not files:
        raise ContentError(f"{guidelines_dir}: no guideline files (*.yaml).")
    labels = {}
    for path in files:
        label = f"{guidelines_dir.name}/{path.name}"
        data = _read(path, GUIDELINE_SCHEMA, label)
        if data["slug"] in labels:
            raise ContentError(
                f"{label}: slug: {data['slug']!r} is also used by {labels[data['slug']]}"
            )
        labels[data["slug"]] = label
        content.guidelines.append(data)
    _check_references(content, labels)
    content.guidelines.sort(key=lambda guideline: (guideline["order"], guideline["slug"]))
    return content
