"""A v2-shaped study → the registry's fields: the Trial columns, interventions, arm groups, locations.

One function per protocol module, each returning plain data (no database access), so every rule can be
tested on its own and the whole record is checked before anything is written. The record's shape (types,
lengths, nesting) has already been validated by `trials.ctgov.schema`; these functions check values
(codes, dates, ages) and raise RecordError with a sentence a curator understands.
"""

from __future__ import annotations

import re
from datetime import date

from trials.models import (
    DAYS_PER_YEAR,
    NCT_ID_RE,
    ArmGroupType,
    InterventionType,
    OverallStatus,
    Phase,
    RecruitmentStatus,
    Sex,
    StudyType,
    join_codes,
)

from .errors import RecordError

# The allowed codes, computed once (an enum's .values builds a new list on every use).
_VALUES = {
    enum: tuple(enum.values)
    for enum in (
        OverallStatus,
        Phase,
        StudyType,
        Sex,
        InterventionType,
        ArmGroupType,
        RecruitmentStatus,
    )
}
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
EU_CT_RE = re.compile(r"\d{4}-5\d{5}-\d{2}-\d{2}")


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
    try:
        m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
        if m:
            return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        m = re.fullmatch(r"([A-Za-z]+)\s+(?:(\d{1,2}),\s*)?(\d{4})", text)
        if m and m.group(1).lower() in MONTHS:
            return date(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2) or 1))
    except ValueError:
        pass  # e.g. 2020-13-45: reported below like any other unreadable date
    raise RecordError(f"Unrecognised date “{text}”.")


def _check(value: str, allowed, what: str) -> str:
    if value and value not in allowed:
        raise RecordError(f"Unknown {what} value “{value}”. Allowed values: {', '.join(allowed)}.")
    return value


def _strip(value) -> str:
    return (value or "").strip()


def _struct_date(status: dict, key: str) -> date | None:
    value = (status.get(key) or {}).get("date")
    try:
        return parse_partial_date(value) if value else None
    except RecordError as exc:
        raise RecordError(f"{exc} (statusModule.{key}.date)") from None


def identification_fields(ident: dict) -> dict:
    """NCT ID, titles, acronym and secondary identifiers (EU CT number picked out)."""
    nct_id = _strip(ident.get("nctId"))
    if not nct_id:
        raise RecordError("The record has no NCT ID (identificationModule.nctId).")
    if not NCT_ID_RE.match(nct_id):
        raise RecordError(f"Invalid NCT ID “{nct_id}”: expected NCT followed by eight digits.")
    title = _strip(ident.get("briefTitle"))
    if not title:
        raise RecordError("The record has no brief title (identificationModule.briefTitle).")
    other_ids = []
    org_id = (ident.get("orgStudyIdInfo") or {}).get("id")
    if org_id:
        other_ids.append({"id": org_id, "type": "ORG_STUDY_ID"})
    eu_ct = ""
    for sec in ident.get("secondaryIdInfos") or []:
        if not sec.get("id"):
            continue
        other_ids.append({k: sec[k] for k in ("id", "type", "domain") if sec.get(k)})
        if sec.get("type") == "CTIS" or EU_CT_RE.fullmatch(sec["id"]):
            eu_ct = sec["id"]
    return {
        "nct_id": nct_id,
        "eu_ct_number": eu_ct,
        "other_ids": other_ids,
        "acronym": _strip(ident.get("acronym"))[:100],
        "brief_title": title[:500],
        "official_title": _strip(ident.get("officialTitle")),
    }


def status_fields(status: dict) -> dict:
    """Overall and last known status, why stopped, the dates."""
    overall = status.get("overallStatus") or ""
    if not overall:
        raise RecordError("The record has no overall status (statusModule.overallStatus).")
    _check(overall, _VALUES[OverallStatus], "overall status")
    verified = status.get("statusVerifiedDate")
    try:
        status_verified = parse_partial_date(verified) if verified else None
    except RecordError as exc:
        raise RecordError(f"{exc} (statusModule.statusVerifiedDate)") from None
    return {
        "overall_status": overall,
        "last_known_status": _check(
            status.get("lastKnownStatus") or "", _VALUES[OverallStatus], "last known status"
        ),
        "why_stopped": _strip(status.get("whyStopped")),
        "start_date": _struct_date(status, "startDateStruct"),
        "primary_completion_date": _struct_date(status, "primaryCompletionDateStruct"),
        "completion_date": _struct_date(status, "completionDateStruct"),
        "first_posted": _struct_date(status, "studyFirstPostDateStruct"),
        "last_update_posted": _struct_date(status, "lastUpdatePostDateStruct"),
        "status_verified": status_verified,
    }


def design_fields(design: dict) -> dict:
    """Study type, phases, purpose, allocation, enrolment."""
    design_info = design.get("designInfo") or {}
    enrollment = design.get("enrollmentInfo") or {}
    return {
        "phases": join_codes(
            [_check(p, _VALUES[Phase], "phase") for p in design.get("phases") or []]
        ),
        "study_type": _check(design.get("studyType") or "", _VALUES[StudyType], "study type"),
        "primary_purpose": design_info.get("primaryPurpose") or "",
        "allocation": design_info.get("allocation") or "",
        "enrollment_count": enrollment.get("count"),
        "enrollment_type": enrollment.get("type") or "",
    }


def eligibility_fields(elig: dict) -> dict:
    """Criteria text, sex, ages (as registered and in days), healthy volunteers."""
    return {
        "eligibility_criteria": _strip(elig.get("eligibilityCriteria")),
        "sex": _check(elig.get("sex") or "", _VALUES[Sex], "sex"),
        "minimum_age": _strip(elig.get("minimumAge")),
        "maximum_age": _strip(elig.get("maximumAge")),
        "minimum_age_days": parse_age_days(elig.get("minimumAge") or ""),
        "maximum_age_days": parse_age_days(elig.get("maximumAge") or ""),
        "healthy_volunteers": elig.get("healthyVolunteers"),
    }


def sponsor_fields(sponsors: dict) -> dict:
    lead = sponsors.get("leadSponsor") or {}
    return {
        "lead_sponsor": _strip(lead.get("name"))[:300],
        "lead_sponsor_class": lead.get("class") or "",
        "collaborators": [
            {"name": c.get("name", ""), "class": c.get("class", "")}
            for c in sponsors.get("collaborators") or []
        ],
    }


def interventions_of(arms_module: dict) -> list[dict]:
    """The interventions as registered, with the labels of the arms that use them."""
    interventions = []
    for position, item in enumerate(arms_module.get("interventions") or []):
        kind = item.get("type") or InterventionType.OTHER
        _check(kind, _VALUES[InterventionType], "intervention type")
        interventions.append(
            {
                "type": kind,
                "name": _strip(item.get("name"))[:300],
                "description": _strip(item.get("description")),
                "other_names": list(item.get("otherNames") or []),
                "arm_labels": [_strip(label) for label in item.get("armGroupLabels") or []],
                "position": position,
            }
        )
    return interventions


def arm_groups_of(arms_module: dict) -> list[dict]:
    """The arm groups (label, type, description, intervention names as registered)."""
    arms = []
    for position, item in enumerate(arms_module.get("armGroups") or []):
        arms.append(
            {
                "label": _strip(item.get("label"))[:300],
                "type": _check(item.get("type") or "", _VALUES[ArmGroupType], "arm group type"),
                "description": _strip(item.get("description")),
                "intervention_names": list(item.get("interventionNames") or []),
                "position": position,
            }
        )
    return arms


def _public_contacts(contacts: list[dict]) -> list[dict]:
    """Only what the registry itself publishes: a name, a telephone number, an e-mail address."""
    kept = []
    for c in contacts or []:
        entry = {k: _strip(c.get(k)) for k in ("name", "role", "phone", "phoneExt", "email")}
        entry = {k: v for k, v in entry.items() if v}
        if entry.get("phone") or entry.get("email"):
            kept.append(entry)
    return kept


def locations_of(module: dict) -> list[dict]:
    """The registered locations (facility, address, site status, geo point, public contacts)."""
    locations = []
    for position, item in enumerate(module.get("locations") or []):
        geo = item.get("geoPoint") or {}
        locations.append(
            {
                "facility": _strip(item.get("facility"))[:300],
                "city": _strip(item.get("city"))[:120],
                "state": _strip(item.get("state"))[:120],
                "zip": _strip(item.get("zip"))[:30],
                "country": _strip(item.get("country"))[:80],
                "status": _check(
                    item.get("status") or "", _VALUES[RecruitmentStatus], "location status"
                ),
                "latitude": geo.get("lat"),
                "longitude": geo.get("lon"),
                "contacts": _public_contacts(item.get("contacts")),
                "position": position,
            }
        )
    return locations


def normalise_study(study: dict) -> dict:
    """The Trial fields, interventions, arm groups and locations of a v2-shaped study.

    RecordError when it is unusable."""
    protocol = study.get("protocolSection") or {}
    conditions = protocol.get("conditionsModule") or {}
    arms_module = protocol.get("armsInterventionsModule") or {}
    contacts_module = protocol.get("contactsLocationsModule") or {}
    fields = {
        **identification_fields(protocol.get("identificationModule") or {}),
        **status_fields(protocol.get("statusModule") or {}),
        **design_fields(protocol.get("designModule") or {}),
        **eligibility_fields(protocol.get("eligibilityModule") or {}),
        **sponsor_fields(protocol.get("sponsorCollaboratorsModule") or {}),
        "brief_summary": _strip((protocol.get("descriptionModule") or {}).get("briefSummary")),
        "conditions": list(conditions.get("conditions") or []),
        "keywords": list(conditions.get("keywords") or []),
        "central_contacts": _public_contacts(contacts_module.get("centralContacts")),
    }
    return {
        "fields": fields,
        "interventions": interventions_of(arms_module),
        "arms": arm_groups_of(arms_module),
        "locations": locations_of(contacts_module),
    }
