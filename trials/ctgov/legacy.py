"""Legacy ClinicalTrials.gov XML (`<clinical_study>`) → the API v2 study shape.

The XML uses display text ("Active, not recruiting", "Phase 1/Phase 2") where v2 uses codes; the tables
below map them. Parsing goes through defusedxml, which refuses DTDs, entity declarations and external
references anywhere in the document (not only in a prefix), so an upload cannot expand entities.
"""

from __future__ import annotations

import re
from textwrap import dedent
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .errors import RecordError
from .normalise import parse_partial_date

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
LEGACY_ROLE = {
    "principal investigator": "PRINCIPAL_INVESTIGATOR",
    "sub-investigator": "SUB_INVESTIGATOR",
    "study chair": "STUDY_CHAIR",
    "study director": "STUDY_DIRECTOR",
}


def code(text: str) -> str:
    """A legacy display value as a v2-style code: "Active, not recruiting" -> "ACTIVE_NOT_RECRUITING"."""
    return re.sub(r"[^A-Z0-9]+", "_", text.strip().upper()).strip("_")


def _text(node: Element, path: str) -> str:
    found = node.find(path)
    if found is None:
        return ""
    return dedent("".join(found.itertext())).strip()


def _texts(node: Element, path: str) -> list[str]:
    return [(e.text or "").strip() for e in node.findall(path) if (e.text or "").strip()]


def _legacy_date(node: Element, tag: str) -> dict | None:
    found = node.find(tag)
    if found is None or not (found.text or "").strip():
        return None
    parsed = parse_partial_date(found.text.strip())
    struct = {"date": parsed.isoformat() if parsed else found.text.strip()}
    if found.get("type"):
        struct["type"] = LEGACY_DATE_TYPE.get(found.get("type").lower(), code(found.get("type")))
    return struct


def parse_xml(text: str) -> dict:
    """The v2-shaped study of a legacy XML document; RecordError when it is unsafe or not a record."""
    try:
        root = fromstring(text, forbid_dtd=True)
    except DefusedXmlException:
        raise RecordError(
            "XML with a DOCTYPE, ENTITY or external reference is not accepted."
        ) from None
    except ParseError as exc:
        raise RecordError(f"Malformed XML: {exc}.") from None
    return legacy_xml_to_v2(root)


def _identification(root: Element) -> dict:
    return {
        "nctId": _text(root, "id_info/nct_id"),
        "briefTitle": _text(root, "brief_title"),
        "officialTitle": _text(root, "official_title"),
        "acronym": _text(root, "acronym"),
        "orgStudyIdInfo": {"id": _text(root, "id_info/org_study_id")},
        "secondaryIdInfos": [{"id": value} for value in _texts(root, "id_info/secondary_id")],
    }


def _status(root: Element) -> dict:
    raw_status = _text(root, "overall_status")
    status = {"overallStatus": LEGACY_STATUS.get(raw_status.lower(), code(raw_status))}
    if not raw_status:
        status["overallStatus"] = ""
    last_known = _text(root, "last_known_status")
    if last_known:
        status["lastKnownStatus"] = LEGACY_STATUS.get(last_known.lower(), code(last_known))
    if _text(root, "why_stopped"):
        status["whyStopped"] = _text(root, "why_stopped")
    for tag, key in (
        ("start_date", "startDateStruct"),
        ("primary_completion_date", "primaryCompletionDateStruct"),
        ("completion_date", "completionDateStruct"),
        ("study_first_posted", "studyFirstPostDateStruct"),
        ("last_update_posted", "lastUpdatePostDateStruct"),
        # Older files carry the pre-2017 names of the posting dates.
        ("firstreceived_date", "studyFirstPostDateStruct"),
        ("lastchanged_date", "lastUpdatePostDateStruct"),
    ):
        struct = _legacy_date(root, tag)
        if struct and key not in status:
            status[key] = struct
    verified = _legacy_date(root, "verification_date")
    if verified:
        status["statusVerifiedDate"] = verified["date"]
    return status


def _design(root: Element) -> dict:
    design: dict = {}
    study_type = _text(root, "study_type")
    if study_type:
        design["studyType"] = LEGACY_STUDY_TYPE.get(study_type.lower(), code(study_type))
    phase_text = _text(root, "phase")
    if phase_text:
        if phase_text.lower() not in LEGACY_PHASE:
            raise RecordError(f"Unknown phase value “{phase_text}”.")
        design["phases"] = LEGACY_PHASE[phase_text.lower()]
    design_info = {}
    if _text(root, "study_design_info/allocation"):
        design_info["allocation"] = code(_text(root, "study_design_info/allocation"))
    purpose = _text(root, "study_design_info/primary_purpose")
    if purpose:
        design_info["primaryPurpose"] = LEGACY_PURPOSE.get(purpose.lower(), code(purpose))
    if design_info:
        design["designInfo"] = design_info
    enrollment = root.find("enrollment")
    if enrollment is not None and (enrollment.text or "").strip():
        count = enrollment.text.strip()
        if not count.isdigit():
            raise RecordError(f"Enrolment “{count}” is not a whole number (<enrollment>).")
        info: dict = {"count": int(count)}
        if enrollment.get("type"):
            kind = enrollment.get("type")
            info["type"] = LEGACY_DATE_TYPE.get(kind.lower(), code(kind))
        design["enrollmentInfo"] = info
    return design


def _arms_interventions(root: Element) -> dict:
    interventions = []
    for node in root.findall("intervention"):
        raw_type = _text(node, "intervention_type")
        item: dict = {
            "type": code(raw_type) if raw_type else "",
            "name": _text(node, "intervention_name"),
        }
        if _text(node, "description"):
            item["description"] = _text(node, "description")
        if others := _texts(node, "other_name"):
            item["otherNames"] = others
        if labels := _texts(node, "arm_group_label"):
            item["armGroupLabels"] = labels
        interventions.append(item)
    arms = []
    for node in root.findall("arm_group"):
        arm: dict = {"label": _text(node, "arm_group_label")}
        if _text(node, "arm_group_type"):
            arm["type"] = code(_text(node, "arm_group_type"))
        if _text(node, "description"):
            arm["description"] = _text(node, "description")
        names = [i["name"] for i in interventions if arm["label"] in i.get("armGroupLabels", [])]
        if names:
            arm["interventionNames"] = names
        arms.append(arm)
    module: dict = {"interventions": interventions}
    if arms:
        module["armGroups"] = arms
    return module


def _eligibility(root: Element) -> dict:
    eligibility: dict = {}
    elig = root.find("eligibility")
    if elig is None:
        return eligibility
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
    return eligibility


def _sponsors(root: Element) -> dict:
    def agency(node: Element) -> dict:
        klass = _text(node, "agency_class")
        return {
            "name": _text(node, "agency"),
            "class": LEGACY_AGENCY_CLASS.get(klass.lower(), code(klass)) if klass else "",
        }

    sponsors: dict = {}
    lead = root.find("sponsors/lead_sponsor")
    if lead is not None:
        sponsors["leadSponsor"] = agency(lead)
    sponsors["collaborators"] = [agency(n) for n in root.findall("sponsors/collaborator")]
    return sponsors


def _contact(node: Element) -> dict:
    contact = {
        "name": _text(node, "last_name"),
        "phone": _text(node, "phone"),
        "phoneExt": _text(node, "phone_ext"),
        "email": _text(node, "email"),
    }
    if _text(node, "role"):
        contact["role"] = LEGACY_ROLE.get(_text(node, "role").lower(), code(_text(node, "role")))
    return {k: v for k, v in contact.items() if v}


def _contacts_locations(root: Element) -> dict:
    module: dict = {}
    central = [
        _contact(node)
        for tag in ("overall_contact", "overall_contact_backup")
        for node in root.findall(tag)
    ]
    if central:
        module["centralContacts"] = [c for c in central if c]
    locations = []
    for node in root.findall("location"):
        location = {
            "facility": _text(node, "facility/name"),
            "city": _text(node, "facility/address/city"),
            "state": _text(node, "facility/address/state"),
            "zip": _text(node, "facility/address/zip"),
            "country": _text(node, "facility/address/country"),
        }
        if _text(node, "status"):
            location["status"] = code(_text(node, "status"))
        contacts = [_contact(c) for tag in ("contact", "contact_backup") for c in node.findall(tag)]
        location = {k: v for k, v in location.items() if v}
        if any(contacts):
            location["contacts"] = [c for c in contacts if c]
        locations.append(location)
    if locations:
        module["locations"] = locations
    return module


def legacy_xml_to_v2(root: Element) -> dict:
    """The v2-shaped study (protocolSection subset) of a legacy <clinical_study> element."""
    if root.tag != "clinical_study":
        raise RecordError(
            f"Not a ClinicalTrials.gov record: the XML root is <{root.tag}>, not <clinical_study>."
        )
    protocol = {
        "identificationModule": _identification(root),
        "statusModule": _status(root),
        "sponsorCollaboratorsModule": _sponsors(root),
        "descriptionModule": {"briefSummary": _text(root, "brief_summary/textblock")},
        "conditionsModule": {
            "conditions": _texts(root, "condition"),
            "keywords": _texts(root, "keyword"),
        },
        "designModule": _design(root),
        "armsInterventionsModule": _arms_interventions(root),
        "eligibilityModule": _eligibility(root),
    }
    if contacts := _contacts_locations(root):
        protocol["contactsLocationsModule"] = contacts
    return {"protocolSection": protocol}
