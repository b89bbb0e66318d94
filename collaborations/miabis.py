"""A MIABIS-style, machine-readable export of the directory: published sample collections (MIABIS
Collection) and platforms (MIABIS Biobanking & Biomolecular Service), with MIABIS core attribute names
where they exist (the BBMRI-ERIC Directory's spelling: `type`, `materials`, `sex`, `age_low`/`age_high`/
`age_unit`, `diagnosis_available`, `order_of_magnitude`, `data_categories`, use and access conditions).

Public by design: published rows only, donor numbers as the order-of-magnitude band, never an exact
count, a contact person, an e-mail address or a telephone number. `collaborations/miabis_schema.json`
is the JSON Schema the export follows (written from the MIABIS attribute lists). Each record's web address
is on the public address (SITE_URL), like the feeds, sitemap and e-mails: the same document whichever host
a request happened to reach."""

from __future__ import annotations

import json
from pathlib import Path

from django.utils import timezone

from collaborations.compatibility import platform_sample_types
from collaborations.models import Platform, QualityLabel, SampleCollection, SampleType
from ion_portal.sites import site_url

SCHEMA_PATH = Path(__file__).with_name("miabis_schema.json")
FORMAT = "ion-portal-miabis/1"

# MIABIS 2.0 data categories for the network's data types (every collection has biological samples).
DATA_CATEGORIES = {
    "clinical-outcome": "MEDICAL_RECORDS",
    "irae-annotations": "MEDICAL_RECORDS",
    "treatment-history": "MEDICAL_RECORDS",
    "imaging": "IMAGING_DATA",
    "whole-slide-images": "IMAGING_DATA",
    "genomics": "OTHER",
    "transcriptomics": "OTHER",
    "proteomics-data": "OTHER",
}
# MIABIS 3.0 collection setting for ours.
SETTINGS = {
    SampleCollection.Setting.ROUTINE_CARE: "ROUTINE_HEALTHCARE",
    SampleCollection.Setting.CLINICAL_TRIAL: "CLINICAL_TRIAL",
    SampleCollection.Setting.RESEARCH_STUDY: "RESEARCH_STUDY",
}
# Order of magnitude labels as the BBMRI-ERIC Directory writes them.
MAGNITUDES = {0: "1 - 10", 1: "10 - 100", 2: "100 - 1.000", 3: "1.000 - 10.000", 4: "> 10.000"}


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _material(sample_type) -> dict:
    return {"id": sample_type.slug, "label": sample_type.miabis_term or sample_type.name}


def _juristic(unit) -> dict:
    return {"id": f"ion:unit:{unit.slug}", "name": unit.name, "juristic_person": unit.institution}


def collection_record(collection, *, page: str) -> dict:
    data_types = list(collection.data_types.all())
    conditions = {a.slug: a for a in collection.access_conditions.all()}
    collection_type = ["DISEASE_SPECIFIC"]
    if len(collection.timepoints.all()) > 1:
        collection_type.append("LONGITUDINAL")
    return {
        "id": f"ion:collection:{collection.slug}",
        "name": collection.name,
        "acronym": collection.acronym,
        "description": (collection.description or collection.summary)[:2000],
        "url": page,
        "biobank": _juristic(collection.unit),
        "type": collection_type,
        "collection_setting": SETTINGS.get(collection.setting),
        "materials": [_material(s) for s in collection.sample_types.all()],
        "sex": [code.upper() for code in collection.sexes],
        "age_low": collection.age_low,
        "age_high": collection.age_high,
        "age_unit": "YEAR",
        "diagnosis_available": [
            {"ontology": "ICD-10", "code": code.strip(), "description": c.name}
            for c in collection.cancer_types.all()
            for code in c.icd10.split(",")
            if code.strip()
        ],
        "order_of_magnitude": collection.size_band,
        "order_of_magnitude_label": MAGNITUDES[collection.size_band],
        "data_categories": sorted(
            {"BIOLOGICAL_SAMPLES"} | {DATA_CATEGORIES.get(d.slug, "OTHER") for d in data_types}
        ),
        "dataset_types": [{"id": d.slug, "label": d.name} for d in data_types],
        "use_and_access_conditions": [{"id": a.slug, "label": a.name} for a in conditions.values()],
        "collaboration_commercial": "non-commercial" not in conditions,
        "collaboration_non_for_profit": True,
        "access_joint_project": "joint-project" in conditions,
        "quality": [str(QualityLabel(code).label) for code in collection.quality_labels],
        "ion_sample_counts": [
            {"material": row.sample_type.slug, "band": row.band}
            for row in collection.sample_counts.all()
        ],
        "ion_timepoints": [t.slug for t in collection.timepoints.all()],
        "ion_therapy_classes": list(collection.therapy_classes),
    }


def service_record(platform, *, page: str, handled: list) -> dict:
    return {
        "id": f"ion:service:{platform.slug}",
        "name": platform.name,
        "description": (platform.description or platform.summary)[:2000],
        "url": page,
        "provider": _juristic(platform.unit),
        "service_types": [{"id": t.slug, "label": t.name} for t in platform.techniques.all()],
        "materials_accepted": [_material(s) for s in handled],
        "access_description": str(platform.get_access_model_display()),
        "ion_access_model": platform.access_model,
    }


def _page_url(obj) -> str:
    return site_url(obj.get_absolute_url())


def directory_export() -> dict:
    """The whole published directory as one MIABIS-style document (a fixed number of queries), each
    record's web address on SITE_URL."""
    collections = (
        SampleCollection.objects.published()
        .select_related("unit")
        .prefetch_related(
            "sample_types",
            "cancer_types",
            "timepoints",
            "data_types",
            "access_conditions",
            "sample_counts__sample_type",
        )
        .order_by("name", "pk")
    )
    platforms = (
        Platform.objects.published()
        .select_related("unit")
        .prefetch_related("techniques")
        .order_by("name", "pk")
    )
    sample_types = {s.pk: s for s in SampleType.objects.all()}
    handled = platform_sample_types()
    return {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        "collections": [collection_record(c, page=_page_url(c)) for c in collections],
        "services": [
            service_record(
                p,
                page=_page_url(p),
                handled=[
                    sample_types[pk]
                    for pk in sorted(handled.get(p.pk, ()), key=lambda pk: sample_types[pk].order)
                ],
            )
            for p in platforms
        ],
    }
