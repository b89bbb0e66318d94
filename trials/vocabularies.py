"""Seed drug vocabulary of the trials app (loaded by a data migration; curators extend it in admin).

Synonyms are brand names and development codes as they appear in ClinicalTrials.gov `otherNames` and the
MeSH intervention browse leaves (research/trials.md §7.3). Class per the network's immunotherapy classes.
"""

from django.utils.text import slugify

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
    ("bempegaldesleukin", "il-2-il-15-variant", ["NKTR-214", "bempeg"]),
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
    # --- added with the arms/classes work (#13 §3): current immunotherapies by class ---
    ("serplulimab", "anti-pd-1", ["HLX10", "Hetronifly"]),
    ("penpulimab", "anti-pd-1", ["AK105"]),
    ("zimberelimab", "anti-pd-1", ["AB122", "GLS-010"]),
    ("prolgolimab", "anti-pd-1", ["BCD-100", "Forteca"]),
    ("cetrelimab", "anti-pd-1", ["JNJ-63723283"]),
    ("sasanlimab", "anti-pd-1", ["PF-06801591"]),
    ("balstilimab", "anti-pd-1", ["AGEN2034"]),
    ("adebrelimab", "anti-pd-l1", ["SHR-1316", "SHR1316"]),
    ("envafolimab", "anti-pd-l1", ["KN035", "ASC22"]),
    ("sugemalimab", "anti-pd-l1", ["CS1001", "Cejemly"]),
    ("cosibelimab", "anti-pd-l1", ["CK-301", "Unloxcyt"]),
    ("benmelstobart", "anti-pd-l1", ["TQB2450"]),
    ("botensilimab", "anti-ctla-4", ["AGEN1181"]),
    ("zalifrelimab", "anti-ctla-4", ["AGEN1884"]),
    ("quavonlimab", "anti-ctla-4", ["MK-1308"]),
    ("fianlimab", "anti-lag-3", ["REGN3767"]),
    ("favezelimab", "anti-lag-3", ["MK-4280"]),
    ("ieramilimab", "anti-lag-3", ["LAG525"]),
    ("tiragolumab", "anti-tigit", ["RG6058", "MTIG7192A", "RO7092284"]),
    ("vibostolimab", "anti-tigit", ["MK-7684"]),
    ("domvanalimab", "anti-tigit", ["AB154"]),
    ("ociperlimab", "anti-tigit", ["BGB-A1217"]),
    ("belrestotug", "anti-tigit", ["EOS-448", "GSK4428859"]),
    ("sabatolimab", "anti-tim-3", ["MBG453"]),
    ("cobolimab", "anti-tim-3", ["TSR-022"]),
    ("cadonilimab", "bispecific-checkpoint", ["AK104", "Kaitanni"]),
    ("ivonescimab", "bispecific-checkpoint", ["AK112", "SMT112"]),
    ("tebotelimab", "bispecific-checkpoint", ["MGD013"]),
    ("volrustomig", "bispecific-checkpoint", ["MEDI5752"]),
    ("rilvegostomig", "bispecific-checkpoint", ["AZD2936"]),
    ("lorigerlimab", "bispecific-checkpoint", ["MGD019"]),
    ("acasunlimab", "bispecific-checkpoint", ["GEN1046", "BNT311"]),
    ("obecabtagene autoleucel", "car-t", ["Aucatzyl", "obe-cel", "AUTO1"]),
    ("CAR T cells", "car-t", ["CAR-T", "CAR T-cell therapy", "chimeric antigen receptor T cells"]),
    ("afamitresgene autoleucel", "tcr-t", ["Tecelra", "afami-cel", "ADP-A2M4"]),
    ("letetresgene autoleucel", "tcr-t", ["lete-cel", "GSK3377794", "NY-ESO-1 SPEAR T cells"]),
    ("TCR-T cells", "tcr-t", ["TCR-engineered T cells", "T-cell receptor engineered T cells"]),
    ("NK cells", "nk-cell", ["natural killer cells", "NK cell therapy"]),
    ("talquetamab", "bispecific", ["Talvey", "JNJ-64407564"]),
    ("elranatamab", "bispecific", ["Elrexfio", "PF-06863135"]),
    ("linvoseltamab", "bispecific", ["Lynozyfic", "REGN5458"]),
    ("odronextamab", "bispecific", ["REGN1979"]),
    ("catumaxomab", "bispecific", ["Removab"]),
    ("xaluritamig", "bispecific", ["AMG 509"]),
    ("montanide isa 51", "peptide-vaccine", ["Montanide ISA-51", "ISA 51 peptide vaccine"]),
    (
        "melanoma peptide vaccine",
        "peptide-vaccine",
        ["gp100 peptide", "MART-1 peptide", "tyrosinase peptide", "gp100:209-217"],
    ),
    ("peptide vaccine", "peptide-vaccine", ["peptide-based vaccine", "neoantigen peptide vaccine"]),
    ("IO102-IO103", "peptide-vaccine", ["Cylembio", "IO102/IO103"]),
    ("galinpepimut-S", "peptide-vaccine", ["WT1 peptide vaccine"]),
    ("nelipepimut-S", "peptide-vaccine", ["NeuVax", "E75 peptide"]),
    ("OSE2101", "peptide-vaccine", ["Tedopi"]),
    ("DCVax-L", "dendritic-cell-vaccine", ["DCVax"]),
    (
        "dendritic cell vaccine",
        "dendritic-cell-vaccine",
        ["DC vaccine", "dendritic cell-based vaccine", "autologous dendritic cells"],
    ),
    ("intismeran autogene", "mrna-vaccine", ["mRNA-4157", "V940"]),
    ("autogene cevumeran", "mrna-vaccine", ["BNT122", "RO7198457"]),
    ("BNT111", "mrna-vaccine", ["FixVac"]),
    ("mRNA vaccine", "mrna-vaccine", ["mRNA cancer vaccine", "individualised neoantigen therapy"]),
    ("vusolimogene oderparepvec", "oncolytic-virus", ["RP1"]),
    ("pelareorep", "oncolytic-virus", ["Reolysin"]),
    ("cretostimogene grenadenorepvec", "oncolytic-virus", ["CG0070"]),
    ("nadofaragene firadenovec", "other", ["Adstiladrin"]),
    ("nemvaleukin alfa", "il-2-il-15-variant", ["ALKS 4230"]),
    ("nogapendekin alfa inbakicept", "il-2-il-15-variant", ["Anktiva", "N-803", "ALT-803"]),
    ("pegenzileukin", "il-2-il-15-variant", ["SAR444245", "THOR-707"]),
    (
        "sargramostim",
        "cytokine",
        ["Leukine", "GM-CSF", "granulocyte-macrophage colony-stimulating factor"],
    ),
    ("sotigalimab", "cd40-agonist", ["APX005M"]),
    ("selicrelumab", "cd40-agonist", ["RO7009789", "CP-870,893", "CP-870893"]),
    ("mitazalimab", "cd40-agonist", ["ADC-1013", "JNJ-64457107"]),
    ("utomilumab", "other", ["PF-05082566"]),
    ("imiquimod", "other", ["Aldara"]),
    # Antibody-drug conjugates: their own class, never the parent antibody (not immunotherapy).
    (
        "trastuzumab emtansine",
        "adc",
        [
            "Kadcyla",
            "T-DM1",
            "ado-trastuzumab emtansine",
            "trastuzumab-DM1",
            "trastuzumab-MCC-DM1",
            "RO5304020",
        ],
    ),
    ("trastuzumab deruxtecan", "adc", ["Enhertu", "T-DXd", "DS-8201a", "DS-8201"]),
    ("trastuzumab rezetecan", "adc", ["SHR-A1811"]),
    ("sacituzumab govitecan", "adc", ["Trodelvy", "IMMU-132"]),
    ("enfortumab vedotin", "adc", ["Padcev", "ASG-22CE"]),
    ("datopotamab deruxtecan", "adc", ["Dato-DXd", "DS-1062"]),
    ("brentuximab vedotin", "adc", ["Adcetris", "SGN-35"]),
    ("tisotumab vedotin", "adc", ["Tivdak"]),
    ("mirvetuximab soravtansine", "adc", ["Elahere", "IMGN853"]),
    ("patritumab deruxtecan", "adc", ["HER3-DXd", "U3-1402"]),
    ("polatuzumab vedotin", "adc", ["Polivy"]),
    ("disitamab vedotin", "adc", ["RC48"]),
    # More frequent non-immunotherapy partners.
    ("oxaliplatin", "", ["Eloxatin"]),
    ("irinotecan", "", ["Camptosar", "CPT-11"]),
    ("fluorouracil", "", ["5-FU", "5-fluorouracil"]),
    ("capecitabine", "", ["Xeloda"]),
    ("etoposide", "", ["VePesid", "VP-16"]),
    ("nab-paclitaxel", "", ["Abraxane", "nanoparticle albumin-bound paclitaxel"]),
    ("cabozantinib", "", ["Cabometyx", "XL184"]),
    ("sunitinib", "", ["Sutent"]),
    ("sorafenib", "", ["Nexavar"]),
    ("regorafenib", "", ["Stivarga"]),
    ("olaparib", "", ["Lynparza"]),
    ("enzalutamide", "", ["Xtandi"]),
    ("abiraterone", "", ["Zytiga"]),
    ("lenalidomide", "", ["Revlimid"]),
    ("pomalidomide", "", ["Pomalyst", "Imnovid"]),
    ("dexamethasone", "", ["Decadron"]),
    ("rituximab", "", ["MabThera", "Rituxan"]),
    ("cetuximab", "", ["Erbitux"]),
    ("ramucirumab", "", ["Cyramza"]),
    ("pertuzumab", "", ["Perjeta"]),
    ("pyrotinib", "", []),
    ("encorafenib", "", ["Braftovi"]),
    ("binimetinib", "", ["Mektovi"]),
    ("cobimetinib", "", ["Cotellic"]),
    ("everolimus", "", ["Afinitor"]),
    ("dutasteride", "", ["Avodart"]),
]


# Drugs whose class the first seed got wrong or too broad: updated by migration 0007 (unless a curator
# changed them since, i.e. they still carry the old seed class).
RECLASSIFIED = {"bempegaldesleukin": ("cytokine", "il-2-il-15-variant")}


def seed_drugs(drug_model) -> None:
    """Create the seed drugs if missing (data migration, demo loader and live-server tests, whose
    database flush removes migration data). Takes the model class so migrations can pass theirs."""
    # An older migration's model may not fit the newer class codes yet (0002 had 20 characters);
    # those drugs are seeded by the later migration that runs this again (0007).
    max_length = drug_model._meta.get_field("immunotherapy_class").max_length
    for name, klass, synonyms in DRUGS:
        if len(klass) > max_length:
            continue
        drug, created = drug_model.objects.get_or_create(
            name=name,
            defaults={
                "slug": slugify(name),
                "immunotherapy_class": klass,
                "synonyms": "\n".join(synonyms),
            },
        )
        if created:
            continue
        # Add seed synonyms a curator does not have yet; never remove theirs.
        have = [line.strip() for line in drug.synonyms.splitlines() if line.strip()]
        missing = [s for s in synonyms if s.lower() not in {h.lower() for h in have}]
        old_new = RECLASSIFIED.get(name)
        if missing or (old_new and drug.immunotherapy_class == old_new[0]):
            drug.synonyms = "\n".join(have + missing)
            if old_new and drug.immunotherapy_class == old_new[0]:
                drug.immunotherapy_class = old_new[1]
            drug.save()
