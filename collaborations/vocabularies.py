"""Seed vocabularies of the collaborations app (loaded by a data migration and by demo.load();
curators extend and edit them in admin).

Sample types, data types and access conditions follow MIABIS Core 3.0 / MIABIS v1.1 sample-level terms;
techniques are a local list mapped to MIABIS service types; timepoints are the network's own
immuno-oncology terms. The technique x sample-type weights are the network's scientific judgement
(1.0 preferred input, 0.5 possible, 0.25 workable with caveats), to be owned by the steering committee.
"""

from __future__ import annotations

# (slug, name, description)
TECHNIQUES = [
    ("flow-cytometry", "Flow cytometry", "Spectral and conventional flow cytometry, cell sorting."),
    ("mass-cytometry", "Mass cytometry (CyTOF)", "40+ parameter single-cell protein profiling."),
    (
        "scrna-seq",
        "Single-cell RNA sequencing",
        "Droplet-based single-cell transcriptomes, CITE-seq.",
    ),
    ("spatial-transcriptomics", "Spatial transcriptomics", "Spot- or imaging-based spatial RNA."),
    (
        "multiplex-ihc",
        "Multiplex immunohistochemistry / immunofluorescence",
        "Six- to forty-marker staining of tissue sections with whole-slide imaging.",
    ),
    ("tcr-bcr-seq", "TCR/BCR repertoire sequencing", "Immune-receptor repertoire profiling."),
    ("bulk-sequencing", "Bulk DNA/RNA sequencing", "Whole-exome, targeted panels, RNA-seq."),
    ("proteomics", "Proteomics", "Mass-spectrometry and proximity-extension proteomics."),
    ("metabolomics", "Metabolomics", "Targeted and untargeted metabolite profiling."),
    ("microbiome", "Microbiome profiling", "16S and shotgun metagenomics."),
    ("organoid-culture", "Tumour organoid culture", "Patient-derived organoids and co-cultures."),
    ("mouse-models", "Mouse models", "Syngeneic and humanised mouse models, xenografts."),
    ("digital-pathology", "Digital pathology", "Whole-slide imaging and image analysis."),
]

# (slug, name, MIABIS term)
SAMPLE_TYPES = [
    ("ffpe-tissue", "FFPE tissue", "Tissue fixed (FFPE)"),
    ("fresh-frozen-tissue", "Fresh-frozen tissue", "Tissue frozen"),
    ("fresh-tissue", "Fresh tissue (viable)", "Tissue, fresh"),
    ("tumour-cells", "Isolated tumour cells (viable)", "Isolated tumour cells"),
    ("pbmc", "PBMC (viable)", "Peripheral blood mononuclear cells"),
    ("whole-blood", "Whole blood", "Whole blood"),
    ("plasma", "Plasma", "Plasma"),
    ("serum", "Serum", "Serum"),
    ("faeces", "Faeces", "Faeces"),
    ("organoids", "Organoids", "Organoids"),
    ("dna", "DNA", "DNA"),
    ("rna", "RNA", "RNA"),
]

# (technique slug, sample-type slug, weight)
COMPATIBILITY = [
    ("flow-cytometry", "pbmc", 1.0),
    ("flow-cytometry", "fresh-tissue", 1.0),
    ("flow-cytometry", "tumour-cells", 1.0),
    ("flow-cytometry", "whole-blood", 0.5),
    ("mass-cytometry", "pbmc", 1.0),
    ("mass-cytometry", "tumour-cells", 1.0),
    ("mass-cytometry", "fresh-tissue", 0.5),
    ("scrna-seq", "pbmc", 1.0),
    ("scrna-seq", "tumour-cells", 1.0),
    ("scrna-seq", "fresh-tissue", 1.0),
    ("scrna-seq", "fresh-frozen-tissue", 0.5),
    ("spatial-transcriptomics", "ffpe-tissue", 1.0),
    ("spatial-transcriptomics", "fresh-frozen-tissue", 1.0),
    ("multiplex-ihc", "ffpe-tissue", 1.0),
    ("multiplex-ihc", "fresh-frozen-tissue", 0.5),
    ("tcr-bcr-seq", "pbmc", 1.0),
    ("tcr-bcr-seq", "rna", 1.0),
    ("tcr-bcr-seq", "dna", 1.0),
    ("tcr-bcr-seq", "fresh-frozen-tissue", 1.0),
    ("tcr-bcr-seq", "whole-blood", 0.5),
    ("tcr-bcr-seq", "ffpe-tissue", 0.25),
    ("bulk-sequencing", "dna", 1.0),
    ("bulk-sequencing", "rna", 1.0),
    ("bulk-sequencing", "fresh-frozen-tissue", 1.0),
    ("bulk-sequencing", "ffpe-tissue", 0.5),
    ("bulk-sequencing", "whole-blood", 0.5),
    ("bulk-sequencing", "plasma", 0.5),
    ("proteomics", "plasma", 1.0),
    ("proteomics", "serum", 1.0),
    ("proteomics", "fresh-frozen-tissue", 1.0),
    ("proteomics", "ffpe-tissue", 0.5),
    ("metabolomics", "plasma", 1.0),
    ("metabolomics", "serum", 1.0),
    ("metabolomics", "faeces", 0.5),
    ("microbiome", "faeces", 1.0),
    ("organoid-culture", "fresh-tissue", 1.0),
    ("organoid-culture", "tumour-cells", 0.5),
    ("organoid-culture", "organoids", 1.0),
    ("mouse-models", "fresh-tissue", 1.0),
    ("mouse-models", "tumour-cells", 1.0),
    ("mouse-models", "organoids", 0.5),
    ("digital-pathology", "ffpe-tissue", 1.0),
    ("digital-pathology", "fresh-frozen-tissue", 0.5),
]

# (slug, name) — MIABIS dataset types, with the immuno-oncology additions the network asked for.
DATA_TYPES = [
    ("clinical-outcome", "Clinical outcome (response, survival)"),
    ("irae-annotations", "Immune-related adverse event annotations"),
    ("imaging", "Radiological imaging"),
    ("whole-slide-images", "Whole-slide images"),
    ("genomics", "Genomic data"),
    ("transcriptomics", "Transcriptomic data"),
    ("proteomics-data", "Proteomic data"),
    ("treatment-history", "Treatment history"),
]

# (slug, name, order)
TIMEPOINTS = [
    ("baseline", "Baseline (before immunotherapy)", 10),
    ("on-treatment", "On treatment", 20),
    ("response-assessment", "At response assessment", 30),
    ("progression", "At progression", 40),
    ("irae-onset", "At irAE onset", 50),
    ("follow-up", "Post-treatment follow-up", 60),
]

# (slug, name, description) — MIABIS use and access conditions, phrased as what the holder requires.
ACCESS_CONDITIONS = [
    (
        "non-commercial",
        "Non-commercial use only",
        "Samples and data may not be used for commercial or fee-for-service work.",
    ),
    (
        "joint-project",
        "Joint project required",
        "Access only as a collaboration with the collection's investigators.",
    ),
    (
        "no-genetic-data",
        "No germline genetic data",
        "Donor consent does not cover generating germline genetic data.",
    ),
    ("eu-only", "Within the EU only", "Samples and data may not leave the European Union."),
    ("no-animal-work", "No animal work", "Samples may not be implanted in animals (xenografts)."),
    (
        "ethics-approval",
        "Ethics committee approval",
        "A favourable ethics-committee opinion for the project is required before release.",
    ),
    (
        "material-transfer-agreement",
        "Material transfer agreement",
        "A written agreement (Belgian Human Body Material Act) is signed before release.",
    ),
]


def seed_collaboration_vocabularies(
    Technique, SampleType, TechniqueSampleType, DataType, Timepoint, AccessCondition
) -> None:
    """Create or update the seed terms; the model classes are passed so migrations can use theirs."""
    techniques = {}
    for order, (slug, name, description) in enumerate(TECHNIQUES):
        techniques[slug], _ = Technique.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
    sample_types = {}
    for order, (slug, name, miabis) in enumerate(SAMPLE_TYPES):
        sample_types[slug], _ = SampleType.objects.update_or_create(
            slug=slug, defaults={"name": name, "miabis_term": miabis, "order": order}
        )
    for technique, sample_type, weight in COMPATIBILITY:
        TechniqueSampleType.objects.update_or_create(
            technique=techniques[technique],
            sample_type=sample_types[sample_type],
            defaults={"weight": weight},
        )
    for order, (slug, name) in enumerate(DATA_TYPES):
        DataType.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})
    for slug, name, order in TIMEPOINTS:
        Timepoint.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})
    for order, (slug, name, description) in enumerate(ACCESS_CONDITIONS):
        AccessCondition.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "order": order}
        )
