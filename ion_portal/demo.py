"""Core demo data: the network's units and people (all clearly marked as demo)."""

from ion_portal.models import Person, Unit
from ion_portal.site_pages import site_pages_load

UNITS = [
    # slug, name, short name, kind, institution, parent slug
    (
        "medical-oncology",
        "Department of Medical Oncology",
        "Medical Oncology",
        "clinical",
        "University Hospital",
        None,
    ),
    (
        "dermatology",
        "Department of Dermatology",
        "Dermatology",
        "clinical",
        "University Hospital",
        None,
    ),
    (
        "pneumology",
        "Department of Respiratory Medicine",
        "Respiratory Medicine",
        "clinical",
        "University Hospital",
        None,
    ),
    ("urology", "Department of Urology", "Urology", "clinical", "University Hospital", None),
    (
        "haematology",
        "Department of Haematology",
        "Haematology",
        "clinical",
        "University Hospital",
        None,
    ),
    (
        "gastroenterology",
        "Department of Gastroenterology and Hepatology",
        "Gastroenterology",
        "clinical",
        "University Hospital",
        None,
    ),
    (
        "endocrinology",
        "Department of Endocrinology",
        "Endocrinology",
        "clinical",
        "University Hospital",
        None,
    ),
    (
        "cardiology",
        "Department of Cardiology",
        "Cardiology",
        "clinical",
        "University Hospital",
        None,
    ),
    ("neurology", "Department of Neurology", "Neurology", "clinical", "University Hospital", None),
    ("biobank", "Hospital Biobank", "Biobank", "biobank", "University Hospital", None),
    (
        "tumour-immunology-lab",
        "Laboratory of Tumour Immunology",
        "Tumour Immunology Lab",
        "lab",
        "University",
        None,
    ),
    (
        "cytometry-core",
        "Flow and Mass Cytometry Core",
        "Cytometry Core",
        "core",
        "University",
        "tumour-immunology-lab",
    ),
    (
        "genomics-core",
        "Single-Cell and Spatial Genomics Core",
        "Genomics Core",
        "core",
        "University",
        None,
    ),
    (
        "immunopathology-lab",
        "Laboratory of Immunopathology",
        "Immunopathology Lab",
        "lab",
        "University",
        None,
    ),
    ("organoid-lab", "Tumour Organoid Laboratory", "Organoid Lab", "lab", "University", None),
]

PEOPLE = [
    # first, last, title, role, specialty, unit slug, steering committee
    (
        "Anna",
        "Demo-Peeters",
        "Prof. Dr.",
        "Chair of the steering committee",
        "Medical oncology",
        "medical-oncology",
        True,
    ),
    (
        "Bram",
        "Demo-Janssens",
        "Prof. Dr.",
        "Scientific lead, tumour immunology",
        "Immunology",
        "tumour-immunology-lab",
        True,
    ),
    (
        "Chloé",
        "Demo-Dubois",
        "Dr.",
        "Clinical trials coordinator",
        "Medical oncology",
        "medical-oncology",
        True,
    ),
    (
        "David",
        "Demo-Maes",
        "Dr.",
        "Task-force lead for immune-related toxicity",
        "Internal medicine",
        "medical-oncology",
        True,
    ),
    ("Eva", "Demo-Claes", "Dr.", "Biobank manager", "Biobanking", "biobank", True),
    (
        "Femke",
        "Demo-Willems",
        "Dr.",
        "Dermatologist, task force",
        "Dermatology",
        "dermatology",
        False,
    ),
    ("Gert", "Demo-Wouters", "Dr.", "Pulmonologist, task force", "Pneumology", "pneumology", False),
    (
        "Hanne",
        "Demo-Goossens",
        "Dr.",
        "Gastroenterologist, task force",
        "Gastroenterology",
        "gastroenterology",
        False,
    ),
    (
        "Ilse",
        "Demo-Mertens",
        "Dr.",
        "Endocrinologist, task force",
        "Endocrinology",
        "endocrinology",
        False,
    ),
    ("Jan", "Demo-Jacobs", "Dr.", "Cardiologist, task force", "Cardiology", "cardiology", False),
    ("Karen", "Demo-Vermeulen", "Dr.", "Neurologist, task force", "Neurology", "neurology", False),
    (
        "Lucas",
        "Demo-Hermans",
        "Dr.",
        "Haematologist, CAR-T programme",
        "Haematology",
        "haematology",
        False,
    ),
]


def demo_email(first: str, last: str) -> str:
    return f"{first.lower()}.{last.lower()}@demo.ion-portal.example".replace("é", "e")


def load() -> dict[str, int]:
    units = {}
    for slug, name, short, kind, institution, parent in UNITS:
        units[slug], _ = Unit.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "institution": institution,
                "parent": units.get(parent),
                "city": "Ghent",
            },
        )
    for index, (first, last, title, role, specialty, unit, committee) in enumerate(PEOPLE):
        Person.objects.update_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "title": title,
                "role": role,
                "specialty": specialty,
                "unit": units[unit],
                "on_steering_committee": committee,
                "is_demo": True,
                "email": demo_email(first, last),
                "phone": f"+32 9 332 {10 + index:02d} {20 + index:02d}",
            },
        )

    return {"units": len(UNITS), "people": len(PEOPLE), "new site pages": site_pages_load()}
