"""Import of ClinicalTrials.gov records: files (API v2 JSON, API v2 search pages, legacy XML) and the API v2.

Every record is normalised to the API v2 shape first (legacy XML display values are mapped to the v2
codes), then written by `trial_import()`, atomically per record. Keyed on the NCT ID inside the record,
never on a file name. Idempotent: a record equal to what is stored writes nothing. Fields that come from
ClinicalTrials.gov are refreshed; local curation (network sites, local status, immunotherapy classes,
line of therapy, notes, publication state) is never overwritten. Recognised cancer types are only added.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from textwrap import dedent

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from ion_portal.models import CancerType

from .models import (
    DAYS_PER_YEAR,
    NCT_ID_RE,
    Drug,
    InterventionType,
    OverallStatus,
    Phase,
    Sex,
    StudyType,
    Trial,
    join_codes,
)

logger = logging.getLogger(__name__)


class RecordError(Exception):
    """A record that cannot be imported; the message says why, in terms a curator understands."""


# --- Report ---------------------------------------------------------------------------------------------
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


# --- Legacy XML → API v2 shape -----------------------------------------------------------------------
LEGACY_STATUS = {
    "unknown status": "UNKNOWN",
    "available": "AVAILABLE",
    "no longer available": "NO_LONGER_AVAILABLE",
    "temporarily not available": "TEMPORARILY_NOT_AVAILABLE",
    "approved for marketing": "APPROVED_FOR_MARKETING",
    "withheld": "WITHHELD",
}
LEGACY_PHASE = {
    "n/a": ["NA"],
    "early phase 1": ["EARLY_PHASE1"],
    "phase 1": ["PHASE1"],
    "phase 2": ["PHASE2"],
    "phase 3": ["PHASE3"],
    "phase 4": ["PHASE4"],
    "phase 1/phase 2": ["PHASE1", "PHASE2"],
    "phase 2/phase 3": ["PHASE2", "PHASE3"],
}
LEGACY_STUDY_TYPE = {
    "interventional": "INTERVENTIONAL",
    "observational": "OBSERVATIONAL",
    "observational [patient registry]": "OBSERVATIONAL",
    "expanded access": "EXPANDED_ACCESS",
    "n/a": "",
}
LEGACY_AGENCY_CLASS = {"u.s. fed": "FED", "industry": "INDUSTRY", "nih": "NIH", "other": "OTHER"}
LEGACY_PURPOSE = {"educational/counseling/training": "ECT"}
LEGACY_DATE_TYPE = {"anticipated": "ESTIMATED", "estimate": "ESTIMATED", "actual": "ACTUAL"}


def _code(text: str) -> str:
    """A legacy display value as a v2-style code: "Active, not recruiting" -> "ACTIVE_NOT_RECRUITING"."""
    return re.sub(r"[^A-Z0-9]+", "_", text.strip().upper()).strip("_")


def _text(node, path: str) -> str:
    found = node.find(path)
    if found is None:
        return ""
    return dedent("".join(found.itertext())).strip()


def _legacy_date(node, tag: str) -> dict | None:
    found = node.find(tag)
    if found is None or not (found.text or "").strip():
        return None
    parsed = parse_partial_date(found.text.strip())
    struct = {"date": parsed.isoformat() if parsed else found.text.strip()}
    if found.get("type"):
        struct["type"] = LEGACY_DATE_TYPE.get(found.get("type").lower(), _code(found.get("type")))
    return struct


def legacy_xml_to_v2(root) -> dict:
    """The v2-shaped study (protocolSection subset) of a legacy <clinical_study> element."""
    if root.tag != "clinical_study":
        raise RecordError(
            f"Not a ClinicalTrials.gov record: the XML root is <{root.tag}>, not <clinical_study>."
        )
    ident = {
        "nctId": _text(root, "id_info/nct_id"),
        "briefTitle": _text(root, "brief_title"),
        "officialTitle": _text(root, "official_title"),
        "acronym": _text(root, "acronym"),
        "orgStudyIdInfo": {"id": _text(root, "id_info/org_study_id")},
        "secondaryIdInfos": [
            {"id": (e.text or "").strip()} for e in root.findall("id_info/secondary_id")
        ],
    }
    raw_status = _text(root, "overall_status")
    status_code = LEGACY_STATUS.get(raw_status.lower(), _code(raw_status)) if raw_status else ""
    status = {"overallStatus": status_code}
    last_known = _text(root, "last_known_status")
    if last_known:
        status["lastKnownStatus"] = LEGACY_STATUS.get(last_known.lower(), _code(last_known))
    if _text(root, "why_stopped"):
        status["whyStopped"] = _text(root, "why_stopped")
    for tag, key in (
        ("start_date", "startDateStruct"),
        ("primary_completion_date", "primaryCompletionDateStruct"),
        ("completion_date", "completionDateStruct"),
        ("study_first_posted", "studyFirstPostDateStruct"),
        ("last_update_posted", "lastUpdatePostDateStruct"),
    ):
        struct = _legacy_date(root, tag)
        if struct:
            status[key] = struct
    # Older files carry the pre-2017 names of the posting dates.
    if "studyFirstPostDateStruct" not in status and _legacy_date(root, "firstreceived_date"):
        status["studyFirstPostDateStruct"] = _legacy_date(root, "firstreceived_date")
    if "lastUpdatePostDateStruct" not in status and _legacy_date(root, "lastchanged_date"):
        status["lastUpdatePostDateStruct"] = _legacy_date(root, "lastchanged_date")
    verified = _legacy_date(root, "verification_date")
    if verified:
        status["statusVerifiedDate"] = verified["date"]

    phase_text = _text(root, "phase").lower()
    design: dict = {}
    study_type = _text(root, "study_type")
    if study_type:
        design["studyType"] = LEGACY_STUDY_TYPE.get(study_type.lower(), _code(study_type))
    if phase_text:
        if phase_text not in LEGACY_PHASE:
            raise RecordError(f"Unknown phase value “{_text(root, 'phase')}”.")
        design["phases"] = LEGACY_PHASE[phase_text]
    design_info = {}
    if _text(root, "study_design_info/allocation"):
        design_info["allocation"] = _code(_text(root, "study_design_info/allocation"))
    purpose = _text(root, "study_design_info/primary_purpose")
    if purpose:
        design_info["primaryPurpose"] = LEGACY_PURPOSE.get(purpose.lower(), _code(purpose))
    if design_info:
        design["designInfo"] = design_info
    enrollment = root.find("enrollment")
    if enrollment is not None and (enrollment.text or "").strip():
        info = {"count": int(enrollment.text.strip())}
        if enrollment.get("type"):
            info["type"] = LEGACY_DATE_TYPE.get(
                enrollment.get("type").lower(), _code(enrollment.get("type"))
            )
        design["enrollmentInfo"] = info

    interventions = []
    for node in root.findall("intervention"):
        raw_type = _text(node, "intervention_type")
        item = {
            "type": _code(raw_type) if raw_type else "",
            "name": _text(node, "intervention_name"),
        }
        if _text(node, "description"):
            item["description"] = _text(node, "description")
        others = [(e.text or "").strip() for e in node.findall("other_name") if e.text]
        if others:
            item["otherNames"] = others
        interventions.append(item)

    eligibility: dict = {}
    elig = root.find("eligibility")
    if elig is not None:
        if _text(elig, "criteria/textblock"):
            eligibility["eligibilityCriteria"] = _text(elig, "criteria/textblock")
        gender = _text(elig, "gender")
        if gender:
            eligibility["sex"] = gender.upper()
        for tag, key in (("minimum_age", "minimumAge"), ("maximum_age", "maximumAge")):
            value = _text(elig, tag)
            if value and value.upper() != "N/A":
                eligibility[key] = value
        healthy = _text(elig, "healthy_volunteers").lower()
        if healthy:
            eligibility["healthyVolunteers"] = healthy.startswith(("yes", "accepts"))

    def agency(node) -> dict:
        klass = _text(node, "agency_class")
        return {
            "name": _text(node, "agency"),
            "class": LEGACY_AGENCY_CLASS.get(klass.lower(), _code(klass)) if klass else "",
        }

    sponsors = {}
    lead = root.find("sponsors/lead_sponsor")
    if lead is not None:
        sponsors["leadSponsor"] = agency(lead)
    sponsors["collaborators"] = [agency(n) for n in root.findall("sponsors/collaborator")]

    return {
        "protocolSection": {
            "identificationModule": ident,
            "statusModule": status,
            "sponsorCollaboratorsModule": sponsors,
            "descriptionModule": {"briefSummary": _text(root, "brief_summary/textblock")},
            "conditionsModule": {
                "conditions": [(e.text or "").strip() for e in root.findall("condition") if e.text],
                "keywords": [(e.text or "").strip() for e in root.findall("keyword") if e.text],
            },
            "designModule": design,
            "armsInterventionsModule": {"interventions": interventions},
            "eligibilityModule": eligibility,
        }
    }


# --- Parsing files and payloads -------------------------------------------------------------------------
@dataclass
class ParsedRecord:
    label: str
    study: dict | None  # v2-shaped study, or None when the record could not be read
    raw: dict | None
    source: str
    error: str = ""


def _parse_xml(text: str, label: str) -> ParsedRecord:
    # Entities and DTDs are refused outright: a study record never needs one, and refusing them closes
    # the door to entity-expansion attacks through an uploaded file.
    if re.search(r"<!(DOCTYPE|ENTITY)", text[:5000]):
        return ParsedRecord(
            label, None, None, Trial.Source.XML, "XML with a DOCTYPE or ENTITY is not accepted."
        )
    try:
        root = ET.fromstring(text)  # noqa: S314 (see above)
    except ET.ParseError as exc:
        return ParsedRecord(label, None, None, Trial.Source.XML, f"Malformed XML: {exc}.")
    try:
        study = legacy_xml_to_v2(root)
    except (RecordError, ValueError) as exc:
        return ParsedRecord(label, None, None, Trial.Source.XML, str(exc))
    return ParsedRecord(label, study, {"legacyXml": text}, Trial.Source.XML)


def parse_payload(payload: bytes | str, *, label: str, source: str = "") -> list[ParsedRecord]:
    """The records in one file or API response: a v2 study, a v2 search page or a legacy XML study."""
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [ParsedRecord(label, None, None, source, "The file is not UTF-8 text.")]
    text = payload.strip()
    if not text:
        return [ParsedRecord(label, None, None, source, "The file is empty.")]
    if text.startswith("<"):
        return [_parse_xml(text, label)]
    source = source or Trial.Source.JSON
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [ParsedRecord(label, None, None, source, f"Malformed JSON: {exc}.")]
    if isinstance(data, dict) and isinstance(data.get("studies"), list):
        records = []
        for index, study in enumerate(data["studies"]):
            item_label = f"{label}[{index}]"
            if isinstance(study, dict) and "protocolSection" in study:
                records.append(ParsedRecord(item_label, study, study, source))
            else:
                records.append(
                    ParsedRecord(
                        item_label, None, None, source, "Not a ClinicalTrials.gov study record."
                    )
                )
        return records
    if isinstance(data, dict) and isinstance(data.get("protocolSection"), dict):
        return [ParsedRecord(label, data, data, source)]
    return [
        ParsedRecord(
            label,
            None,
            None,
            source,
            "Not a ClinicalTrials.gov study record (no protocolSection and no studies list).",
        )
    ]


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named directly, and the .json/.xml files under folders (sorted, so reports are stable)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".xml")
            )
        else:
            yield path


# --- Normalisation ----------------------------------------------------------------------------------
AGE_UNITS = {"year": DAYS_PER_YEAR, "month": 30, "week": 7, "day": 1, "hour": 0, "minute": 0}
MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def parse_age_days(text: str) -> int | None:
    """ "18 Years" -> 6570; "6 Months" -> 180; empty or "N/A" -> None (no limit)."""
    text = (text or "").strip()
    if not text or text.upper() == "N/A":
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([A-Za-z]+?)s?", text)
    if not match or match.group(2).lower() not in AGE_UNITS:
        raise RecordError(f"Unrecognised age “{text}” (expected e.g. “18 Years”).")
    return int(float(match.group(1)) * AGE_UNITS[match.group(2).lower()])


def parse_partial_date(text: str) -> date | None:
    """ISO dates, partial ISO dates ("2020-04" -> 1 April 2020) and legacy display dates."""
    text = (text or "").strip()
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if m:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    m = re.fullmatch(r"([A-Za-z]+)\s+(?:(\d{1,2}),\s*)?(\d{4})", text)
    if m and m.group(1).lower() in MONTHS:
        return date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2) or 1))
    raise RecordError(f"Unrecognised date “{text}”.")


def _struct_date(status: dict, key: str) -> date | None:
    value = (status.get(key) or {}).get("date") if isinstance(status.get(key), dict) else None
    return parse_partial_date(value) if value else None


def _check(value: str, allowed, what: str) -> str:
    if value and value not in allowed:
        raise RecordError(f"Unknown {what} value “{value}”. Allowed values: {', '.join(allowed)}.")
    return value


def normalise_study(study: dict) -> dict:
    """The Trial fields and interventions of a v2-shaped study; RecordError when it is unusable."""
    protocol = study.get("protocolSection") or {}
    ident = protocol.get("identificationModule") or {}
    status = protocol.get("statusModule") or {}
    design = protocol.get("designModule") or {}
    conditions = protocol.get("conditionsModule") or {}
    elig = protocol.get("eligibilityModule") or {}
    sponsors = protocol.get("sponsorCollaboratorsModule") or {}
    arms = protocol.get("armsInterventionsModule") or {}

    nct_id = (ident.get("nctId") or "").strip()
    if not nct_id:
        raise RecordError("The record has no NCT ID (identificationModule.nctId).")
    if not NCT_ID_RE.match(nct_id):
        raise RecordError(f"Invalid NCT ID “{nct_id}”: expected NCT followed by eight digits.")
    overall = status.get("overallStatus") or ""
    if not overall:
        raise RecordError("The record has no overall status.")
    _check(overall, OverallStatus.values, "overall status")
    last_known = _check(
        status.get("lastKnownStatus") or "", OverallStatus.values, "last known status"
    )
    phases = [_check(p, Phase.values, "phase") for p in design.get("phases") or []]
    study_type = _check(design.get("studyType") or "", StudyType.values, "study type")
    sex = _check(elig.get("sex") or "", Sex.values, "sex")
    title = (ident.get("briefTitle") or "").strip()
    if not title:
        raise RecordError("The record has no brief title.")

    interventions = []
    for position, item in enumerate(arms.get("interventions") or []):
        kind = item.get("type") or InterventionType.OTHER
        _check(kind, InterventionType.values, "intervention type")
        interventions.append(
            {
                "type": kind,
                "name": (item.get("name") or "").strip()[:300],
                "description": (item.get("description") or "").strip(),
                "other_names": list(item.get("otherNames") or []),
                "position": position,
            }
        )

    other_ids = []
    org_id = (ident.get("orgStudyIdInfo") or {}).get("id")
    if org_id:
        other_ids.append({"id": org_id, "type": "ORG_STUDY_ID"})
    eu_ct = ""
    for sec in ident.get("secondaryIdInfos") or []:
        if not sec.get("id"):
            continue
        entry = {"id": sec["id"]}
        if sec.get("type"):
            entry["type"] = sec["type"]
        if sec.get("domain"):
            entry["domain"] = sec["domain"]
        other_ids.append(entry)
        if sec.get("type") == "CTIS" or re.fullmatch(r"\d{4}-5\d{5}-\d{2}-\d{2}", sec["id"]):
            eu_ct = sec["id"]

    design_info = design.get("designInfo") or {}
    enrollment = design.get("enrollmentInfo") or {}
    lead = sponsors.get("leadSponsor") or {}
    verified = status.get("statusVerifiedDate")
    fields = {
        "nct_id": nct_id,
        "eu_ct_number": eu_ct,
        "other_ids": other_ids,
        "acronym": (ident.get("acronym") or "").strip()[:100],
        "brief_title": title[:500],
        "official_title": (ident.get("officialTitle") or "").strip(),
        "brief_summary": (
            (protocol.get("descriptionModule") or {}).get("briefSummary") or ""
        ).strip(),
        "overall_status": overall,
        "last_known_status": last_known,
        "why_stopped": (status.get("whyStopped") or "").strip(),
        "phases": join_codes(phases),
        "study_type": study_type,
        "primary_purpose": design_info.get("primaryPurpose") or "",
        "allocation": design_info.get("allocation") or "",
        "enrollment_count": enrollment.get("count"),
        "enrollment_type": enrollment.get("type") or "",
        "start_date": _struct_date(status, "startDateStruct"),
        "primary_completion_date": _struct_date(status, "primaryCompletionDateStruct"),
        "completion_date": _struct_date(status, "completionDateStruct"),
        "first_posted": _struct_date(status, "studyFirstPostDateStruct"),
        "last_update_posted": _struct_date(status, "lastUpdatePostDateStruct"),
        "status_verified": parse_partial_date(verified) if verified else None,
        "conditions": list(conditions.get("conditions") or []),
        "keywords": list(conditions.get("keywords") or []),
        "eligibility_criteria": (elig.get("eligibilityCriteria") or "").strip(),
        "sex": sex,
        "minimum_age": (elig.get("minimumAge") or "").strip(),
        "maximum_age": (elig.get("maximumAge") or "").strip(),
        "minimum_age_days": parse_age_days(elig.get("minimumAge") or ""),
        "maximum_age_days": parse_age_days(elig.get("maximumAge") or ""),
        "healthy_volunteers": elig.get("healthyVolunteers"),
        "lead_sponsor": (lead.get("name") or "").strip()[:300],
        "lead_sponsor_class": lead.get("class") or "",
        "collaborators": [
            {"name": c.get("name", ""), "class": c.get("class", "")}
            for c in sponsors.get("collaborators") or []
        ],
    }
    return {"fields": fields, "interventions": interventions}


# --- Recognition: conditions → CancerType, interventions → Drug --------------------------------------
def _norm(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip() + " "


class Recogniser:
    """Looks up cancer types and drugs from free text; built once per import run."""

    def __init__(self):
        self.cancer_types = list(CancerType.objects.select_related("parent"))
        self._ct_terms = []
        for ct in self.cancer_types:
            for term in [ct.name, *ct.synonym_list]:
                # Short all-capital synonyms (ALL, HCC, RCC) only match as written: "all" is a word.
                case_sensitive = len(term) <= 5 and term.isupper()
                pattern = re.compile(
                    r"(?<![A-Za-z0-9])" + re.escape(term) + r"(?![A-Za-z0-9])",
                    0 if case_sensitive else re.IGNORECASE,
                )
                self._ct_terms.append((pattern, ct))
        self.drugs = list(Drug.objects.all())
        self._drug_terms = sorted(
            ((_norm(term), drug) for drug in self.drugs for term in drug.all_names()),
            key=lambda pair: -len(pair[0]),
        )

    def cancer_types_for(self, conditions: list[str]) -> set[int]:
        """Ids of the cancer types named in the conditions, plus their broader types."""
        found: set[int] = set()
        for condition in conditions:
            spans = []
            for pattern, ct in self._ct_terms:
                for m in pattern.finditer(condition):
                    spans.append((m.start(), m.end(), ct))
            for start, end, ct in spans:
                # "non-small cell lung cancer" contains "small cell lung cancer": keep the longest.
                inside = any(
                    s <= start and end <= e and (e - s) > (end - start) and other.pk != ct.pk
                    for s, e, other in spans
                )
                if not inside:
                    found.add(ct.pk)
                    found.update(a.pk for a in ct.ancestors())
        return found

    def drug_for(self, name: str, other_names: list[str]) -> Drug | None:
        """The drug an intervention names (in its name or other names), longest term first."""
        texts = [_norm(t) for t in [name, *other_names]]
        for term, drug in self._drug_terms:
            if len(term.strip()) < 3:
                continue
            if any(term in text for text in texts):
                return drug
        return None


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


def _intervention_key(item: dict) -> tuple:
    return (
        item["type"],
        item["name"],
        item["description"],
        tuple(item["other_names"]),
        item["drug_id"],
        item["position"],
    )


def trial_import(
    *,
    study: dict,
    raw: dict | None = None,
    source: str = Trial.Source.JSON,
    publish: bool = False,
    recogniser: Recogniser | None = None,
    label: str = "",
) -> RecordResult:
    """Create or refresh one trial from a v2-shaped study, atomically; never raises for bad data."""
    try:
        normalised = normalise_study(study)
    except (RecordError, ValueError, TypeError, AttributeError) as exc:
        nct = ((study or {}).get("protocolSection") or {}).get("identificationModule", {})
        return RecordResult(label, "failed", str(nct.get("nctId", ""))[:20], _message(exc))
    fields = normalised["fields"]
    nct_id = fields["nct_id"]
    recogniser = recogniser or Recogniser()
    raw = raw if raw is not None else study
    try:
        with transaction.atomic():
            return _write(
                fields=fields,
                interventions=normalised["interventions"],
                raw=raw,
                source=source,
                publish=publish,
                recogniser=recogniser,
                label=label,
            )
    except (RecordError, ValidationError) as exc:
        return RecordResult(label, "failed", nct_id, _message(exc))


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc)


def _write(*, fields, interventions, raw, source, publish, recogniser, label) -> RecordResult:
    nct_id = fields["nct_id"]
    for item in interventions:
        drug = recogniser.drug_for(item["name"], item["other_names"])
        item["drug_id"] = drug.pk if drug else None
    cancer_type_ids = recogniser.cancer_types_for(fields["conditions"])

    trial = Trial.objects.select_for_update().filter(nct_id=nct_id).first()
    created = trial is None
    if created:
        trial = Trial(nct_id=nct_id)
        drug_classes = {d.pk: d.immunotherapy_class for d in recogniser.drugs}
        trial.immunotherapy_classes = join_codes(
            sorted({drug_classes.get(i["drug_id"]) for i in interventions} - {None, ""})
        )
        if publish:
            trial.status = Trial.Status.PUBLISHED
    else:
        incoming, stored = fields["last_update_posted"], trial.last_update_posted
        if incoming and stored and incoming < stored:
            return RecordResult(
                label,
                "unchanged",
                nct_id,
                f"older than the stored record (last update {incoming} < {stored}); kept the newer one",
            )
        existing = [
            {
                "type": i.type,
                "name": i.name,
                "description": i.description,
                "other_names": i.other_names,
                "drug_id": i.drug_id,
                "position": i.position,
            }
            for i in trial.interventions.all()
        ]
        same = (
            all(getattr(trial, name) == fields[name] for name in UPSTREAM_FIELDS)
            and trial.raw_record == raw
            and [_intervention_key(i) for i in existing]
            == [_intervention_key(i) for i in interventions]
            and cancer_type_ids <= set(trial.cancer_types.values_list("pk", flat=True))
        )
        if same:
            return RecordResult(label, "unchanged", nct_id)

    for name in UPSTREAM_FIELDS:
        setattr(trial, name, fields[name])
    trial.raw_record = raw
    trial.source = source
    trial.last_synced_at = timezone.now()
    trial.full_clean(validate_unique=False, validate_constraints=False)
    trial.save()
    trial.interventions.all().delete()
    objs = [trial.interventions.model(trial=trial, **item) for item in interventions]
    for obj in objs:
        obj.full_clean(exclude=["trial"])
    trial.interventions.bulk_create(objs)
    if cancer_type_ids:
        trial.cancer_types.add(*cancer_type_ids)  # add only: curators may have linked more
    trial_reindex(trial)
    return RecordResult(label, "created" if created else "updated", nct_id)


def trial_reindex(trial: Trial) -> None:
    """Recompute the derived search text (and, on PostgreSQL, the weighted search vector) of a trial."""
    parts = list(trial.conditions or []) + list(trial.keywords or [])
    for item in trial.interventions.select_related("drug"):
        parts.append(item.name)
        parts.extend(item.other_names or [])
        if item.drug:
            parts.extend(item.drug.all_names())
    parts.extend(ct.name for ct in trial.cancer_types.all())
    search_terms = "\n".join(dict.fromkeys(p for p in parts if p))
    Trial.objects.filter(pk=trial.pk).update(search_terms=search_terms)
    trial.search_terms = search_terms
    update_search_vectors(Trial.objects.filter(pk=trial.pk))


def search_vector_expression():
    """Weighted tsvector: ids and titles (A) > conditions and drugs (B) > summary (C)."""
    from django.contrib.postgres.search import SearchVector
    from django.db.models import TextField, Value
    from django.db.models.functions import Coalesce

    def vec(name, weight):
        text = Coalesce(name, Value(""), output_field=TextField())
        return SearchVector(text, weight=weight, config="english")

    return (
        vec("nct_id", "A")
        + vec("acronym", "A")
        + vec("brief_title", "A")
        + vec("official_title", "A")
        + vec("search_terms", "B")
        + vec("brief_summary", "C")
    )


def update_search_vectors(queryset) -> int:
    """Refresh search_vector for the queryset (PostgreSQL only; elsewhere a no-op)."""
    if connection.vendor != "postgresql":
        return 0
    return queryset.update(search_vector=search_vector_expression())


# --- Entry points --------------------------------------------------------------------------------------
def import_records(records: Iterable[ParsedRecord], *, publish: bool = False) -> ImportReport:
    """Import parsed records one by one; a bad record is reported and does not stop the others."""
    report = ImportReport()
    recogniser = Recogniser()
    for record in records:
        if record.study is None:
            report.add(RecordResult(record.label, "failed", "", record.error))
            continue
        report.add(
            trial_import(
                study=record.study,
                raw=record.raw,
                source=record.source,
                publish=publish,
                recogniser=recogniser,
                label=record.label,
            )
        )
    return report


def import_paths(*, paths: Iterable[str | Path], publish: bool = False) -> ImportReport:
    """Import every record in the files and folders given."""

    def records():
        for path in iter_files(paths):
            try:
                payload = path.read_bytes()
            except OSError as exc:
                yield ParsedRecord(str(path), None, None, "", f"Cannot read the file: {exc}.")
                continue
            yield from parse_payload(payload, label=str(path))

    return import_records(records(), publish=publish)


def import_upload(*, name: str, content: bytes, publish: bool = False) -> ImportReport:
    """Import the records of an uploaded file (admin)."""
    return import_records(parse_payload(content, label=name), publish=publish)


# --- ClinicalTrials.gov API v2 ---------------------------------------------------------------------
class FetchError(Exception):
    """The API did not give us the record; the message says why."""


def fetch_study(nct_id: str, *, sleep=time.sleep) -> bytes:
    """GET /studies/{nct_id} from CTGOV_API_URL with a timeout, retrying 429 (honouring Retry-After),
    5xx and timeouts; FetchError when it still fails."""
    base = settings.CTGOV_API_URL.rstrip("/")
    url = f"{base}/studies/{nct_id}?format=json"
    attempts = settings.CTGOV_RETRIES + 1
    last_problem = ""
    for attempt in range(1, attempts + 1):
        wait = settings.CTGOV_RETRY_BACKOFF * (2 ** (attempt - 1))
        request = urllib.request.Request(  # noqa: S310 (the base URL is a validated http(s) setting)
            url, headers={"Accept": "application/json", "User-Agent": "ION-Portal/1.0"}
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.CTGOV_TIMEOUT) as response:  # noqa: S310
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise FetchError("Not found on ClinicalTrials.gov (HTTP 404).") from exc
            if exc.code == 429:
                last_problem = "rate limited (HTTP 429)"
                retry_after = exc.headers.get("Retry-After", "")
                if retry_after.strip().isdigit():
                    wait = float(retry_after.strip())
            elif exc.code >= 500:
                last_problem = f"server error (HTTP {exc.code})"
            else:
                raise FetchError(f"ClinicalTrials.gov answered HTTP {exc.code}.") from exc
        except TimeoutError as exc:
            last_problem = f"timed out after {settings.CTGOV_TIMEOUT} s"
            logger.info("CT.gov %s: %s", nct_id, exc)
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                last_problem = f"timed out after {settings.CTGOV_TIMEOUT} s"
            else:
                raise FetchError(f"Cannot reach ClinicalTrials.gov: {exc.reason}.") from exc
        if attempt < attempts:
            sleep(min(wait, settings.CTGOV_MAX_RETRY_WAIT))
    raise FetchError(f"Gave up after {attempts} attempts: {last_problem}.")


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
                trial_import(
                    study=record.study,
                    raw=record.raw,
                    source=Trial.Source.API,
                    publish=publish,
                    recogniser=recogniser,
                    label=record.label,
                )
            )
    return report


def new_drug(name: str, *, immunotherapy_class: str = "", synonyms: Iterable[str] = ()) -> Drug:
    """Create a drug vocabulary entry (curators mostly do this in admin)."""
    return Drug.objects.create(
        name=name,
        slug=slugify(name),
        immunotherapy_class=immunotherapy_class,
        synonyms="\n".join(synonyms),
    )
