"""Demo data of the collaborations app, loaded by `manage.py seed_demo` (must be idempotent).

Fictitious but realistic platforms and collections of an immuno-oncology network, on the units created
by ion_portal/demo.py (which seed_demo loads first). Contacts are demo people.
"""

from __future__ import annotations

from django.utils import timezone

from collaborations.models import (
    AccessCondition,
    DataType,
    Platform,
    SampleCollection,
    SampleCount,
    SampleType,
    Technique,
    TechniqueSampleType,
    Timepoint,
)
from collaborations.services import collection_link_trials
from collaborations.vocabularies import seed_collaboration_vocabularies
from ion_portal.models import CancerType, Person, Unit

# first, last, title, role, unit slug
CONTACTS = [
    ("Mira", "Demo-Segers", "Dr.", "Cytometry core manager", "cytometry-core"),
    ("Pieter", "Demo-Lambrecht", "Dr.", "Single-cell and spatial genomics lead", "genomics-core"),
    ("Sofie", "Demo-Desmet", "Prof. Dr.", "Head of immunopathology", "immunopathology-lab"),
    ("Tom", "Demo-Coppens", "Dr.", "Organoid laboratory lead", "organoid-lab"),
    ("Wout", "Demo-Verhaegen", "Dr.", "Uro-oncologist", "urology"),
]

PLATFORMS = [
    {
        "slug": "spectral-flow-cytometry",
        "name": "Spectral flow cytometry and cell sorting",
        "unit": "cytometry-core",
        "contact": "Demo-Segers",
        "summary": "Up to 40-colour spectral flow cytometry and four-way sorting of viable immune cells.",
        "description": "Validated immune-monitoring panels for T-cell exhaustion, myeloid cells and "
        "regulatory T cells on cryopreserved PBMC and dissociated tumours. Sorting for downstream "
        "sequencing or functional assays.",
        "techniques": ["flow-cytometry"],
        "sample_types": [],
        "cancer_types": [],
        "timepoints": ["baseline", "on-treatment"],
        "therapy": ["anti-pd-1", "anti-ctla-4"],
        "data_types": ["clinical-outcome"],
        "access_model": Platform.AccessModel.SERVICE,
        "capacity": "About 60 samples a week",
        "not_met": ["joint-project"],
    },
    {
        "slug": "mass-cytometry-cytof",
        "name": "Mass cytometry (CyTOF) immune profiling",
        "unit": "cytometry-core",
        "contact": "Demo-Segers",
        "summary": "High-dimensional single-cell protein profiling of blood and tumour immune cells.",
        "description": "A 45-marker immuno-oncology panel with barcoding of up to 20 samples per run; "
        "analysis with clustering and differential abundance between responders and non-responders.",
        "techniques": ["mass-cytometry"],
        "sample_types": [],
        "cancer_types": ["melanoma", "non-small-cell-lung-cancer"],
        "timepoints": ["baseline", "on-treatment", "progression"],
        "therapy": ["anti-pd-1", "anti-ctla-4", "anti-lag-3"],
        "data_types": ["clinical-outcome", "treatment-history"],
        "access_model": Platform.AccessModel.COLLABORATION,
        "capacity": "About 40 samples a month",
        "not_met": [],
    },
    {
        "slug": "single-cell-multiomics",
        "name": "Single-cell RNA and TCR sequencing",
        "unit": "genomics-core",
        "contact": "Demo-Lambrecht",
        "summary": "Droplet single-cell transcriptomes with paired TCR/BCR and CITE-seq surface proteins.",
        "description": "From viable cells to annotated atlases: sample multiplexing by hashtags, "
        "clonotype tracking across timepoints and integration with public immuno-oncology atlases.",
        "techniques": ["scrna-seq", "tcr-bcr-seq"],
        "sample_types": ["pbmc", "tumour-cells", "fresh-tissue"],
        "cancer_types": [],
        "timepoints": ["baseline", "on-treatment"],
        "therapy": [],
        "data_types": ["clinical-outcome"],
        "access_model": Platform.AccessModel.COLLABORATION,
        "capacity": "16 samples a week",
        "not_met": ["no-genetic-data"],
    },
    {
        "slug": "spatial-transcriptomics",
        "name": "Spatial transcriptomics",
        "unit": "genomics-core",
        "contact": "Demo-Lambrecht",
        "summary": "Whole-transcriptome and targeted imaging-based spatial RNA on tissue sections.",
        "description": "Spot-based whole-transcriptome and subcellular imaging panels on FFPE or "
        "fresh-frozen sections, with pathologist-guided region selection.",
        "techniques": ["spatial-transcriptomics"],
        "sample_types": [],
        "cancer_types": [],
        "timepoints": ["baseline", "progression"],
        "therapy": [],
        "data_types": ["clinical-outcome", "whole-slide-images"],
        "access_model": Platform.AccessModel.COLLABORATION,
        "capacity": "8 slides a month",
        "not_met": [],
    },
    {
        "slug": "multiplex-immunofluorescence",
        "name": "Multiplex immunofluorescence and digital pathology",
        "unit": "immunopathology-lab",
        "contact": "Demo-Desmet",
        "summary": "Seven-colour multiplex immunofluorescence of the tumour microenvironment on FFPE.",
        "description": "Validated panels (CD8, PD-1, PD-L1, FOXP3, CD68, pan-CK) with whole-slide "
        "scanning and cell phenotyping; spatial metrics such as CD8-tumour distances.",
        "techniques": ["multiplex-ihc", "digital-pathology"],
        "sample_types": ["ffpe-tissue"],
        "cancer_types": [],
        "timepoints": ["baseline"],
        "therapy": ["anti-pd-1", "anti-pd-l1"],
        "data_types": ["clinical-outcome", "whole-slide-images"],
        "access_model": Platform.AccessModel.SERVICE,
        "capacity": "About 100 slides a month",
        "not_met": ["joint-project"],
    },
    {
        "slug": "irae-immunopathology",
        "name": "Immunopathology of immune-related adverse events",
        "unit": "immunopathology-lab",
        "contact": "Demo-Desmet",
        "summary": "Tissue and blood work-up of colitis, hepatitis and other irAEs under checkpoint inhibitors.",
        "description": "Histology, multiplex staining and serum cytokine profiling of irAE biopsies "
        "compared with baseline samples, in collaboration with the toxicity task force.",
        "techniques": ["multiplex-ihc", "proteomics"],
        "sample_types": [],
        "cancer_types": [],
        "timepoints": ["baseline", "irae-onset"],
        "therapy": ["anti-pd-1", "anti-ctla-4"],
        "data_types": ["irae-annotations", "treatment-history"],
        "access_model": Platform.AccessModel.COLLABORATION,
        "capacity": "On request",
        "not_met": [],
    },
    {
        "slug": "tumour-organoids",
        "name": "Patient-derived tumour organoids and T-cell co-culture",
        "unit": "organoid-lab",
        "contact": "Demo-Coppens",
        "summary": "Organoids from fresh tumour tissue, co-cultured with autologous T cells to test response.",
        "description": "Establishment within four weeks for colorectal, lung and kidney tumours; "
        "co-culture killing assays with checkpoint inhibitors and bispecific engagers.",
        "techniques": ["organoid-culture"],
        "sample_types": [],
        "cancer_types": ["colorectal-cancer", "non-small-cell-lung-cancer", "renal-cell-carcinoma"],
        "timepoints": ["baseline"],
        "therapy": ["anti-pd-1", "bispecific"],
        "data_types": ["clinical-outcome"],
        "access_model": Platform.AccessModel.COLLABORATION,
        "capacity": "About 10 new organoid lines a month",
        "not_met": [],
    },
    {
        "slug": "humanised-mouse-models",
        "name": "Humanised mouse models",
        "unit": "tumour-immunology-lab",
        "contact": "Demo-Janssens",
        "summary": "Patient-derived xenografts in mice with a human immune system to test immunotherapies.",
        "description": "CD34+ humanised mice engrafted with patient tumour fragments or organoids; "
        "treatment studies with checkpoint inhibitors, bispecifics and CAR-T cells.",
        "techniques": ["mouse-models"],
        "sample_types": [],
        "cancer_types": [],
        "timepoints": ["baseline"],
        "therapy": ["anti-pd-1", "car-t", "bispecific"],
        "data_types": [],
        "access_model": Platform.AccessModel.COLLABORATION,
        "capacity": "Two studies a year",
        "not_met": [],
    },
    {
        "slug": "plasma-proteomics",
        "name": "Plasma proteomics and cytokine profiling",
        "unit": "tumour-immunology-lab",
        "contact": "Demo-Janssens",
        "summary": "Proximity-extension assays (about 3,000 proteins) and cytokine panels on plasma or serum.",
        "description": "Longitudinal profiling of circulating proteins to predict response and "
        "immune-related toxicity; 1 µl of plasma per sample.",
        "techniques": ["proteomics", "metabolomics"],
        "sample_types": [],
        "cancer_types": [],
        "timepoints": ["baseline", "on-treatment", "irae-onset"],
        "therapy": ["anti-pd-1", "anti-ctla-4"],
        "data_types": ["clinical-outcome", "irae-annotations"],
        "access_model": Platform.AccessModel.SERVICE,
        "capacity": "About 350 samples a run",
        "not_met": ["joint-project"],
    },
    {
        "slug": "gut-microbiome",
        "name": "Gut microbiome profiling",
        "unit": "tumour-immunology-lab",
        "contact": "Demo-Janssens",
        "summary": "Shotgun metagenomics of stool to study the microbiome's role in response and colitis.",
        "description": "DNA extraction, shotgun sequencing and taxonomic and functional profiling; "
        "paired analyses of responders, non-responders and patients with immune-related colitis.",
        "techniques": ["microbiome"],
        "sample_types": [],
        "cancer_types": ["melanoma", "renal-cell-carcinoma", "non-small-cell-lung-cancer"],
        "timepoints": ["baseline", "on-treatment", "irae-onset"],
        "therapy": ["anti-pd-1", "anti-ctla-4"],
        "data_types": ["clinical-outcome", "irae-annotations"],
        "access_model": Platform.AccessModel.COLLABORATION,
        "capacity": "About 200 samples a quarter",
        "not_met": ["eu-only"],
    },
    {
        "slug": "tcr-repertoire-bulk",
        "name": "Bulk TCR repertoire sequencing",
        "unit": "genomics-core",
        "contact": "Demo-Lambrecht",
        "summary": "TCR beta-chain repertoires from blood or tissue RNA/DNA to track clonal expansion.",
        "description": "Clonality, diversity and tracking of tumour-infiltrating clones in blood over "
        "treatment.",
        "techniques": ["tcr-bcr-seq", "bulk-sequencing"],
        "sample_types": [],
        "cancer_types": [],
        "timepoints": ["baseline", "on-treatment"],
        "therapy": [],
        "data_types": [],
        "access_model": Platform.AccessModel.SERVICE,
        "capacity": "96 samples a run",
        "not_met": ["joint-project", "no-genetic-data"],
    },
]

COLLECTIONS = [
    {
        "slug": "melanoma-ici-longitudinal-blood",
        "name": "Melanoma immunotherapy longitudinal blood cohort",
        "acronym": "MEL-IO-BLOOD",
        "unit": "dermatology",
        "contact": "Demo-Willems",
        "summary": "Viable PBMC, plasma and serum of patients with melanoma before and during anti-PD-1 "
        "± anti-CTLA-4.",
        "description": "Prospective cohort since 2019; blood drawn at baseline, week 6, week 12, at "
        "progression and at onset of immune-related adverse events; response by RECIST 1.1.",
        "setting": SampleCollection.Setting.RESEARCH_STUDY,
        "donors": 420,
        "sample_types": ["pbmc", "plasma", "serum"],
        "cancer_types": ["melanoma"],
        "timepoints": ["baseline", "on-treatment", "progression", "irae-onset"],
        "therapy": ["anti-pd-1", "anti-ctla-4"],
        "data_types": ["clinical-outcome", "irae-annotations", "treatment-history"],
        "access": ["ethics-approval", "material-transfer-agreement", "joint-project"],
        "nct": "",
    },
    {
        "slug": "melanoma-ffpe-archive",
        "name": "Melanoma FFPE archive of immunotherapy-treated patients",
        "acronym": "",
        "unit": "biobank",
        "contact": "Demo-Claes",
        "summary": "Pre-treatment FFPE biopsies of metastatic melanoma treated with checkpoint "
        "inhibitors.",
        "description": "Archival blocks with pathology review; outcome and treatment lines from the "
        "hospital's melanoma registry.",
        "setting": SampleCollection.Setting.ROUTINE_CARE,
        "donors": 850,
        "sample_types": ["ffpe-tissue"],
        "cancer_types": ["melanoma", "uveal-melanoma"],
        "timepoints": ["baseline"],
        "therapy": ["anti-pd-1", "anti-ctla-4", "anti-lag-3"],
        "data_types": ["clinical-outcome", "treatment-history", "whole-slide-images"],
        "access": ["ethics-approval", "material-transfer-agreement"],
        "nct": "",
    },
    {
        "slug": "nsclc-neoadjuvant-tissue",
        "name": "NSCLC neoadjuvant chemo-immunotherapy tissue and blood",
        "acronym": "NEO-LUNG",
        "unit": "pneumology",
        "contact": "Demo-Wouters",
        "summary": "Fresh and fresh-frozen tumour, FFPE and PBMC of resectable NSCLC before and after "
        "neoadjuvant treatment.",
        "description": "Samples collected at diagnostic biopsy and at surgery after three cycles of "
        "chemotherapy with anti-PD-1; pathological response scored centrally.",
        "setting": SampleCollection.Setting.CLINICAL_TRIAL,
        "donors": 95,
        "sample_types": ["fresh-tissue", "fresh-frozen-tissue", "ffpe-tissue", "pbmc"],
        "cancer_types": ["non-small-cell-lung-cancer"],
        "timepoints": ["baseline", "on-treatment"],
        "therapy": ["anti-pd-1"],
        "data_types": ["clinical-outcome", "imaging", "treatment-history"],
        "access": ["ethics-approval", "joint-project", "eu-only"],
        "nct": "NCT04379635",
    },
    {
        "slug": "rcc-tumour-organoid-biobank",
        "name": "Renal cell carcinoma tissue and organoid biobank",
        "acronym": "RCC-ORG",
        "unit": "urology",
        "contact": "Demo-Verhaegen",
        "summary": "Fresh nephrectomy tissue, derived organoids and matched PBMC of clear-cell RCC.",
        "description": "Collected at nephrectomy; patients later treated with nivolumab plus "
        "ipilimumab are flagged with their response.",
        "setting": SampleCollection.Setting.RESEARCH_STUDY,
        "donors": 160,
        "sample_types": ["fresh-tissue", "organoids", "pbmc", "fresh-frozen-tissue"],
        "cancer_types": ["renal-cell-carcinoma"],
        "timepoints": ["baseline"],
        "therapy": ["anti-pd-1", "anti-ctla-4"],
        "data_types": ["clinical-outcome", "genomics"],
        "access": ["ethics-approval", "material-transfer-agreement", "non-commercial"],
        "nct": "",
    },
    {
        "slug": "irae-colitis-biopsies",
        "name": "Immune-related colitis biopsies and stool",
        "acronym": "IR-COLITIS",
        "unit": "gastroenterology",
        "contact": "Demo-Goossens",
        "summary": "Colon biopsies (FFPE and frozen), stool and serum at onset of checkpoint-inhibitor "
        "colitis.",
        "description": "Endoscopic biopsies graded by the task force, stool before and after "
        "steroids or infliximab, with irAE grade (CTCAE v5.0) and treatment response.",
        "setting": SampleCollection.Setting.ROUTINE_CARE,
        "donors": 70,
        "sample_types": ["ffpe-tissue", "fresh-frozen-tissue", "faeces", "serum"],
        "cancer_types": ["melanoma", "non-small-cell-lung-cancer", "renal-cell-carcinoma"],
        "timepoints": ["irae-onset", "baseline"],
        "therapy": ["anti-pd-1", "anti-ctla-4"],
        "data_types": ["irae-annotations", "treatment-history"],
        "access": ["ethics-approval", "joint-project"],
        "nct": "",
    },
    {
        "slug": "car-t-lymphoma-monitoring",
        "name": "CAR-T lymphoma monitoring cohort",
        "acronym": "CAR-MON",
        "unit": "haematology",
        "contact": "Demo-Hermans",
        "summary": "PBMC, plasma and serum of DLBCL patients before and after CD19 CAR-T infusion.",
        "description": "Samples at apheresis, day 7, day 14, day 28 and at relapse; CRS and ICANS "
        "graded by ASTCT 2019.",
        "setting": SampleCollection.Setting.ROUTINE_CARE,
        "donors": 120,
        "sample_types": ["pbmc", "plasma", "serum"],
        "cancer_types": ["diffuse-large-b-cell-lymphoma"],
        "timepoints": ["baseline", "on-treatment", "progression", "irae-onset"],
        "therapy": ["car-t"],
        "data_types": ["clinical-outcome", "irae-annotations"],
        "access": ["ethics-approval", "material-transfer-agreement"],
        "nct": "",
    },
    {
        "slug": "hcc-atezo-bev-plasma",
        "name": "Hepatocellular carcinoma atezolizumab-bevacizumab plasma series",
        "acronym": "",
        "unit": "gastroenterology",
        "contact": "Demo-Goossens",
        "summary": "Plasma and serum of advanced HCC before and during atezolizumab plus bevacizumab.",
        "description": "Three-monthly sampling with imaging response (mRECIST).",
        "setting": SampleCollection.Setting.ROUTINE_CARE,
        "donors": 65,
        "sample_types": ["plasma", "serum"],
        "cancer_types": ["hepatocellular-carcinoma"],
        "timepoints": ["baseline", "on-treatment", "progression"],
        "therapy": ["anti-pd-l1"],
        "data_types": ["clinical-outcome", "imaging"],
        "access": ["ethics-approval", "non-commercial"],
        "nct": "",
    },
    {
        "slug": "bladder-cancer-tissue-urine",
        "name": "Urothelial cancer tissue bank",
        "acronym": "URO-IO",
        "unit": "urology",
        "contact": "Demo-Verhaegen",
        "summary": "FFPE and fresh-frozen tumour of urothelial cancer treated with checkpoint "
        "inhibitors or enfortumab vedotin-pembrolizumab.",
        "description": "Transurethral resection and cystectomy specimens with outcome data.",
        "setting": SampleCollection.Setting.ROUTINE_CARE,
        "donors": 300,
        "sample_types": ["ffpe-tissue", "fresh-frozen-tissue", "dna"],
        "cancer_types": ["urothelial-cancer"],
        "timepoints": ["baseline", "progression"],
        "therapy": ["anti-pd-1", "anti-pd-l1"],
        "data_types": ["clinical-outcome", "treatment-history"],
        "access": ["ethics-approval", "material-transfer-agreement"],
        "nct": "",
    },
    {
        "slug": "pan-cancer-ici-plasma-biobank",
        "name": "Pan-cancer checkpoint-inhibitor plasma and stool biobank",
        "acronym": "ICI-BANK",
        "unit": "medical-oncology",
        "contact": "Demo-Dubois",
        "summary": "Plasma, serum, whole blood and stool of all patients starting a checkpoint "
        "inhibitor at the hospital.",
        "description": "Consecutive patients since 2021 (all tumour types); sampling at baseline, "
        "every three months and at irAE onset; linked to the irAE registry.",
        "setting": SampleCollection.Setting.ROUTINE_CARE,
        "donors": 2400,
        "sample_types": ["plasma", "serum", "whole-blood", "faeces"],
        "cancer_types": [
            "melanoma",
            "non-small-cell-lung-cancer",
            "renal-cell-carcinoma",
            "urothelial-cancer",
            "head-and-neck-cancer",
        ],
        "timepoints": ["baseline", "on-treatment", "irae-onset", "progression"],
        "therapy": ["anti-pd-1", "anti-pd-l1", "anti-ctla-4"],
        "data_types": ["clinical-outcome", "irae-annotations", "treatment-history"],
        "access": ["ethics-approval", "material-transfer-agreement", "no-genetic-data"],
        "nct": "",
    },
    {
        "slug": "tnbc-neoadjuvant-biopsies",
        "name": "Triple-negative breast cancer neoadjuvant biopsies",
        "acronym": "TNBC-NEO",
        "unit": "medical-oncology",
        "contact": "Demo-Peeters",
        "summary": "FFPE and fresh-frozen biopsies of TNBC before and during neoadjuvant "
        "pembrolizumab with chemotherapy.",
        "description": "Biopsies at diagnosis and after two cycles, with pathological complete "
        "response.",
        "setting": SampleCollection.Setting.CLINICAL_TRIAL,
        "donors": 48,
        "sample_types": ["ffpe-tissue", "fresh-frozen-tissue", "plasma"],
        "cancer_types": ["triple-negative-breast-cancer"],
        "timepoints": ["baseline", "on-treatment"],
        "therapy": ["anti-pd-1"],
        "data_types": ["clinical-outcome", "whole-slide-images"],
        "access": ["ethics-approval", "joint-project"],
        "nct": "NCT03036488",
    },
    {
        "slug": "head-neck-tumour-cells",
        "name": "Head and neck cancer dissociated tumour cells",
        "acronym": "HN-TIL",
        "unit": "biobank",
        "contact": "Demo-Claes",
        "summary": "Cryopreserved viable dissociated tumour cells and PBMC of head and neck squamous "
        "cell carcinoma.",
        "description": "From surgical resections; viability above 70 % after thawing.",
        "setting": SampleCollection.Setting.RESEARCH_STUDY,
        "donors": 8,
        "sample_types": ["tumour-cells", "pbmc"],
        "cancer_types": ["head-and-neck-cancer"],
        "timepoints": ["baseline"],
        "therapy": ["anti-pd-1"],
        "data_types": ["clinical-outcome"],
        "access": ["ethics-approval", "material-transfer-agreement", "non-commercial"],
        "nct": "",
    },
]


def seed_vocabularies() -> None:
    """The data migration's terms again: live-server tests flush the database after each test."""
    seed_collaboration_vocabularies(
        Technique, SampleType, TechniqueSampleType, DataType, Timepoint, AccessCondition
    )


def _contacts() -> dict[str, Person]:
    from ion_portal.demo import demo_email

    people = {}
    for first, last, title, role, unit in CONTACTS:
        people[last], _ = Person.objects.update_or_create(
            first_name=first,
            last_name=last,
            defaults={
                "title": title,
                "role": role,
                "unit": Unit.objects.filter(slug=unit).first(),
                "is_demo": True,
                "email": demo_email(first, last),
            },
        )
    for person in Person.objects.filter(is_demo=True):
        people.setdefault(person.last_name, person)
    return people


def _terms(model, slugs):
    found = list(model.objects.filter(slug__in=slugs))
    missing = set(slugs) - {term.slug for term in found}
    if missing:
        raise ValueError(f"Unknown {model.__name__} slugs in demo data: {sorted(missing)}")
    return found


def load() -> dict[str, int]:
    """Create or update the demo rows; return counts by kind for the command's report."""
    seed_vocabularies()
    people = _contacts()
    now = timezone.now()
    for row in PLATFORMS:
        platform, _ = Platform.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "unit": Unit.objects.get(slug=row["unit"]),
                "contact": people.get(row["contact"]),
                "summary": row["summary"],
                "description": row["description"],
                "therapy_classes": row["therapy"],
                "access_model": row["access_model"],
                "capacity": row["capacity"],
                "status": Platform.Status.PUBLISHED,
            },
        )
        if platform.published_at is None or platform.published_at > now:
            platform.published_at = now
            platform.save(update_fields=["published_at"])
        platform.techniques.set(_terms(Technique, row["techniques"]))
        platform.sample_types.set(_terms(SampleType, row["sample_types"]))
        platform.cancer_types.set(_terms(CancerType, row["cancer_types"]))
        platform.timepoints.set(_terms(Timepoint, row["timepoints"]))
        platform.data_types.set(_terms(DataType, row["data_types"]))
        platform.access_conditions_not_met.set(_terms(AccessCondition, row["not_met"]))
    for row in COLLECTIONS:
        collection, _ = SampleCollection.objects.update_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "acronym": row["acronym"],
                "unit": Unit.objects.get(slug=row["unit"]),
                "contact": people.get(row["contact"]),
                "summary": row["summary"],
                "description": row["description"],
                "setting": row["setting"],
                "donor_count": row["donors"],
                "therapy_classes": row["therapy"],
                # Demo values: adult donors of both sexes; the biobank's collections carry the
                # quality labels a curator would record after checking.
                "sexes": ["male", "female"],
                "age_low": 18,
                "quality_labels": ["iso-20387", "sprec"] if row["unit"] == "biobank" else [],
                "status": SampleCollection.Status.PUBLISHED,
            },
        )
        if collection.published_at is None or collection.published_at > now:
            collection.published_at = now
            collection.save(update_fields=["published_at"])
        collection.sample_types.set(_terms(SampleType, row["sample_types"]))
        collection.cancer_types.set(_terms(CancerType, row["cancer_types"]))
        collection.timepoints.set(_terms(Timepoint, row["timepoints"]))
        collection.data_types.set(_terms(DataType, row["data_types"]))
        collection.access_conditions.set(_terms(AccessCondition, row["access"]))
        # Demo sample counts: one sample of each type per donor.
        for sample_type in collection.sample_types.all():
            SampleCount.objects.update_or_create(
                collection=collection, sample_type=sample_type, defaults={"count": row["donors"]}
            )
        collection_link_trials(collection=collection, nct_ids=row["nct"])
    return {"platforms": len(PLATFORMS), "sample collections": len(COLLECTIONS)}
