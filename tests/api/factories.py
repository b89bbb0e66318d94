"""Small builders of trials for the API tests (real rows, saved through the models)."""

from __future__ import annotations

import itertools
from datetime import date

from ion_portal.models import CancerType, Person, Unit
from trials.models import Drug, Intervention, Trial, TrialSite, join_codes
from trials.services import trial_reindex

_numbers = itertools.count(10000001)


def make_unit(slug: str = "medical-oncology", name: str = "Medical Oncology") -> Unit:
    unit, _ = Unit.objects.get_or_create(
        slug=slug,
        defaults={"name": name, "kind": Unit.Kind.CLINICAL, "institution": "University Hospital"},
    )
    return unit


def make_trial(
    *,
    nct_id: str | None = None,
    status: str = "published",
    overall_status: str = "RECRUITING",
    phases: tuple[str, ...] = ("PHASE2",),
    drugs: tuple[str, ...] = ("pembrolizumab",),
    cancer_types: tuple[str, ...] = (),
    sites: tuple[str, ...] = ("medical-oncology",),
    **fields,
) -> Trial:
    """A trial with interventions (linked to seeded drugs), cancer types and network sites."""
    nct_id = nct_id or f"NCT{next(_numbers):08d}"
    defaults = {
        "brief_title": f"A study of {' and '.join(drugs) or 'something'} ({nct_id})",
        "official_title": "A Phase 2, Open-label Study",
        "brief_summary": "This study tests an immunotherapy.",
        "acronym": "",
        "study_type": "INTERVENTIONAL",
        "primary_purpose": "TREATMENT",
        "enrollment_count": 120,
        "enrollment_type": "ESTIMATED",
        "start_date": date(2024, 3, 1),
        "completion_date": date(2028, 1, 1),
        "last_update_posted": date(2025, 6, 1),
        "conditions": ["Melanoma"],
        "keywords": ["immunotherapy"],
        "sex": "ALL",
        "minimum_age": "18 Years",
        "minimum_age_days": 18 * 365,
        "lead_sponsor": "Merck Sharp & Dohme LLC",
        "lead_sponsor_class": "INDUSTRY",
        "collaborators": [{"name": "ION", "class": "OTHER"}],
        "other_ids": [{"id": "KEYNOTE-999", "type": "OTHER"}],
    }
    defaults.update(fields)
    classes = []
    drug_rows = []
    for name in drugs:
        drug = Drug.objects.get(name=name)
        drug_rows.append(drug)
        if drug.immunotherapy_class:
            classes.append(drug.immunotherapy_class)
    trial = Trial.objects.create(
        nct_id=nct_id,
        status=status,
        overall_status=overall_status,
        phases=join_codes(phases),
        immunotherapy_classes=join_codes(classes),
        **defaults,
    )
    for position, drug in enumerate(drug_rows):
        Intervention.objects.create(
            trial=trial,
            type="DRUG",
            name=drug.name.title(),
            other_names=drug.synonym_list[:2],
            drug=drug,
            position=position,
        )
    for slug in cancer_types:
        trial.cancer_types.add(CancerType.objects.get(slug=slug))
    pi, _ = Person.objects.get_or_create(first_name="Ada", last_name="Peeters")
    for slug in sites:
        TrialSite.objects.create(
            trial=trial,
            unit=make_unit(slug, slug.replace("-", " ").title()),
            local_status="RECRUITING",
            principal_investigator=pi,
        )
    trial_reindex(trial)  # search text and (PostgreSQL) search vector, as the importer does
    return trial
