"""Seed drug vocabulary of the trials app (loaded by a data migration; curators extend it in admin).

Synonyms are brand names and development codes as they appear in ClinicalTrials.gov `otherNames` and the
MeSH intervention browse leaves (research/trials.md §7.3). Class per the network's immunotherapy classes.
"""

# (INN, immunotherapy class or "", synonyms)
DRUGS = [
    (
        "pembrolizumab",
        "anti-pd-1",
        ["Keytruda", "MK-3475", "MK3475", "lambrolizumab", "SCH 900475"],
    ),
    ("nivolumab", "anti-pd-1", ["Opdivo", "BMS-936558", "MDX-1106", "ONO-4538", "BMS936558"]),
    ("cemiplimab", "anti-pd-1", ["Libtayo", "REGN2810", "REGN-2810"]),
    ("dostarlimab", "anti-pd-1", ["Jemperli", "TSR-042"]),
    ("spartalizumab", "anti-pd-1", ["PDR001"]),
    ("tislelizumab", "anti-pd-1", ["BGB-A317", "Tevimbra"]),
    ("toripalimab", "anti-pd-1", ["JS001", "Loqtorzi"]),
    ("sintilimab", "anti-pd-1", ["IBI308", "Tyvyt"]),
    ("camrelizumab", "anti-pd-1", ["SHR-1210"]),
    ("retifanlimab", "anti-pd-1", ["INCMGA00012", "Zynyz"]),
    ("atezolizumab", "anti-pd-l1", ["Tecentriq", "MPDL3280A", "RG7446", "RO5541267"]),
    ("durvalumab", "anti-pd-l1", ["Imfinzi", "MEDI4736", "MEDI-4736"]),
    ("avelumab", "anti-pd-l1", ["Bavencio", "MSB0010718C"]),
    ("ipilimumab", "anti-ctla-4", ["Yervoy", "MDX-010", "MDX-101", "BMS-734016"]),
    ("tremelimumab", "anti-ctla-4", ["Imjudo", "CP-675,206", "ticilimumab"]),
    ("relatlimab", "anti-lag-3", ["BMS-986016", "Opdualag"]),
    ("tisagenlecleucel", "car-t", ["Kymriah", "CTL019"]),
    ("axicabtagene ciloleucel", "car-t", ["Yescarta", "KTE-C19", "axi-cel"]),
    ("lisocabtagene maraleucel", "car-t", ["Breyanzi", "JCAR017", "liso-cel"]),
    ("idecabtagene vicleucel", "car-t", ["Abecma", "bb2121", "ide-cel"]),
    ("ciltacabtagene autoleucel", "car-t", ["Carvykti", "JNJ-68284528", "cilta-cel"]),
    ("brexucabtagene autoleucel", "car-t", ["Tecartus", "KTE-X19"]),
    ("lifileucel", "til", ["Amtagvi", "LN-144"]),
    (
        "tumour-infiltrating lymphocytes",
        "til",
        ["TIL", "tumor infiltrating lymphocytes", "TIL therapy"],
    ),
    ("blinatumomab", "bispecific", ["Blincyto", "MT103", "AMG 103"]),
    ("tebentafusp", "bispecific", ["Kimmtrak", "IMCgp100"]),
    ("teclistamab", "bispecific", ["Tecvayli", "JNJ-64007957"]),
    ("glofitamab", "bispecific", ["Columvi", "RG6026"]),
    ("epcoritamab", "bispecific", ["Epkinly", "GEN3013"]),
    ("mosunetuzumab", "bispecific", ["Lunsumio", "RG7828"]),
    ("tarlatamab", "bispecific", ["Imdelltra", "AMG 757"]),
    ("sipuleucel-T", "vaccine", ["Provenge"]),
    ("talimogene laherparepvec", "oncolytic-virus", ["Imlygic", "T-VEC", "OncoVEX GM-CSF"]),
    ("aldesleukin", "cytokine", ["Proleukin", "interleukin-2", "IL-2", "rIL-2"]),
    ("interferon alfa-2b", "cytokine", ["Intron A", "IFN alpha-2b", "interferon alpha-2b"]),
    ("peginterferon alfa-2b", "cytokine", ["Sylatron", "PegIntron"]),
    ("bempegaldesleukin", "cytokine", ["NKTR-214"]),
    ("BCG", "other", ["Bacillus Calmette-Guerin", "TICE BCG", "bacillus Calmette-Guérin"]),
    # Frequent non-immunotherapy partners, so combinations are recognised (class empty).
    ("carboplatin", "", ["Paraplatin"]),
    ("cisplatin", "", ["Platinol"]),
    ("pemetrexed", "", ["Alimta"]),
    ("paclitaxel", "", ["Taxol"]),
    ("docetaxel", "", ["Taxotere"]),
    ("gemcitabine", "", ["Gemzar"]),
    ("cyclophosphamide", "", ["Cytoxan", "Endoxan"]),
    ("fludarabine", "", ["Fludara"]),
    ("lenvatinib", "", ["Lenvima", "E7080"]),
    ("axitinib", "", ["Inlyta", "AG-013736"]),
    ("bevacizumab", "", ["Avastin"]),
    ("trastuzumab", "", ["Herceptin"]),
    ("dabrafenib", "", ["Tafinlar"]),
    ("trametinib", "", ["Mekinist"]),
    ("vemurafenib", "", ["Zelboraf"]),
    ("dacarbazine", "", ["DTIC"]),
    ("temozolomide", "", ["Temodar", "Temodal"]),
]


def seed_drugs(drug_model) -> None:
    """Create the seed drugs if missing (data migration, demo loader and live-server tests, whose
    database flush removes migration data). Takes the model class so migrations can pass theirs."""
    from django.utils.text import slugify

    for name, klass, synonyms in DRUGS:
        drug_model.objects.get_or_create(
            name=name,
            defaults={
                "slug": slugify(name),
                "immunotherapy_class": klass,
                "synonyms": "\n".join(synonyms),
            },
        )
