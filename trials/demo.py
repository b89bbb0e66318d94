"""Demo data of the trials app, loaded by `manage.py seed_demo` (must be idempotent).

Imports real ClinicalTrials.gov records shipped in trials/fixtures/ctgov/ (see SOURCES.md there), publishes
them and places several at the network's (demo) units created by ion_portal/demo.py.
"""

from pathlib import Path

from django.contrib.auth.models import Group

from ion_portal.models import CancerType, Person, Unit
from ion_portal.vocabularies import seed_core_vocabularies

from .criteria.demo import load_demo_criteria
from .models import Drug, RecruitmentStatus, Trial, TrialSite
from .services import import_paths
from .vocabularies import seed_drugs

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ctgov"

# Oncology and immunotherapy records of the shared data set (the IO ones first).
DEMO_RECORDS = [
    "NCT04267848.json",  # pembrolizumab, NSCLC
    "NCT01642004.xml",  # nivolumab, CheckMate 017
    "NCT02481830.xml",
    "NCT03424005.xml",
    "NCT02465060.xml",
    "NCT02912559.xml",
    "NCT05380986.xml",
    "NCT05482516.xml",
    "NCT01207388.xml",  # blinatumomab
    "NCT00184067.json",  # peptide vaccine
    "NCT02513394.json",
    "NCT03064438.json",
    "NCT05594173.json",
    "NCT06171568.json",
    "NCT00023673.xml",
    "NCT00283075.xml",
]

# nct_id, unit slug, local status (units from ion_portal/demo.py)
DEMO_SITES = [
    ("NCT04267848", "pneumology", RecruitmentStatus.RECRUITING),
    ("NCT04267848", "medical-oncology", RecruitmentStatus.RECRUITING),
    ("NCT01642004", "pneumology", RecruitmentStatus.ACTIVE_NOT_RECRUITING),
    ("NCT02465060", "medical-oncology", RecruitmentStatus.RECRUITING),
    ("NCT03424005", "medical-oncology", RecruitmentStatus.NOT_YET_RECRUITING),
    ("NCT01207388", "haematology", RecruitmentStatus.COMPLETED),
    ("NCT05380986", "medical-oncology", RecruitmentStatus.RECRUITING),
    ("NCT05482516", "gastroenterology", RecruitmentStatus.RECRUITING),
]


def load() -> dict[str, int]:
    """Import the demo records, publish them and place several at network sites; return counts."""
    # Live-server tests flush the database (migration data included), so make sure vocabularies exist.
    seed_core_vocabularies(Group, CancerType)
    seed_drugs(Drug)
    report = import_paths(
        paths=[FIXTURES / name for name in DEMO_RECORDS if (FIXTURES / name).exists()]
    )
    published = 0
    for trial in Trial.objects.filter(nct_id__in=[n.split(".")[0] for n in DEMO_RECORDS]):
        if trial.status != Trial.Status.PUBLISHED:
            trial.status = Trial.Status.PUBLISHED
            trial.save()
            published += 1
    sites = 0
    for nct_id, unit_slug, status in DEMO_SITES:
        trial = Trial.objects.filter(nct_id=nct_id).first()
        unit = Unit.objects.filter(slug=unit_slug).first()
        if not trial or not unit:
            continue
        person = Person.objects.filter(unit=unit, is_demo=True).order_by("last_name").first()
        _site, created = TrialSite.objects.get_or_create(
            trial=trial,
            unit=unit,
            defaults={
                "local_status": status,
                "principal_investigator": person,
                "referral_contact": person,
                "referral_email": f"trials.{unit_slug}@demo.ion-portal.example",
            },
        )
        sites += int(created)
    return {
        "trials imported": report.count("created") + report.count("updated"),
        "trials published": published,
        "network sites": sites,
        **load_demo_criteria([n.split(".")[0] for n in DEMO_RECORDS]),
    }
