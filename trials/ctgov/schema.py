"""Shape validation of a v2-shaped study before anything is written (JSON Schema, Draft 2020-12).

The schema covers the modules the registry reads: types, lengths and list sizes, so a number where a
condition is expected, `keywords` given as one string or a 50 MB summary is refused with a sentence that
names the field. Two checks apply to the whole record (stored raw): nesting depth and NUL characters,
which PostgreSQL cannot store in JSON. Limits are generous multiples of the largest real records (the
longest registered eligibility text is ~7,000 characters; the most locations 1,148).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from .errors import RecordError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

MAX_DEPTH = 32
MAX_TEXT = 100_000  # long free text: summaries, descriptions, eligibility criteria
MAX_LINE = 2_000  # titles, names, labels, addresses


def _text(max_length: int = MAX_LINE) -> dict:
    return {"type": "string", "maxLength": max_length}


def _texts(max_items: int = 500, max_length: int = MAX_LINE) -> dict:
    return {"type": "array", "maxItems": max_items, "items": _text(max_length)}


def _object(properties: dict, required: tuple = ()) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def _objects(properties: dict, max_items: int = 1_000) -> dict:
    return {"type": "array", "maxItems": max_items, "items": _object(properties)}


DATE_STRUCT = _object({"date": _text(20), "type": _text(20)})
CONTACT = {
    "name": _text(),
    "role": _text(40),
    "phone": _text(100),
    "phoneExt": _text(40),
    "email": _text(320),
}
GEO = _object({"lat": {"type": "number"}, "lon": {"type": "number"}})

PROTOCOL = _object(
    {
        "identificationModule": _object(
            {
                "nctId": _text(40),
                "briefTitle": _text(),
                "officialTitle": _text(),
                "acronym": _text(),
                "orgStudyIdInfo": _object({"id": _text()}),
                "secondaryIdInfos": _objects(
                    {"id": _text(), "type": _text(80), "domain": _text()}, max_items=200
                ),
            }
        ),
        "statusModule": _object(
            {
                "overallStatus": _text(40),
                "lastKnownStatus": _text(40),
                "whyStopped": _text(MAX_TEXT),
                "statusVerifiedDate": _text(20),
                "startDateStruct": DATE_STRUCT,
                "primaryCompletionDateStruct": DATE_STRUCT,
                "completionDateStruct": DATE_STRUCT,
                "studyFirstPostDateStruct": DATE_STRUCT,
                "lastUpdatePostDateStruct": DATE_STRUCT,
            }
        ),
        "sponsorCollaboratorsModule": _object(
            {
                "leadSponsor": _object({"name": _text(), "class": _text(40)}),
                "collaborators": _objects({"name": _text(), "class": _text(40)}, max_items=500),
            }
        ),
        "descriptionModule": _object(
            {"briefSummary": _text(MAX_TEXT), "detailedDescription": _text(MAX_TEXT)}
        ),
        "conditionsModule": _object({"conditions": _texts(), "keywords": _texts()}),
        "designModule": _object(
            {
                "studyType": _text(40),
                "phases": _texts(10, 40),
                "designInfo": _object({"allocation": _text(40), "primaryPurpose": _text(40)}),
                "enrollmentInfo": _object(
                    {
                        "count": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
                        "type": _text(20),
                    }
                ),
            }
        ),
        "armsInterventionsModule": _object(
            {
                "armGroups": _objects(
                    {
                        "label": _text(),
                        "type": _text(40),
                        "description": _text(MAX_TEXT),
                        "interventionNames": _texts(),
                    },
                    max_items=500,
                ),
                "interventions": _objects(
                    {
                        "type": _text(40),
                        "name": _text(),
                        "description": _text(MAX_TEXT),
                        "otherNames": _texts(),
                        "armGroupLabels": _texts(),
                    },
                    max_items=500,
                ),
            }
        ),
        "eligibilityModule": _object(
            {
                "eligibilityCriteria": _text(MAX_TEXT),
                "healthyVolunteers": {"type": "boolean"},
                "sex": _text(20),
                "minimumAge": _text(40),
                "maximumAge": _text(40),
            }
        ),
        "contactsLocationsModule": _object(
            {
                "centralContacts": _objects(CONTACT, max_items=50),
                "locations": _objects(
                    {
                        "facility": _text(),
                        "status": _text(40),
                        "city": _text(),
                        "state": _text(),
                        "zip": _text(40),
                        "country": _text(),
                        "geoPoint": GEO,
                        "contacts": _objects(CONTACT, max_items=50),
                    },
                    max_items=10_000,
                ),
            }
        ),
    },
    required=("identificationModule",),
)
STUDY = _object({"protocolSection": PROTOCOL}, required=("protocolSection",))

TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a group of fields (JSON object)",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    return "empty (null)"


def field_name(path) -> str:
    """A JSON path as curators read it: protocolSection.conditionsModule.conditions[2]."""
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "the record"


def _sentence(error: ValidationError) -> str:
    name = field_name(error.absolute_path)
    value = error.instance
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(
            TYPE_WORDS.get(t, t) for t in (expected if isinstance(expected, list) else [expected])
        )
        return f"{name} must be {expected}, but it is {_kind(value)}."
    if error.validator == "maxLength":
        return f"{name} is too long: {len(value):,} characters (at most {error.validator_value:,})."
    if error.validator == "maxItems":
        return f"{name} has too many entries: {len(value):,} (at most {error.validator_value:,})."
    if error.validator == "required":
        missing = next((k for k in error.validator_value if k not in value), "?")
        return f"{field_name([*error.absolute_path, missing])} is missing."
    if error.validator in ("minimum", "maximum"):
        return f"{name} is out of range ({value})."
    return f"{name} is not valid ({error.validator})."


@cache
def _validator() -> Draft202012Validator:
    # Imported on first use: jsonschema costs ~1 s of start-up in every process that never imports.
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(STUDY)
    return Draft202012Validator(STUDY)


@cache
def _fast_check():
    # The same schema compiled to Python: ~20x faster on the valid records that are the rule; only a
    # record it refuses goes through jsonschema, for every problem in a curator's words.
    import fastjsonschema  # on first use, as jsonschema above

    return fastjsonschema.compile(STUDY)


@cache
def _fast_check_error() -> type[Exception]:
    from fastjsonschema import JsonSchemaException  # on first use, as jsonschema above

    return JsonSchemaException


def check_tree(data, *, max_depth: int = MAX_DEPTH) -> None:
    """Nesting depth and NUL characters anywhere in the record (iterative: deep input cannot recurse)."""
    stack = [(data, 1, ())]
    while stack:
        node, depth, path = stack.pop()
        if depth > max_depth:
            raise RecordError(
                f"The record is nested too deeply at {field_name(path)} (more than {max_depth} levels)."
            )
        if isinstance(node, dict):
            for key, value in node.items():
                if "\x00" in key:
                    raise RecordError(
                        f"A field name under {field_name(path)} contains a NUL character."
                    )
                stack.append((value, depth + 1, (*path, key)))
        elif isinstance(node, list):
            stack.extend((value, depth + 1, (*path, i)) for i, value in enumerate(node))
        elif isinstance(node, str) and "\x00" in node:
            raise RecordError(
                f"{field_name(path)} contains a NUL character, which is not allowed in text."
            )


def validate_study(study) -> None:
    """RecordError naming the field(s) when the study's shape is not what ClinicalTrials.gov sends."""
    if not isinstance(study, dict):
        raise RecordError(
            f"A study record must be a group of fields (JSON object), not {_kind(study)}."
        )
    check_tree(study)
    check = _fast_check()
    try:
        check(study)
        return
    except _fast_check_error():
        pass
    errors = sorted(
        _validator().iter_errors(study), key=lambda e: [str(p) for p in e.absolute_path]
    )
    if errors:
        sentences = [_sentence(e) for e in errors[:3]]
        if len(errors) > 3:
            sentences.append(f"({len(errors) - 3} more problems not shown.)")
        raise RecordError(" ".join(sentences))
    raise RecordError("The record does not have the shape of a ClinicalTrials.gov study.")
