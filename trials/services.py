"""Writing ClinicalTrials.gov records into the registry, and recognition re-runs.

Reading and checking records is `trials.ctgov` (legacy XML → v2, parse, schema, normalise, API client);
this module writes, atomically per record. Keyed on the NCT ID inside the record, never on a file name.
Idempotent: each trial stores a fingerprint of what the import derived (fields, interventions with their
recognised drugs, arms, locations with their network units, cancer types, classes), so a record and a
vocabulary that did not change write nothing. Fields that come from ClinicalTrials.gov are refreshed;
local curation (confirmed network sites, local status, curator-set classes, curator-linked cancer types,
line of therapy, notes, publication state) is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from ion_portal.immunotherapy import NOT_IMMUNOTHERAPY

from .criteria.sync import propose_criteria
from .ctgov.client import FetchError, fetch_study
from .ctgov.errors import RecordError
from .ctgov.normalise import normalise_study, parse_age_days, parse_partial_date
from .ctgov.parse import ParsedRecord, iter_files, parse_payload, read_path
from .ctgov.report import ImportReport, RecordResult
from .ctgov.schema import validate_study
from .filters import facet_invalidation_batch
from .history import track_changes
from .models import (
    NCT_ID_RE,
    ArmGroup,
    Intervention,
    RecruitmentStatus,
    Trial,
    TrialLocation,
    TrialSite,
    join_codes,
)
from .recognition import Recogniser
from .search_index import search_vector_expression, trial_reindex, update_search_vectors

__all__ = [
    "UPSTREAM_FIELDS",
    "FetchError",
    "ImportReport",
    "ParsedRecord",
    "Recogniser",
    "RecordError",
    "RecordResult",
    "fetch_study",
    "import_nct_ids",
    "import_paths",
    "import_records",
    "import_upload",
    "parse_age_days",
    "parse_partial_date",
    "parse_payload",
    "search_vector_expression",
    "trial_import",
    "trial_reindex",
    "trials_recognise",
    "update_search_vectors",
]

OUT_OF_SCOPE = "no immunotherapy intervention recognised and no network site"


# --- Writing ------------------------------------------------------------------------------------------
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
class _Derived:
    """What an import derives from one normalised record with the current vocabularies."""

    normalised: dict
    drug_ids: list[list[int]]  # per intervention
    unit_ids: list[list[int]]  # per location
    cancer_type_ids: list[int]
    classes: list[str]
    fingerprint: str


def _derive(normalised: dict, recogniser: Recogniser) -> _Derived:
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
        [normalised, drug_ids, unit_ids, cancer_type_ids, classes], sort_keys=True, default=str
    )
    return _Derived(
        normalised,
        drug_ids,
        unit_ids,
        cancer_type_ids,
        classes,
        hashlib.sha256(payload.encode()).hexdigest(),
    )


def trial_import(
    *,
    study: dict,
    raw: dict | None = None,
    source: str = Trial.Source.JSON,
    publish: bool = False,
    recogniser: Recogniser | None = None,
    label: str = "",
    validated: bool = False,
) -> RecordResult:
    """Create or refresh one trial from a v2-shaped study, atomically; never raises for bad data.

    `validated`: the study's shape was already checked (records from `parse_payload` are)."""
    nct = str(
        (((study or {}).get("protocolSection") or {}).get("identificationModule") or {}).get(
            "nctId", ""
        )
    )
    try:
        if not validated:
            validate_study(study)
        normalised = normalise_study(study)
    except RecordError as exc:
        return RecordResult(label, "failed", nct[:20] if NCT_ID_RE.match(nct) else "", str(exc))
    recogniser = recogniser or Recogniser()
    derived = _derive(normalised, recogniser)
    try:
        with transaction.atomic():
            return _write(
                derived=derived,
                raw=raw if raw is not None else study,
                source=source,
                publish=publish,
                label=label,
            )
    except (RecordError, ValidationError) as exc:
        return RecordResult(label, "failed", normalised["fields"]["nct_id"], _message(exc))
    except DatabaseError as exc:  # e.g. a value the database refuses: nothing was written (atomic)
        return RecordResult(
            label,
            "failed",
            normalised["fields"]["nct_id"],
            f"The database refused the record ({exc}).",
        )


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc)


def _write(*, derived: _Derived, raw, source, publish, label) -> RecordResult:
    fields = derived.normalised["fields"]
    nct_id = fields["nct_id"]
    trial = Trial.objects.select_for_update().filter(nct_id=nct_id).first()
    created = trial is None
    if created:
        trial = Trial(nct_id=nct_id)
    else:
        incoming, stored = fields["last_update_posted"], trial.last_update_posted
        if incoming and stored and incoming < stored:
            return RecordResult(
                label,
                "unchanged",
                nct_id,
                f"older than the stored record (last update {incoming} < {stored}); kept the newer one",
            )
        if trial.import_fingerprint == derived.fingerprint and trial.raw_record == raw:
            return RecordResult(label, "unchanged", nct_id)

    for name in [*UPSTREAM_FIELDS, *DERIVED_FIELDS]:
        setattr(trial, name, fields[name])
    trial.raw_record = raw
    trial.source = source
    trial.last_synced_at = timezone.now()
    trial.import_fingerprint = derived.fingerprint
    if not trial.classes_overridden:
        trial.immunotherapy_classes = join_codes(derived.classes)
    sites = {} if created else {s.unit_id: s for s in TrialSite.all_objects.filter(trial=trial)}
    trial.scope_reason = in_scope_reason(trial, has_site=_has_site(derived, sites))
    if publish and created and not trial.scope_reason:
        trial.status = Trial.Status.PUBLISHED
        trial.published_at = trial.published_at or timezone.now()
    trial.full_clean(validate_unique=False, validate_constraints=False)
    trial.save()  # once: one history row per import
    _write_interventions_and_arms(trial, derived, created=created)
    _write_locations(trial, derived, sites, created=created)
    _link_cancer_types(trial, derived.cancer_type_ids)
    trial_reindex(trial)
    propose_criteria(trial)  # structured eligibility: proposals refreshed, curated ones kept
    return RecordResult(label, "created" if created else "updated", nct_id)


def _has_site(derived: _Derived, sites: dict[int, TrialSite]) -> bool:
    """A confirmed site, or a location matching a unit whose proposal was not rejected."""
    matched = {pk for ids in derived.unit_ids for pk in ids}
    return any(s.state == TrialSite.State.CONFIRMED for s in sites.values()) or any(
        pk not in sites or sites[pk].state != TrialSite.State.REJECTED for pk in matched
    )


def _write_interventions_and_arms(trial: Trial, derived: _Derived, *, created: bool) -> None:
    """Replace the interventions (with every drug each names) and the arm groups, in bulk."""
    normalised = derived.normalised
    if not created:
        trial.interventions.all().delete()  # cascades to the drug and arm links
        trial.arm_groups.all().delete()
    interventions = []
    for item, drug_ids in zip(normalised["interventions"], derived.drug_ids, strict=True):
        values = {k: v for k, v in item.items() if k != "arm_labels"}
        obj = Intervention(trial=trial, drug_id=drug_ids[0] if drug_ids else None, **values)
        _clean(obj, f"armsInterventionsModule.interventions[{item['position']}]")
        interventions.append(obj)
    Intervention.objects.bulk_create(interventions)
    Intervention.drugs.through.objects.bulk_create(
        Intervention.drugs.through(intervention_id=obj.pk, drug_id=pk)
        for obj, ids in zip(interventions, derived.drug_ids, strict=True)
        for pk in ids
    )
    arms = [ArmGroup(trial=trial, **item) for item in normalised["arms"]]
    for arm in arms:
        _clean(arm, f"armsInterventionsModule.armGroups[{arm.position}]")
    ArmGroup.objects.bulk_create(arms)
    # An intervention is in an arm when either side names the other (records often fill only one).
    links = set()
    for arm in arms:
        for obj, item in zip(interventions, normalised["interventions"], strict=True):
            if arm.label in item["arm_labels"] or _names_intervention(arm.intervention_names, obj):
                links.add((arm.pk, obj.pk))
    ArmGroup.interventions.through.objects.bulk_create(
        ArmGroup.interventions.through(armgroup_id=a, intervention_id=i) for a, i in sorted(links)
    )


def _clean(obj, where: str) -> None:
    try:
        obj.full_clean(exclude=["trial", "drug"])
    except ValidationError as exc:
        raise RecordError(
            f"{obj._meta.verbose_name.capitalize()} at {where}: {_message(exc)}"
        ) from None


def _names_intervention(names: list[str], intervention: Intervention) -> bool:
    # v2 writes "Drug: Pembrolizumab" (type prefix), legacy XML the bare name.
    wanted = intervention.name.strip().lower()
    return any(n.split(":", 1)[-1].strip().lower() == wanted for n in names)


def _write_locations(
    trial: Trial, derived: _Derived, sites: dict[int, TrialSite], *, created
) -> None:
    """Replace the registered locations; propose a network site for each matched unit that has no site
    yet. Confirmed and rejected sites are never changed; a proposal whose location vanished is withdrawn."""
    if not created:
        trial.locations.all().delete()
    locations = [
        TrialLocation(trial=trial, unit_id=ids[0] if ids else None, **item)
        for item, ids in zip(derived.normalised["locations"], derived.unit_ids, strict=True)
    ]
    TrialLocation.objects.bulk_create(locations, batch_size=500)
    matched: dict[int, TrialLocation] = {}
    for location, ids in zip(locations, derived.unit_ids, strict=True):
        for pk in ids:
            matched.setdefault(pk, location)
    stale = [
        s.pk for u, s in sites.items() if s.state == TrialSite.State.PROPOSED and u not in matched
    ]
    if stale:
        TrialSite.all_objects.filter(pk__in=stale).delete()
    fallback = (
        trial.overall_status
        if trial.overall_status in RecruitmentStatus.values
        else RecruitmentStatus.ACTIVE_NOT_RECRUITING
    )
    for unit_id, location in matched.items():
        if unit_id not in sites:
            TrialSite.all_objects.create(
                trial=trial,
                unit_id=unit_id,
                state=TrialSite.State.PROPOSED,
                local_status=location.status or fallback,
                proposed_from=str(location)[:500],
            )


def _link_cancer_types(trial: Trial, recognised: list[int]) -> None:
    """Follow the recognition: unlink types only it had linked, link what it finds now; links a
    curator added by hand are kept."""
    previous = set(trial.recognised_cancer_types or [])
    gone = previous - set(recognised)
    if gone:
        trial.cancer_types.remove(*gone)
    if recognised:
        trial.cancer_types.add(*recognised)
    if previous != set(recognised):
        trial.recognised_cancer_types = recognised
        Trial.objects.filter(pk=trial.pk).update(recognised_cancer_types=recognised)


def in_scope_reason(trial: Trial, *, has_site: bool) -> str:
    """Empty when the trial is in the registry's scope (an immunotherapy class or a network site),
    else the reason curators see."""
    immunotherapy = set(trial.immunotherapy_class_list) - NOT_IMMUNOTHERAPY
    return "" if immunotherapy or has_site else OUT_OF_SCOPE


# --- Recognition re-run ----------------------------------------------------------------------------
def trials_recognise(*, queryset=None) -> ImportReport:
    """Re-run recognition (drugs, classes, cancer types, network units) on stored trials after a
    vocabulary change: each trial is re-derived from its stored raw record; unchanged ones write nothing."""
    from .ctgov.legacy import parse_xml  # only needed here and in parse

    report = ImportReport()
    recogniser = Recogniser()
    queryset = queryset if queryset is not None else Trial.objects.all()
    for trial in queryset.only("pk", "nct_id", "raw_record", "source").iterator(chunk_size=200):
        raw = trial.raw_record or {}
        try:
            study = parse_xml(raw["legacyXml"]) if "legacyXml" in raw else raw
        except RecordError as exc:
            report.add(RecordResult(trial.nct_id, "failed", trial.nct_id, str(exc)))
            continue
        if not study.get("protocolSection"):
            report.add(RecordResult(trial.nct_id, "unchanged", trial.nct_id, "no stored record"))
            continue
        report.add(
            trial_import(
                study=study, raw=raw, source=trial.source, recogniser=recogniser, label=trial.nct_id
            )
        )
    return report


# --- Entry points --------------------------------------------------------------------------------------
def _study_nct_id(study: dict) -> str:
    return ((study.get("protocolSection") or {}).get("identificationModule") or {}).get("nctId", "")


def _import_study(*, study, history: bool, **kwargs) -> RecordResult:
    """trial_import(), recording the trial's upstream changes (TrialChange) when `history` is set;
    callers that track a whole batch themselves (sync_ctgov) pass history=False."""
    if not history:
        return trial_import(study=study, **kwargs)
    with track_changes([_study_nct_id(study)]):
        return trial_import(study=study, **kwargs)


@facet_invalidation_batch()  # the cached counts are dropped once per batch, not per saved row
def import_records(
    records: Iterable[ParsedRecord], *, publish: bool = False, history: bool = False
) -> ImportReport:
    """Import parsed records one by one; a bad record is reported and does not stop the others.
    With `history`, each changed trial's upstream changes are recorded (see trials.history)."""
    report, recogniser = ImportReport(), Recogniser()
    for record in records:
        if record.study is None:
            report.add(RecordResult(record.label, "failed", "", record.error))
            continue
        report.add(
            _import_study(
                study=record.study,
                history=history,
                raw=record.raw,
                source=record.source,
                publish=publish,
                recogniser=recogniser,
                label=record.label,
                validated=True,
            )
        )
    return report


def import_paths(*, paths: Iterable[str | Path], publish: bool = False) -> ImportReport:
    """Import every record in the files and folders given."""

    def records():
        for path in iter_files(paths):
            yield from read_path(path)

    return import_records(records(), publish=publish, history=True)


def import_upload(*, name: str, content: bytes, publish: bool = False) -> ImportReport:
    """Import the records of an uploaded file (admin)."""
    return import_records(parse_payload(content, label=name), publish=publish, history=True)


def import_nct_ids(
    *, nct_ids: Iterable[str], publish: bool = False, sleep=time.sleep
) -> ImportReport:
    """Fetch each NCT ID from the ClinicalTrials.gov API v2 and import it."""
    report = ImportReport()
    recogniser = Recogniser()
    for raw_id in nct_ids:
        nct_id = raw_id.strip().upper()
        if not NCT_ID_RE.match(nct_id):
            report.add(
                RecordResult(nct_id, "failed", "", "Invalid NCT ID: expected NCT and eight digits.")
            )
            continue
        try:
            payload = fetch_study(nct_id, sleep=sleep)
        except FetchError as exc:
            report.add(RecordResult(nct_id, "failed", nct_id, str(exc)))
            continue
        for record in parse_payload(payload, label=nct_id, source=Trial.Source.API):
            if record.study is None:
                report.add(RecordResult(record.label, "failed", nct_id, record.error))
                continue
            found = (record.study.get("protocolSection") or {}).get("identificationModule", {})
            if found.get("nctId") != nct_id:
                report.add(
                    RecordResult(
                        record.label,
                        "failed",
                        nct_id,
                        f"The API returned {found.get('nctId') or 'no NCT ID'} for {nct_id}.",
                    )
                )
                continue
            report.add(
                _import_study(
                    study=record.study,
                    history=True,
                    raw=record.raw,
                    source=Trial.Source.API,
                    publish=publish,
                    recogniser=recogniser,
                    label=record.label,
                    validated=True,
                )
            )
    return report
