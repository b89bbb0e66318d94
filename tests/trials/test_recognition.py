"""Recognition (#13 §3): cancer types (longest non-overlapping match), drugs and classes, re-runs."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from ion_portal.models import CancerType
from trials.models import Drug, Trial
from trials.recognition import Recogniser
from trials.services import import_paths
from trials.vocabularies import DRUGS

from .conftest import CTGOV_DIR

NSCLC, SCLC, LUNG = "Non-small cell lung cancer", "Small cell lung cancer", "Lung cancer"

# Condition strings as registered in the shared records -> the most specific types expected.
CONDITIONS = {
    "Non Small Cell Lung Cancer": {NSCLC},
    "Advanced Non-small Cell Lung Cancer": {NSCLC},
    "Lung Non-Small Cell Carcinoma": {NSCLC},
    "Lung Non-Small Cell Squamous Carcinoma": {NSCLC},
    "Lung Non-Squamous Non-Small Cell Carcinoma": {NSCLC},
    "Squamous Cell Non-small Cell Lung Cancer": {NSCLC},
    "Stage IV Non-Small Cell Lung Cancer": {NSCLC},
    "Recurrent Non-Small Cell Lung Carcinoma": {NSCLC},
    "Small-cell Lung Cancer": {SCLC},
    "Lung Cancer": {LUNG},
    "Lung Carcinoma": {LUNG},
    "Recurrent Lung Carcinoma": {LUNG},
    "Stage IIIA Lung Cancer AJCC v8": {LUNG},
    "Neoplasms, Prostate": {"Prostate cancer"},
    "Prostate Adenocarcinoma": {"Prostate cancer"},
    "Prostate Carcinoma": {"Prostate cancer"},
    "Stage IV Prostate Cancer": {"Prostate cancer"},
    "Breast Neoplasms": {"Breast cancer"},
    "Breast Carcinoma": {"Breast cancer"},
    "Male Breast Carcinoma": {"Breast cancer"},
    "HER2-positive Breast Cancer": {"Breast cancer"},
    "Metastatic HER2+ Advanced Breast Cancer": {"Breast cancer"},
    "Triple Negative Breast Cancer": {"Triple-negative breast cancer"},
    "Head and Neck Neoplasms": {"Head and neck cancer"},
    "Head and Neck Carcinoma": {"Head and neck cancer"},
    "Skin Neoplasms": {"Skin cancer"},
    "Skin Carcinoma": {"Skin cancer"},
    "Hematologic Cancer": {"Haematological cancer"},
    "Acute Leukemias": {"Leukaemia"},
    "Chronic Lymphocytic Leukemia": {"Leukaemia"},
    "B-cell Acute Lymphoblastic Leukemia": {"Leukaemia"},
    "Juvenile Myelomonocytic Leukemia": {"Leukaemia"},
    "Lymphoma, Follicular": {"Lymphoma"},
    "Small Lymphocytic Lymphoma": {"Lymphoma"},
    "Refractory Lymphoma": {"Lymphoma"},
    "Plasma Cell Myeloma": {"Multiple myeloma"},
    "Refractory Plasma Cell Myeloma": {"Multiple myeloma"},
    "Melanoma (Skin)": {"Melanoma"},
    "Recurrent Melanoma": {"Melanoma"},
    "Bladder Carcinoma": {"Urothelial cancer"},
    "Recurrent Bladder Carcinoma": {"Urothelial cancer"},
    "Kidney Carcinoma": {"Kidney cancer"},
    "Hepatocellular Carcinoma": {"Hepatocellular carcinoma"},
    "Recurrent Liver Carcinoma": {"Liver cancer"},
    "Colon Carcinoma": {"Colorectal cancer"},
    "Colon Adenocarcinoma": {"Colorectal cancer"},
    "Rectal Adenocarcinoma": {"Colorectal cancer"},
    "Stage IIIB Colon Cancer": {"Colorectal cancer"},
    "Gastric Carcinoma": {"Gastric cancer"},
    "Gastric or Gastroesophageal Junction Adenocarcinoma (GEC)": {"Gastric cancer"},
    "Esophageal Carcinoma": {"Oesophageal cancer"},
    "Pancreatic Adenocarcinoma": {"Pancreatic cancer"},
    "Metastatic Pancreatic Cancer": {"Pancreatic cancer"},
    "Ovarian Carcinoma": {"Ovarian cancer"},
    "Fallopian Tube Cancer": {"Ovarian cancer"},
    "Endometrial Carcinoma": {"Endometrial cancer"},
    "Uterine Corpus Cancer": {"Endometrial cancer"},
    "Malignant Uterine Neoplasm": {"Endometrial cancer"},
    "Cervical Carcinoma": {"Cervical cancer"},
    "Brain Tumor": {"Brain tumour"},
    "Gallbladder Adenocarcinoma": {"Biliary tract cancer"},
    "Solid Tumor, Adult": {"Solid tumours"},
    "Advanced Malignant Solid Neoplasm": {"Solid tumours"},
    "Stage II Uterine Corpus Endometrial Stromal Sarcoma AJCC v8": {"Sarcoma"},
    "All Cancer Incidence": set(),  # "All" is a word, not ALL (acute lymphoblastic leukaemia)
    "HIV Infection": set(),
    "COVID-19": set(),
    "Crohn's Disease": set(),
    "Caries, Dental": set(),
}


@pytest.fixture
def recogniser(db):
    # Per test: live-server tests elsewhere in the suite flush the vocabularies between modules.
    return Recogniser(), {ct.pk: ct.name for ct in CancerType.objects.all()}


def test_the_condition_test_set_has_at_least_60_strings():
    assert len(CONDITIONS) >= 60


@pytest.mark.parametrize(("condition", "expected"), CONDITIONS.items())
def test_cancer_type_of_a_registered_condition(recogniser, condition, expected):
    rec, names = recogniser
    assert {names[pk] for pk in rec._types_in([condition])} == expected


def test_broader_types_are_linked_too_and_nsclc_is_never_also_sclc(recogniser):
    rec, names = recogniser
    found = {names[pk] for pk in rec.cancer_types_for(["Non Small Cell Lung Cancer"])}
    assert found == {NSCLC, LUNG}


@pytest.mark.django_db
def test_nct02481830_is_small_cell_lung_cancer_from_its_title():
    import_paths(paths=[CTGOV_DIR / "NCT02481830.xml"])
    names = set(Trial.objects.get(nct_id="NCT02481830").cancer_types.values_list("name", flat=True))
    assert names == {SCLC, LUNG}


def test_the_drug_vocabulary_has_at_least_120_drugs_with_the_new_classes():
    classes = {klass for _name, klass, _syn in DRUGS}
    assert len(DRUGS) >= 120
    for code in (
        "cd40-agonist",
        "il-2-il-15-variant",
        "peptide-vaccine",
        "dendritic-cell-vaccine",
        "mrna-vaccine",
        "til",
        "tcr-t",
        "bispecific-checkpoint",
        "adc",
    ):
        assert code in classes, code


@pytest.mark.parametrize(
    ("name", "other_names", "expected"),
    [
        ("Trastuzumab Emtansine", [], ["trastuzumab emtansine"]),
        ("Trastuzumab", ["Herceptin"], ["trastuzumab"]),
        (
            "SHR-A1811 & Pyrotinib/SHR-A1811 & SHR-1316",
            [],
            ["trastuzumab rezetecan", "pyrotinib", "adebrelimab"],
        ),
        ("Pembrolizumab + Lenvatinib", [], ["pembrolizumab", "lenvatinib"]),
        ("APX005M", [], ["sotigalimab"]),
        ("N-803", [], ["nogapendekin alfa inbakicept"]),
        ("Montanide ISA 51", [], ["montanide isa 51"]),
        ("mRNA-4157", ["V940"], ["intismeran autogene"]),
        ("Cadonilimab", [], ["cadonilimab"]),
        ("Autologous dendritic cells loaded with tumour lysate", [], ["dendritic cell vaccine"]),
    ],
)
def test_drugs_named_by_an_intervention(recogniser, name, other_names, expected):
    rec, _names = recogniser
    assert [rec.drugs[pk].name for pk in rec.drugs_for(name, other_names)] == expected


@pytest.mark.django_db
def test_adebrelimab_and_the_peptide_vaccine_get_their_classes_and_a_combination_links_every_drug():
    import_paths(paths=[CTGOV_DIR / "NCT05482568.xml", CTGOV_DIR / "NCT00184067.json"])
    combo = Trial.objects.get(nct_id="NCT05482568")
    assert (
        "anti-pd-l1" in combo.immunotherapy_class_list and "adc" in combo.immunotherapy_class_list
    )
    linked = {d.name for i in combo.interventions.all() for d in i.drugs.all()}
    assert {"adebrelimab", "pyrotinib", "trastuzumab rezetecan"} <= linked
    assert Trial.objects.get(nct_id="NCT00184067").immunotherapy_class_list == ["peptide-vaccine"]


@pytest.mark.django_db
def test_trastuzumab_emtansine_is_an_adc_not_trastuzumab():
    import_paths(paths=[CTGOV_DIR / "NCT02465060.xml"])
    trial = Trial.objects.get(nct_id="NCT02465060")
    tdm1 = [i for i in trial.interventions.all() if i.name == "Trastuzumab Emtansine"]
    assert [d.name for d in tdm1[0].drugs.all()] == ["trastuzumab emtansine"]


@pytest.mark.django_db
def test_a_vocabulary_change_is_followed_by_recognise_trials_and_by_reimport_but_overrides_stay():
    import_paths(paths=[CTGOV_DIR / "NCT00184067.json", CTGOV_DIR / "NCT04267848.json"])
    Drug.objects.filter(name="montanide isa 51").delete()
    call_command("recognise_trials", stdout=None)
    vaccine = Trial.objects.get(nct_id="NCT00184067")
    assert vaccine.immunotherapy_class_list == []

    curated = Trial.objects.get(nct_id="NCT04267848")
    curated.immunotherapy_classes, curated.classes_overridden = "|other|", True
    curated.save()
    Drug.objects.create(
        name="montanide isa 51", slug="montanide-isa-51", immunotherapy_class="peptide-vaccine"
    )
    report = import_paths(paths=[CTGOV_DIR / "NCT00184067.json", CTGOV_DIR / "NCT04267848.json"])

    # The curated trial does not name the drug: nothing to do for it; the vaccine trial follows.
    assert [r.outcome for r in report.results] == ["updated", "unchanged"]
    assert Trial.objects.get(nct_id="NCT00184067").immunotherapy_class_list == ["peptide-vaccine"]
    assert Trial.objects.get(nct_id="NCT04267848").immunotherapy_classes == "|other|"
    assert [r.outcome for r in import_paths(paths=[CTGOV_DIR / "NCT00184067.json"]).results] == [
        "unchanged"
    ]


@pytest.mark.django_db
def test_recognition_removes_a_type_it_had_linked_but_keeps_a_curators_link(tmp_path):
    import_paths(paths=[CTGOV_DIR / "NCT04267848.json"])
    trial = Trial.objects.get(nct_id="NCT04267848")
    meso = CancerType.objects.get(name="Mesothelioma")
    trial.cancer_types.add(meso)  # a curator's link
    nsclc = CancerType.objects.get(name=NSCLC)
    nsclc.synonyms = ""
    nsclc.name = "NSCLC renamed away"
    nsclc.save()

    call_command("recognise_trials", "NCT04267848", stdout=None)

    names = set(trial.cancer_types.values_list("name", flat=True))
    assert "Mesothelioma" in names and "NSCLC renamed away" not in names
