"""Seed vocabularies of the core app (loaded by a data migration; curators extend them in admin)."""

from django.utils.text import slugify

# (name, parent name or None, ICD-10 codes, synonyms used to recognise imported conditions)
CANCER_TYPES = [
    (
        "Lung cancer",
        None,
        "C34",
        ["lung carcinoma", "lung neoplasm", "carcinoma of lung", "pulmonary cancer"],
    ),
    (
        "Non-small cell lung cancer",
        "Lung cancer",
        "C34",
        [
            "NSCLC",
            "non small cell lung",
            "non-small cell",
            "non-small-cell",
            "lung adenocarcinoma",
            "squamous cell lung",
        ],
    ),
    ("Small cell lung cancer", "Lung cancer", "C34", ["SCLC", "small-cell lung"]),
    ("Mesothelioma", None, "C45", ["pleural mesothelioma"]),
    ("Skin cancer", None, "C43, C44", ["cutaneous cancer"]),
    ("Melanoma", "Skin cancer", "C43", ["cutaneous melanoma", "malignant melanoma"]),
    ("Uveal melanoma", "Melanoma", "C69", ["ocular melanoma"]),
    ("Merkel cell carcinoma", "Skin cancer", "C44", ["merkel cell"]),
    (
        "Cutaneous squamous cell carcinoma",
        "Skin cancer",
        "C44",
        ["cSCC", "squamous cell carcinoma of the skin"],
    ),
    ("Kidney cancer", None, "C64", ["renal cancer", "renal neoplasm"]),
    ("Renal cell carcinoma", "Kidney cancer", "C64", ["RCC", "clear cell renal"]),
    (
        "Urothelial cancer",
        None,
        "C67, C65, C66",
        [
            "bladder cancer",
            "urothelial carcinoma",
            "transitional cell carcinoma",
            "bladder carcinoma",
        ],
    ),
    (
        "Prostate cancer",
        None,
        "C61",
        ["prostate carcinoma", "prostatic neoplasm", "prostate adenocarcinoma"],
    ),
    (
        "Head and neck cancer",
        None,
        "C00-C14, C30-C32",
        ["HNSCC", "head and neck squamous", "oropharyngeal", "laryngeal cancer", "oral cancer"],
    ),
    (
        "Oesophageal cancer",
        None,
        "C15",
        ["esophageal cancer", "oesophageal carcinoma", "esophageal carcinoma"],
    ),
    (
        "Gastric cancer",
        None,
        "C16",
        ["stomach cancer", "gastroesophageal junction", "gastric adenocarcinoma"],
    ),
    (
        "Colorectal cancer",
        None,
        "C18-C20",
        ["colon cancer", "rectal cancer", "colorectal carcinoma", "CRC", "colorectal neoplasm"],
    ),
    ("Liver cancer", None, "C22", ["liver neoplasm"]),
    ("Hepatocellular carcinoma", "Liver cancer", "C22.0", ["HCC", "hepatoma"]),
    (
        "Biliary tract cancer",
        None,
        "C22.1, C23, C24",
        [
            "cholangiocarcinoma",
            "gallbladder cancer",
            "biliary tract carcinoma",
            "bile duct cancer",
            "bile duct carcinoma",
        ],
    ),
    (
        "Pancreatic cancer",
        None,
        "C25",
        ["pancreatic adenocarcinoma", "pancreatic carcinoma", "pancreas cancer"],
    ),
    ("Breast cancer", None, "C50", ["breast carcinoma", "breast neoplasm"]),
    ("Triple-negative breast cancer", "Breast cancer", "C50", ["TNBC", "triple negative"]),
    ("Gynaecological cancer", None, "C51-C58", ["gynecologic cancer", "gynecological cancer"]),
    (
        "Ovarian cancer",
        "Gynaecological cancer",
        "C56",
        ["ovarian carcinoma", "ovarian neoplasm", "fallopian tube cancer"],
    ),
    (
        "Endometrial cancer",
        "Gynaecological cancer",
        "C54.1",
        [
            "uterine cancer",
            "endometrial carcinoma",
            "uterine corpus cancer",
            "uterine corpus carcinoma",
        ],
    ),
    ("Cervical cancer", "Gynaecological cancer", "C53", ["cervix cancer", "cervical carcinoma"]),
    ("Brain tumour", None, "C71", ["brain tumor", "brain neoplasm"]),
    ("Glioblastoma", "Brain tumour", "C71", ["GBM", "glioma", "glioblastoma multiforme"]),
    ("Sarcoma", None, "C40-C41, C45-C49", ["soft tissue sarcoma", "osteosarcoma"]),
    (
        "Haematological cancer",
        None,
        "C81-C96",
        ["hematologic malignancy", "haematological malignancy", "blood cancer"],
    ),
    ("Lymphoma", "Haematological cancer", "C81-C88", ["non-hodgkin lymphoma", "B-cell lymphoma"]),
    (
        "Hodgkin lymphoma",
        "Lymphoma",
        "C81",
        ["hodgkin's disease", "hodgkin disease", "classical hodgkin"],
    ),
    ("Diffuse large B-cell lymphoma", "Lymphoma", "C83.3", ["DLBCL"]),
    (
        "Leukaemia",
        "Haematological cancer",
        "C91-C95",
        ["leukemia", "ALL", "acute lymphoblastic", "CLL"],
    ),
    ("Multiple myeloma", "Haematological cancer", "C90.0", ["myeloma", "plasma cell myeloma"]),
    ("Solid tumours", None, "", ["solid tumor", "solid tumour", "advanced solid", "neoplasms"]),
]

GROUPS = ["Members", "Curators", "Partners"]


def seed_core_vocabularies(group_model, cancer_type_model) -> None:
    """Create the groups and cancer types if missing (used by the data migration and by live-server tests,
    whose database flush removes migration data). Takes the model classes so migrations can pass theirs."""

    for name in GROUPS:
        group_model.objects.get_or_create(name=name)
    by_name = {}
    for name, parent, icd10, synonyms in CANCER_TYPES:
        by_name[name], _ = cancer_type_model.objects.get_or_create(
            name=name,
            defaults={
                "slug": slugify(name),
                "parent": by_name.get(parent),
                "icd10": icd10,
                "synonyms": "\n".join(synonyms),
            },
        )
