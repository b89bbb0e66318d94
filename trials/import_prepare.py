"""The Python half of an import: a checked study → what the import will write, with no query.

Each record is normalised, recognised (drugs, network units, cancer types, classes) with the run's
Recogniser, fingerprinted and fully validated here (the trial's fields, every intervention and arm), so
that a batch write (trials.import_batch) only meets a database error in the rare case the database
refuses what Django's validation accepted; a bad record fails here and never reaches the batch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from ion_portal.immunotherapy import NOT_IMMUNOTHERAPY

from .ctgov.errors import RecordError
from .ctgov.normalise import normalise_study
from .ctgov.report import RecordResult
from .ctgov.schema import validate_study
from .models import NCT_ID_RE, ArmGroup, Intervention, Trial, join_codes
from .recognition import Recogniser

OUT_OF_SCOPE = "no immunotherapy intervention recognised and no network site"

UPSTREAM_FIELDS = [
    "eu_ct_number",
    "other_ids",
    "acronym",
    "brief_title",
    "official_title",
    "brief_summary",
    "overall_status",
    "last_known_status",
    "why_stopped",
    "phases",
    "study_type",
    "primary_purpose",
    "allocation",
    "enrollment_count",
    "enrollment_type",
    "start_date",
    "primary_completion_date",
    "completion_date",
    "first_posted",
    "last_update_posted",
    "status_verified",
    "conditions",
    "keywords",
    "eligibility_criteria",
    "sex",
    "minimum_age",
    "maximum_age",
    "minimum_age_days",
    "maximum_age_days",
    "healthy_volunteers",
    "lead_sponsor",
    "lead_sponsor_class",
    "collaborators",
]
DERIVED_FIELDS = ["central_contacts"]  # upstream, but not editable in admin


@dataclass
class Derived:
    """What an import derives from one normalised record with the current vocabularies."""

    normalised: dict
    drug_ids: list[list[int]]  # per intervention
    unit_ids: list[list[int]]  # per location
    cancer_type_ids: list[int]
    classes: list[str]
    fingerprint: str


@dataclass
class Prepared:
    """One record ready to be written: never mutated by the writer (a failed batch is retried)."""

    label: str
    derived: Derived
    raw: dict
    source: str

    @property
    def nct_id(self) -> str:
        return self.derived.normalised["fields"]["nct_id"]

    @property
    def fields(self) -> dict:
        return self.derived.normalised["fields"]


def derive(normalised: dict, recogniser: Recogniser, raw) -> Derived:
    """Recognition and the fingerprint. The fingerprint covers the stored source record too, so an
    unchanged record is recognised from the stored fingerprint alone (the raw record, the largest
    column, is never read back)."""
    fields = normalised["fields"]
    drug_ids = [
        recogniser.drugs_for(i["name"], i["other_names"]) for i in normalised["interventions"]
    ]
    unit_ids = [recogniser.units_for(loc["facility"]) for loc in normalised["locations"]]
    cancer_type_ids = sorted(
        recogniser.cancer_types_for(
            [*fields["conditions"], *fields["keywords"]],
            titles=[fields["brief_title"], fields["official_title"]],
        )
    )
    classes = recogniser.classes_of(pk for ids in drug_ids for pk in ids)
    payload = json.dumps(
        [normalised, drug_ids, unit_ids, cancer_type_ids, classes, raw],
        sort_keys=True,
        default=str,
    )
    return Derived(
        normalised,
        drug_ids,
        unit_ids,
        cancer_type_ids,
        classes,
        hashlib.sha256(payload.encode()).hexdigest(),
    )


def legacy_fingerprint(derived: Derived) -> str:
    """The fingerprint imports stored before it covered the source record (round 3 and earlier)."""
    payload = json.dumps(
        [
            derived.normalised,
            derived.drug_ids,
            derived.unit_ids,
            derived.cancer_type_ids,
            derived.classes,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def study_nct_id(study) -> str:
    ident = ((study or {}).get("protocolSection") or {}).get("identificationModule") or {}
    return str(ident.get("nctId", ""))


def prepare(
    *, study: dict, raw, source: str, label: str, recogniser: Recogniser, validated: bool
) -> Prepared | RecordResult:
    """The record ready to write, or the failed result saying why it cannot be imported."""
    nct = study_nct_id(study)
    try:
        if not validated:
            validate_study(study)
        normalised = normalise_study(study)
    except RecordError as exc:
        return RecordResult(label, "failed", nct[:20] if NCT_ID_RE.match(nct) else "", str(exc))
    raw = raw if raw is not None else study
    prepared = Prepared(label, derive(normalised, recogniser, raw), raw, source)
    try:
        check(prepared)
    except (RecordError, ValidationError) as exc:
        return RecordResult(label, "failed", prepared.nct_id, message(exc))
    return prepared


def check(prepared: Prepared) -> None:
    """Django's validation of everything the import writes (raises RecordError / ValidationError)."""
    fields = prepared.fields
    trial = Trial(nct_id=fields["nct_id"], source=prepared.source, scope_reason=OUT_OF_SCOPE)
    for name in [*UPSTREAM_FIELDS, *DERIVED_FIELDS]:
        setattr(trial, name, fields[name])
    trial.immunotherapy_classes = join_codes(prepared.derived.classes)
    # raw_record: parsed JSON is always JSON (its check would serialise the whole record once more).
    trial.full_clean(exclude=["raw_record"], validate_unique=False, validate_constraints=False)
    normalised = prepared.derived.normalised
    for item in normalised["interventions"]:
        values = {k: v for k, v in item.items() if k != "arm_labels"}
        _clean(Intervention(**values), f"armsInterventionsModule.interventions[{item['position']}]")
    for item in normalised["arms"]:
        _clean(ArmGroup(**item), f"armsInterventionsModule.armGroups[{item['position']}]")


def _clean(obj, where: str) -> None:
    try:
        obj.full_clean(exclude=["trial", "drug"])
    except ValidationError as exc:
        raise RecordError(
            f"{obj._meta.verbose_name.capitalize()} at {where}: {message(exc)}"
        ) from None


def message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc)


def in_scope_reason(trial: Trial, *, has_site: bool) -> str:
    """Empty when the trial is in the registry's scope (an immunotherapy class or a network site),
    else the reason curators see."""
    immunotherapy = set(trial.immunotherapy_class_list) - NOT_IMMUNOTHERAPY
    return "" if immunotherapy or has_site else OUT_OF_SCOPE


def search_terms(derived: Derived, cancer_type_ids, recogniser: Recogniser) -> str:
    """The derived search text, as trials.search_index.trial_reindex builds it from the stored rows:
    conditions, keywords, each intervention's names and its drugs' names, the linked cancer types."""
    fields = derived.normalised["fields"]
    parts = list(fields["conditions"] or []) + list(fields["keywords"] or [])
    for item, drug_ids in zip(derived.normalised["interventions"], derived.drug_ids, strict=True):
        parts.append(item["name"])
        parts.extend(item["other_names"] or [])
        for drug in sorted((recogniser.drugs[pk] for pk in set(drug_ids)), key=lambda d: d.name):
            parts.extend(drug.all_names())
    types = [recogniser.cancer_types[pk] for pk in cancer_type_ids if pk in recogniser.cancer_types]
    parts.extend(ct.name for ct in sorted(types, key=lambda ct: ct.name))
    return "\n".join(dict.fromkeys(p for p in parts if p))
