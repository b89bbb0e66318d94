"""Trials as HL7 FHIR R5 ResearchStudy resources, plus the Bundle, CapabilityStatement and
OperationOutcome the FHIR endpoints answer with.

The code mappings live here and nowhere else (research/trials.md §4):

- ClinicalTrials.gov overall status -> R5 `progressStatus.state` (research-study-status). R5 added the
  CT.gov-aligned codes (recruiting, not-yet-recruiting, enrolling-by-invitation,
  active-but-not-recruiting, terminated), so most map one to one. `ResearchStudy.status` is in R5 a
  publication status (publication-status): every trial the API shows is published, hence `active`;
  the `status` search parameter searches that, and `progress-status-state-actual` the progress.
- CT.gov phases -> research-study-phase; a Phase 1/2 trial (["PHASE1", "PHASE2"]) is `phase-1-phase-2`.
- CT.gov primary purpose -> research-study-prim-purp-type.
"""

from __future__ import annotations

from .models import OverallStatus, Trial

FHIR_VERSION = "5.0.0"
CTGOV_SYSTEM = "http://clinicaltrials.gov"
EU_CT_SYSTEM = "https://euclinicaltrials.eu"
STATUS_SYSTEM = "http://hl7.org/fhir/research-study-status"
PUBLICATION_STATUS_SYSTEM = "http://hl7.org/fhir/publication-status"
# R5 publication-status codes; every ResearchStudy this server shows is `active` (published).
PUBLICATION_STATUS_CODES = ("draft", "active", "retired", "unknown")
PUBLISHED_STATUS = "active"
PHASE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-phase"
PURPOSE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-prim-purp-type"
PARTY_ROLE_SYSTEM = "http://hl7.org/fhir/research-study-party-role"
TITLE_TYPE_SYSTEM = "http://hl7.org/fhir/title-type"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"

# CT.gov overall status -> (R5 research-study-status code, display); None: no code says it honestly.
STATUS_TO_FHIR: dict[str, tuple[str, str] | None] = {
    OverallStatus.RECRUITING: ("recruiting", "Recruiting"),
    OverallStatus.NOT_YET_RECRUITING: ("not-yet-recruiting", "Not yet recruiting"),
    OverallStatus.ENROLLING_BY_INVITATION: ("enrolling-by-invitation", "Enrolling by invitation"),
    OverallStatus.ACTIVE_NOT_RECRUITING: ("active-but-not-recruiting", "Active, not recruiting"),
    OverallStatus.COMPLETED: ("completed", "Completed"),
    OverallStatus.SUSPENDED: ("temporarily-closed-to-accrual", "Temporarily Closed to Accrual"),
    OverallStatus.TERMINATED: ("terminated", "Terminated"),
    OverallStatus.WITHDRAWN: ("withdrawn", "Withdrawn"),
    # Expanded access: "available" is open for accrual.
    OverallStatus.AVAILABLE: ("active", "Active"),
    OverallStatus.NO_LONGER_AVAILABLE: ("closed-to-accrual", "Closed to Accrual"),
    OverallStatus.TEMPORARILY_NOT_AVAILABLE: (
        "temporarily-closed-to-accrual",
        "Temporarily Closed to Accrual",
    ),
    OverallStatus.APPROVED_FOR_MARKETING: ("completed", "Completed"),
    # WITHHELD: the record is not public upstream; the mcode converter uses in-review too.
    OverallStatus.WITHHELD: ("in-review", "In Review"),
    # UNKNOWN means "not verified for two years": no R5 code says that, so only text is given.
    OverallStatus.UNKNOWN: None,
}


def statuses_for_fhir_code(code: str) -> list[str]:
    """The CT.gov overall-status codes that map onto an R5 research-study-status code."""
    return [ct for ct, mapped in STATUS_TO_FHIR.items() if mapped and mapped[0] == code]


FHIR_STATUS_CODES = sorted({mapped[0] for mapped in STATUS_TO_FHIR.values() if mapped})

# Sorted tuple of CT.gov phase codes -> (research-study-phase code, display).
PHASES_TO_FHIR: dict[tuple[str, ...], tuple[str, str]] = {
    ("NA",): ("n-a", "N/A"),
    ("EARLY_PHASE1",): ("early-phase-1", "Early Phase 1"),
    ("PHASE1",): ("phase-1", "Phase 1"),
    ("PHASE1", "PHASE2"): ("phase-1-phase-2", "Phase 1/Phase 2"),
    ("PHASE2",): ("phase-2", "Phase 2"),
    ("PHASE2", "PHASE3"): ("phase-2-phase-3", "Phase 2/Phase 3"),
    ("PHASE3",): ("phase-3", "Phase 3"),
    ("PHASE4",): ("phase-4", "Phase 4"),
}

PURPOSE_TO_FHIR = {
    "TREATMENT": "treatment",
    "PREVENTION": "prevention",
    "DIAGNOSTIC": "diagnostic",
    "SUPPORTIVE_CARE": "supportive-care",
    "SCREENING": "screening",
    "HEALTH_SERVICES_RESEARCH": "health-services-research",
    "BASIC_SCIENCE": "basic-science",
    "DEVICE_FEASIBILITY": "device-feasibility",
}


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _concept(system: str, code: str, display: str, text: str | None = None) -> dict:
    concept = {"coding": [{"system": system, "code": code, "display": display}]}
    if text:
        concept["text"] = text
    return concept


def _prune(value):
    """Drop empty values: FHIR forbids empty strings, arrays and objects."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        pruned = [_prune(v) for v in value]
        return [v for v in pruned if v not in (None, "", [], {})]
    return value


def _identifiers(trial: Trial) -> list[dict]:
    found = [{"use": "official", "system": CTGOV_SYSTEM, "value": trial.nct_id}]
    if trial.eu_ct_number:
        found.append({"use": "secondary", "system": EU_CT_SYSTEM, "value": trial.eu_ct_number})
    for other in trial.other_ids or []:
        if isinstance(other, dict):
            value = str(other.get("id") or "").strip()
            label = " ".join(str(other.get(k) or "") for k in ("type", "domain")).strip()
        else:
            value, label = str(other).strip(), ""
        if value:
            found.append({"use": "secondary", "value": value, "type": {"text": label}})
    return found


def _phase(trial: Trial) -> dict | None:
    codes = tuple(sorted(trial.phase_list))
    if not codes:
        return None
    mapped = PHASES_TO_FHIR.get(codes)
    if mapped is None:
        return {"text": trial.phase_display or "/".join(codes)}
    return _concept(PHASE_SYSTEM, *mapped)


def _progress(trial: Trial) -> list[dict]:
    status = trial.effective_status  # UNKNOWN when an open status is stale (models.status_is_stale)
    mapped = STATUS_TO_FHIR.get(status)
    label = str(OverallStatus(status).label) if status else ""
    if mapped is None:
        state = {"text": label or "Unknown status"}
    else:
        state = _concept(STATUS_SYSTEM, *mapped, text=label)
    return [{"state": state, "actual": True}]


def _conditions(trial: Trial) -> list[dict]:
    found = []
    for cancer_type in trial.cancer_types.all():
        codes = [c.strip() for c in cancer_type.icd10.split(",") if c.strip()]
        found.append(
            {
                "coding": [{"system": ICD10_SYSTEM, "code": code} for code in codes],
                "text": cancer_type.name,
            }
        )
    known = {c["text"].lower() for c in found}
    found.extend(
        {"text": str(text)} for text in trial.conditions or [] if str(text).lower() not in known
    )
    return found


def _parties(trial: Trial) -> list[dict]:
    parties = []
    if trial.lead_sponsor:
        parties.append(
            {
                "name": trial.lead_sponsor,
                "role": _concept(PARTY_ROLE_SYSTEM, "lead-sponsor", "lead-sponsor"),
            }
        )
    for collaborator in trial.collaborators or []:
        name = collaborator.get("name") if isinstance(collaborator, dict) else collaborator
        if name:
            parties.append(
                {
                    "name": str(name),
                    "role": _concept(PARTY_ROLE_SYSTEM, "collaborator", "collaborator"),
                }
            )
    return parties


def _recruitment(trial: Trial) -> dict | None:
    if trial.enrollment_count is None:
        return None
    key = "actualNumber" if trial.enrollment_type == "ACTUAL" else "targetNumber"
    return {key: trial.enrollment_count}


def research_study(trial: Trial, *, page_url: str | None = None) -> dict:
    """The FHIR R5 ResearchStudy of a published trial (relations prefetched, see fhir_views)."""
    labels = []
    if trial.official_title:
        labels.append(
            {
                "type": _concept(TITLE_TYPE_SYSTEM, "official", "Official title"),
                "value": trial.official_title,
            }
        )
    if trial.acronym:
        labels.append(
            {"type": _concept(TITLE_TYPE_SYSTEM, "acronym", "Acronym"), "value": trial.acronym}
        )
    purpose = PURPOSE_TO_FHIR.get(trial.primary_purpose)
    drugs = {}
    for intervention in trial.interventions.all():
        name = intervention.drug.name if intervention.drug else intervention.name
        drugs.setdefault(name.lower(), {"concept": {"text": name}})
    resource = {
        "resourceType": "ResearchStudy",
        "id": trial.nct_id,
        "meta": {"lastUpdated": trial.updated_at.isoformat()},
        "url": page_url,
        "identifier": _identifiers(trial),
        "title": trial.brief_title,
        "label": labels,
        "status": PUBLISHED_STATUS,
        "primaryPurposeType": {"coding": [{"system": PURPOSE_SYSTEM, "code": purpose}]}
        if purpose
        else ({"text": trial.primary_purpose} if trial.primary_purpose else None),
        "phase": _phase(trial),
        "focus": list(drugs.values()),
        "condition": _conditions(trial),
        "keyword": [{"text": str(k)} for k in trial.keywords or []],
        "descriptionSummary": trial.brief_summary,
        "period": {"start": _date(trial.start_date), "end": _date(trial.completion_date)},
        "site": [
            {"display": ", ".join(p for p in (site.unit.name, site.unit.institution) if p)}
            for site in trial.sites.all()
        ],
        "associatedParty": _parties(trial),
        "progressStatus": _progress(trial),
        "whyStopped": {"text": trial.why_stopped} if trial.why_stopped else None,
        "recruitment": _recruitment(trial),
    }
    return _prune(resource)


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> dict:
    """An OperationOutcome with one issue (code from the FHIR issue-type value set)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}],
    }


def search_bundle(resources, *, total: int, base: str, links: dict[str, str], timestamp) -> dict:
    """A searchset Bundle of ResearchStudy resources."""
    return _prune(
        {
            "resourceType": "Bundle",
            "type": "searchset",
            "timestamp": timestamp.isoformat(),
            "total": total,
            "link": [{"relation": rel, "url": url} for rel, url in links.items()],
            "entry": [
                {
                    "fullUrl": f"{base}/ResearchStudy/{resource['id']}",
                    "resource": resource,
                    "search": {"mode": "match"},
                }
                for resource in resources
            ],
        }
    )
