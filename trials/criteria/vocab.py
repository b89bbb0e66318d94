"""Vocabularies of the criteria extractor: the words and patterns that name each kind of criterion, the
cancer types and immunotherapy classes. Plain regular expressions, kept here so they can be read and
extended without touching the rules (trials/criteria/extract.py).

Patterns run on a normalised sentence (markdown escapes removed, whitespace collapsed). Names in
CASE_SENSITIVE patterns are abbreviations that are ordinary words in lower case ("ALL", "GOT", "ALT").
"""

from __future__ import annotations

import re

from ion_portal.immunotherapy import ImmunotherapyClass as IC

from .guards import guarded

NOCASE = re.IGNORECASE

# --- Comparators: the direction a bound goes ("min": the value is a lower bound) ---------------------
COMPARATORS: list[tuple[str, str]] = [
    (
        r"greater than or equal to|more than or equal to|equal to or greater than|≥|>=|=>|>/=|=/>",
        "min",
    ),
    (r"less than or equal to|equal to or less than|≤|<=|=<|</=|=/<", "max"),
    (
        r"no (?:greater|more|higher) than|not (?:greater|more|higher) than|not exceeding|up to",
        "max",
    ),
    (r"at least|a minimum of|minimum(?: of)?|no less than|not less than", "min"),
    (r"greater than|more than|higher than|above|over|exceeding|>", "min"),
    (r"less than|lower than|below|under|<", "max"),
]
CMP_RE = re.compile("|".join(f"(?:{p})" for p, _ in COMPARATORS), NOCASE)
_CMP_DIRECTION = [(re.compile(rf"^(?:{p})$", NOCASE), d) for p, d in COMPARATORS]
# Written after the number: "2.0 mg/dl or less", "18 years or older".
POST_MIN_RE = re.compile(r"^\s*(?:or|and) (?:more|greater|higher|above|over|older)\b", NOCASE)
POST_MAX_RE = re.compile(r"^\s*(?:or|and) (?:less|lower|below|under|younger)\b", NOCASE)


def comparator_direction(text: str) -> str | None:
    for pattern, direction in _CMP_DIRECTION:
        if pattern.match(text.strip()):
            return direction
    return None


NUMBER = r"\d+(?:[.,]\d+)*"
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "zero": 0, "single": 1}

# --- Section headings ---------------------------------------------------------------------------------
HEADING_RE = re.compile(
    r"^[\W_]*(?:key |transplant |main |principal |for )?(non[- ]?)?(inclusion|exclusion)\b", NOCASE
)
# A heading at the end of a title line: "... to stop or continue cotrimoxazole prophylaxis
# randomisation Inclusion criteria" (a second randomisation's own criteria), not "... the exclusion
# criteria" in a sentence.
HEADING_END_RE = re.compile(
    r"(?<!\bthe )(?<!\bany )(?<!\ball )(?<!\bof )(?<!following )\b(inclusion|exclusion) criteria:?$",
    NOCASE,
)

# --- Kinds found by keyword ---------------------------------------------------------------------------
AGE_CUE_RE = re.compile(
    r"\bage[ds]?\b|years? old|yrs? old|years? of age|year-old|or older|and older|and over|or over"
    r"|(?:patients?|subjects?|participants?|adults?)\s*(?:aged?\s*)?(?:≥|>=|>|greater than|over)\s*"
    r"(?:than\s*)?\d{1,3}\s*years|(?:younger|older) than \d{1,3}\s*years",
    NOCASE,
)
AGE_SKIP_RE = re.compile(
    r"relative|family|sibling|child-?bearing age|menopaus|amenorr|knowledge of", NOCASE
)
# Units of an age bound; months, weeks and days are converted to years.
AGE_UNIT = r"(?:years?|yrs?|yr|months?|mos?|weeks?|wks?|days?)\b"
AGE_COMPARATORS: list[tuple[str, str]] = [("younger than", "max"), ("older than", "min")]
# An age that only says which subgroup a sentence is about ("For adolescents under 18 years of age,
# able to provide assent"; "in children aged > 12 months with tuberculosis"), not who may take part.
AGE_SUBGROUP_RE = re.compile(
    r"\b(?:for|in) (?:the )?(?:children|adolescents|infants|patients|participants|subjects|"
    r"individuals|those|women|men|girls|boys)\s*(?:who are\s*)?(?:aged?\s*)?$",
    NOCASE,
)
ECOG_RE = re.compile(
    r"\b(?:ECOG|Zubrod|WHO performance|performance status|PS(?: score)?)\b"
    r"|Eastern Cooperative Oncology Group",
    NOCASE,
)
ECOG_STOP_RE = re.compile(r"karnofsky|lansky|\bKPS\b|life expectancy", NOCASE)
SEX_MALE_RE = re.compile(r"^(?:healthy )?(?:males?|men)\b(?! (?:or|and) (?:fe)?m)", NOCASE)
SEX_FEMALE_RE = re.compile(r"^(?:healthy )?(?:females?|women)\b(?! (?:or|and) (?:fe)?m)", NOCASE)
SEX_POPULATION_RE = re.compile(
    r"\b(?:only|patients?|volunteers?|subjects?|participants?)\b", NOCASE
)
SEX_SKIP_RE = re.compile(
    r"pregnan|child-?bearing|lactat|breast-?feed|contracept|steril|menopaus|partner|abstin|donat|sperm"
    r"|\bova\b|\.\.\.$|…$",  # "…": a record's text cut short says nothing readable
    NOCASE,
)
PREGNANCY_RE = re.compile(
    r"pregnan|lactat|breast-?feed|\bnursing\b(?! home)|child-?bearing|contracept|birth control"
    r"|abstinen|abstain",
    NOCASE,
)
MEASURABLE_RE = re.compile(
    r"\bmeasurable\b(?:\W+\w+){0,5}?\W+(?:disease|lesions?|tumou?rs?|lymph nodes?)"
    r"|\bevaluable lesions?\b",
    NOCASE,
)
NON_MEASURABLE_RE = re.compile(r"non-?measurable|not measurable", NOCASE)
BRAIN_METS_RE = re.compile(
    r"\b(?:brain|cns|central nervous system|intracranial|cerebral)\b[^.;]{0,40}?"
    r"\bmet(?:astas[ie]s|astatic|s)\b",
    NOCASE,
)
BRAIN_TREATED_RE = re.compile(
    r"untreated|symptomatic|\bactive|actively|unstable|uncontrolled|progressing|progressive"
    r"|\btreated\b|\bstable\b|controlled|inactive",
    NOCASE,
)
BRAIN_SKIP_RE = re.compile(r"not required|scan to confirm|\bimaging\b.*\brequired", NOCASE)
AUTOIMMUNE_RE = re.compile(r"auto-?immune (?:disease|disorder|condition|inflammatory)", NOCASE)
STEROID_RE = re.compile(
    r"(?:cortico)?steroid|prednis(?:on|olon)e|dexamethasone|glucocorticoid|hydrocortisone", NOCASE
)
STEROID_SKIP_RE = re.compile(
    r"pneumonitis|\bILD\b|interstitial|auto-?immune|metasta|allowed|physiologic|replacement", NOCASE
)
STEROID_USE_RE = re.compile(
    r"systemic|requir|receiv|treatment with|therapy with|\bdaily\b|\buse\b|\bon (?:\w+ )?steroid",
    NOCASE,
)
STEROID_DOSE_RE = re.compile(rf"({NUMBER})\s*mg\b", NOCASE)

HIV_RE = re.compile(r"\bHIV\b|human immunodeficiency virus", NOCASE)
HBV_RE = re.compile(
    r"hepatitis[- ]b\b|\bHBV\b|\bHBs ?Ag\b|hepatitis BsAg|\bHBcAb\b|hepatitis b (?:surface|core)",
    NOCASE,
)
HBV_OR_C_RE = re.compile(r"hepatitis[- ]?b\w*\s*(?:,|or|and|/|and/or)\s*c\b", NOCASE)
HCV_RE = re.compile(r"hepatitis[- ]c\b|\bHCV\b", NOCASE)
VIRUS_CONTROLLED_RE = re.compile(
    r"undetectable|controlled|on effective|\bare eligible|\bis eligible|may be eligible|provided"
    r"|\bCD ?\)? ?4\b|suppressed|eligible if|may be considered|well[- ]compensated",
    NOCASE,
)
# A mention that is about something else than the patient's infection.
VIRUS_SKIP_RE = re.compile(r"knowledge of (?:\w+ )?HIV status|survival with HIV", NOCASE)
# In inclusion criteria, HIV/HBV/HCV is excluded only when a negation comes before the mention ("no
# known HIV") or just after it ("HIV negative"), not in a later clause ("survival with HIV if cancer
# were not present").
VIRUS_NEGATION_BEFORE_RE = re.compile(
    r"\b(?:negative|no|not|without|absence of|seronegative|uninfected)\b", NOCASE
)
VIRUS_NEGATIVE_AFTER_RE = re.compile(
    r"^[^.;]{0,80}?\b(?:negative|seronegative|not detected|undetectable)\b", NOCASE
)

# Negation before a term ("no", "absence of", "negative for") and a sentence-level flip ("are not
# eligible").
NEGATION_BEFORE_RE = re.compile(
    r"\b(?:no|not|without|absence of|absent|negative(?: for)?|lack of|non|did not show|wild[- ]type)"
    r"\b[^.;]{0,40}$",
    NOCASE,
)
INELIGIBLE_RE = re.compile(r"not eligible|ineligible|are excluded|is excluded|not allowed", NOCASE)
ALLOWED_RE = re.compile(
    r"\ballowed\b|\bpermitted\b|\bare eligible\b|\bis eligible\b|may be included|only if", NOCASE
)

# --- Biomarkers ---------------------------------------------------------------------------------------
BIOMARKERS: dict[str, re.Pattern] = {
    "msi_h_dmmr": re.compile(
        r"\bMSI-?H\b|microsatellite instab\w*[- ]high|\bdMMR\b|mismatch repair[- ]deficien\w*"
        r"|\bMMR[- ]deficien\w*|deficient (?:\(d\) )?DNA mismatch repair",
        NOCASE,
    ),
    "egfr": re.compile(
        r"\bEGFR\b(?:(?:(?!EGFR)[^.;]){0,40}?\b(?:mutation|mutations|mutant|mutated|exon|L858R?|deletion|"
        r"sensiti[sz]ing|activating)\b)"
    ),
    "alk": re.compile(
        r"\bALK\b(?:[- ]?(?:positive|rearrange\w*|fusion|translocation|alteration|gene))"
        r"|\bALK (?:rearrange\w*|fusion|translocation)|anaplastic lymphoma kinase",
        NOCASE,
    ),
    "ros1": re.compile(r"\bROS-?1\b|ROS proto-oncogene 1", NOCASE),
    "braf_v600": re.compile(r"\bBRAF\b[^.;]{0,20}V600|\bV600[EK]?\b", NOCASE),
    "kras_g12c": re.compile(r"\bKRAS\b[^.;]{0,20}G12C", NOCASE),
    "her2": re.compile(r"\bHER-?2(?:/neu)?\b|\bERBB2\b", NOCASE),
}
BIOMARKER_SKIP_RE = re.compile(r"T790M|C797S|priority|preferred", NOCASE)
HER2_NEGATIVE_RE = re.compile(
    r"HER-?2(?:/neu)?\s*(?:-(?![a-z0-9])|\(-\)|negative|-negative|0\b|status negative)", NOCASE
)
HER2_POSITIVE_RE = re.compile(
    r"HER-?2(?:/neu)?\)?\s*(?:\+|\(\+\)|positive|-positive|amplif|overexpress|mutation|mutant|3\+)",
    NOCASE,
)
PDL1_RE = re.compile(r"\bPD-?L1\b", NOCASE)
CPS_RE = re.compile(r"\bCPS\b|combined positive score", NOCASE)
TPS_RE = re.compile(r"\bTPS\b|tumou?r proportion score|tumou?r cells?", NOCASE)
TMB_RE = re.compile(r"\bTMB\b|tumou?r mutation(?:al)? burden", NOCASE)

# --- Prior lines and setting --------------------------------------------------------------------------
LINE_COUNT_RE = re.compile(
    r"(?P<cmp>at least|a minimum of|no more than|not more than|more than|up to|a maximum of|"
    r"at most|a total of|exactly|only|≥|>=|≤|<=|>|<)?\s*"
    r"(?P<n>\d|one|two|three|four|five|single)\s+"
    r"(?P<adj>(?:(?:prior|previous|standard|systemic|therapeutic|platinum(?:[- ]based)?|"
    r"doublet(?:-based)?|cytotoxic|anticancer|anti-cancer|lines? of|treatment|therapy)\s+)*)"
    r"(?P<noun>lines?|regimens?|chemotherap(?:y|ies)|therap(?:y|ies)|treatments?)\b",
    NOCASE,
)
# Every LINE_COUNT_RE match contains one of these (its noun group), searched with the same flags: a cheap
# pre-filter that skips the costly pattern (an optional comparator tried at every position) exactly when it
# cannot match.
LINE_COUNT_NOUN_RE = re.compile(r"line|regimen|therap|treatment", NOCASE)
FAILURE_RE = re.compile(
    r"progress(?:ed|ion|ive)|recurren(?:ce|t)|relapsed?|refractory|\bfailed\b|\bfailure\b|"
    r"resistan(?:ce|t)|unresponsive|intoleran(?:ce|t)|pretreated|previously treated",
    NOCASE,
)
THERAPY_RE = re.compile(
    r"therap|treatment|chemotherap|regimen|\blines?\b|\bTKI\b|inhibitor|standard|\bcare\b", NOCASE
)
FAILURE_SKIP_RE = re.compile(
    r"(?:heart|cardiac|renal|kidney|liver|hepatic|respiratory|organ) failure|virologic|"
    r"without (?:disease )?progression|no (?:evidence of )?progression|life expectancy|"
    r"survival|toxicity",
    NOCASE,
)
ADJUVANT_RE = re.compile(r"(?<![-/])\badjuvant\b", NOCASE)
NEOADJUVANT_RE = re.compile(r"\bneo-?adjuvant\b|\bneo/adjuvant\b|\bpre-?operative\b", NOCASE)
SETTING_PAST_RE = re.compile(
    r"\b(?:received|prior|previous|previously|no|after|completed|completing|history of)\b", NOCASE
)
FIRST_LINE_RE = re.compile(
    r"previously untreated|treatment[- ]na[iï]ve|chemo-?na[iï]ve|no prior systemic "
    r"(?:therapy|treatment)|first[- ]line",
    NOCASE,
)
ADVANCED_RE = re.compile(r"metasta|advanced|stage IV|unresectable|recurrent", NOCASE)

# --- Prior immunotherapy ------------------------------------------------------------------------------
IMMUNOTHERAPY_CLASSES: list[tuple[str, re.Pattern]] = [
    (
        IC.ANTI_PD1,
        re.compile(
            r"anti-?\s*(?:programmed (?:cell )?death[- ]?1\b|PD-?1\b)|\bPD-?1 (?:inhibitor|antibod|"
            r"blockade|agent)|nivolumab|pembrolizumab|cemiplimab|dostarlimab|toripalimab|"
            r"sintilimab|tislelizumab|camrelizumab|spartalizumab|retifanlimab",
            NOCASE,
        ),
    ),
    (
        IC.ANTI_PDL1,
        re.compile(
            r"anti-?\s*(?:programmed (?:cell )?death[- ]ligand[- ]1\b|PD-?L1\b)|\bPD-?L1 "
            r"(?:inhibitor|antibod|blockade|agent)|atezolizumab|durvalumab|avelumab",
            NOCASE,
        ),
    ),
    (IC.ANTI_CTLA4, re.compile(r"CTLA-?4|ipilimumab|tremelimumab", NOCASE)),
    (IC.ANTI_LAG3, re.compile(r"LAG-?3|relatlimab", NOCASE)),
    (IC.ANTI_TIGIT, re.compile(r"\bTIGIT\b|tiragolumab", NOCASE)),
    (
        IC.BISPECIFIC,
        re.compile(r"blinatumomab|teclistamab|tebentafusp|glofitamab|mosunetuzumab", NOCASE),
    ),
    (
        IC.CAR_T,
        re.compile(r"\bCAR-?T\b|chimeric antigen receptor|tisagenlecleucel|axicabtagene", NOCASE),
    ),
    (IC.TIL, re.compile(r"tumou?r[- ]infiltrating lymphocytes?|\bTILs?\b|lifileucel", NOCASE)),
]
ADOPTIVE_CELL_RE = re.compile(r"adoptive cell", NOCASE)
ADOPTIVE_CELL_CLASSES = [IC.CAR_T, IC.NK_CELL, IC.TCR_T, IC.TIL]
CHECKPOINT_RE = re.compile(r"checkpoint (?:inhibitor|blockade|pathway)", NOCASE)
CHECKPOINT_CLASSES = [IC.ANTI_PD1, IC.ANTI_PDL1, IC.ANTI_CTLA4]
GENERIC_IMMUNOTHERAPY_RE = re.compile(r"\bimmunotherap(?:y|ies)\b", NOCASE)
PRIOR_CUE_RE = re.compile(
    r"\bprior\b|\bprevious|\breceived\b|treated with|treatment with|therapy with|history of "
    r"(?:treatment|therapy)|\bexposure\b|\bexposed\b|\bfailed\b|progress",
    NOCASE,
)
IMMUNO_SKIP_RE = re.compile(
    r"hypersensitiv|allerg|contraindicat|concurrent|concomitant|within \d+ (?:days?|weeks?)"
    r"|within [1-3] months?"
    r"|\bwashout\b|related to|unrelated to|formulation",
    NOCASE,
)

# --- Organ function -----------------------------------------------------------------------------------
# Each lab: the words that name it (a window runs from there to the next lab word).
LABS: dict[str, re.Pattern] = {
    "anc": re.compile(
        r"absolute neutrophil(?: count)?|\bneutrophils?(?: count)?|granulocytes?(?: count)?|\bANC\b|"
        r"\bAGC\b",
        NOCASE,
    ),
    "platelets": re.compile(
        r"platelets?(?: counts?)?|\bPLT\b|thrombocytes|thrombocytopenia", NOCASE
    ),
    "haemoglobin": re.compile(r"ha?emoglobin|\bHgb\b|\bHGB\b|\bHb\b", NOCASE),
    "creatinine_clearance": re.compile(
        r"creatinine clearance|\bCrCl\b|\bCrC1\b|glomerular filtration rate|\bGFR\b|"
        r"clearance of creatinine",
        NOCASE,
    ),
    "creatinine": re.compile(r"creatinine?\b(?! clearance)(?!/GFR)", NOCASE),
    "bilirubin": re.compile(r"bilirubin", NOCASE),
    "ast_alt": re.compile(
        r"\b(?:AST|ALT|SGOT|SGPT|GOT|GPT)\b|amino ?transferases?|transaminases?", re.NOFLAG
    ),
}
# Every match of a LABS pattern contains one of these words (lower-case: the case-insensitive patterns;
# as written: the case-sensitive AST/ALT one), so a sentence without any cannot name a lab. Exact unless
# the text holds a character that re's IGNORECASE folds onto an ASCII letter (then no pre-filter).
LAB_WORDS_NOCASE = (
    *("neutrophil", "granulocyte", "anc", "agc", "platelet", "plt", "thrombocyt", "emoglobin"),
    *("hgb", "hb", "creatinin", "crc", "glomerular", "gfr", "bilirubin"),
)
LAB_WORDS_CASED = ("AST", "ALT", "GOT", "GPT", "transferase", "transaminase")
AST_ALT_WORDS_RE = re.compile(r"amino ?transferases?|transaminases?", NOCASE)
ULN_RE = re.compile(
    rf"({NUMBER})\s*(?:x|×|X|times|-fold|fold)?\s*(?:the\s+)?(?:institutional\s+)?"
    r"(?:upper limits? of (?:the )?(?:institutional )?normal|\bULN\b|upper normal(?: value| limit)?|"
    r"(?:institutional )?norm(?:al)?\b)",
    NOCASE,
)
WITHIN_NORMAL_RE = re.compile(
    r"^\W*(?:(?:must be|is|are|of|level|levels|values?)\s+)*(?:within (?:the )?(?:institutional )?"
    r"normal (?:limits|range)|normal\b|WNL\b|(?:≤|<=|=<|below|under|less than|not above|"
    r"not exceeding|no greater than|no more than|at or below)\s*(?:the\s+)?(?:institutional\s+)?"
    r"(?:upper limit of (?:the )?(?:institutional )?normal|ULN\b))",
    NOCASE,
)
LIVER_METS_RE = re.compile(r"liver metasta|hepatic metasta|liver involvement|liver mets", NOCASE)
GILBERT_RE = re.compile(r"gilbert", NOCASE)
LAB_VALUE_RE = re.compile(
    rf"(?P<cmp>{CMP_RE.pattern})?\s*(?:of\s+)?(?P<num>{NUMBER})\s*"
    r"(?P<unit>(?:x|×)\s*10\s*\^?\s*(?:9|3)\s*/\s*[lLµu]\w*|x\s*10[93]\s*/\s*L|"
    r"(?:cells?\s*)?/\s*(?:mm\^?3|mm³|µ[lL]|u[lL]|mcL|m[lL]|cu\s*mm|microliter|L)|"
    r"per\s*(?:cu\s*mm|mm3|µ[lL]|mcL|microliter)|K\s*/\s*[uµ][lL]|g/dL|gm/dl|g/L|gm/L|mg/dl|"
    r"mg/dL|µmol/L|umol/L|mmol/L|mL/min\S*|ml/min\S*|ml/minute\S*|mL/minute\S*|%)?",
    NOCASE,
)

# --- Cancer types (slugs of ion_portal.vocabularies.CANCER_TYPES, most specific first) ---------------
CANCER_TYPES: list[tuple[str, str | None, re.Pattern]] = [
    (
        "non-small-cell-lung-cancer",
        "lung-cancer",
        re.compile(
            r"non[- ]?small[- ]cell|\bNSCLC\b|lung adenocarcinoma|squamous cell lung", NOCASE
        ),
    ),
    (
        "small-cell-lung-cancer",
        "lung-cancer",
        re.compile(r"(?<!non-)(?<!non )\bsmall[- ]cell lung|\bSCLC\b", NOCASE),
    ),
    ("lung-cancer", None, re.compile(r"\blung (?:cancer|carcinoma|neoplasm)", NOCASE)),
    ("mesothelioma", None, re.compile(r"mesothelioma", NOCASE)),
    ("uveal-melanoma", "melanoma", re.compile(r"uveal melanoma|ocular melanoma", NOCASE)),
    ("melanoma", "skin-cancer", re.compile(r"melanoma", NOCASE)),
    ("merkel-cell-carcinoma", "skin-cancer", re.compile(r"merkel cell", NOCASE)),
    ("skin-cancer", None, re.compile(r"\bskin cancer|cutaneous cancer", NOCASE)),
    ("renal-cell-carcinoma", "kidney-cancer", re.compile(r"renal cell|\bRCC\b", NOCASE)),
    ("kidney-cancer", None, re.compile(r"kidney cancer|renal cancer", NOCASE)),
    (
        "urothelial-cancer",
        None,
        re.compile(r"urothelial|bladder (?:cancer|carcinoma)|transitional cell carcinoma", NOCASE),
    ),
    (
        "prostate-cancer",
        None,
        re.compile(
            r"prostate (?:cancer|carcinoma|adenocarcinoma)|adenocarcinoma\b[^.;]{0,40}\bof the "
            r"prostate|prostatic (?:cancer|carcinoma|adenocarcinoma)",
            NOCASE,
        ),
    ),
    (
        "head-and-neck-cancer",
        None,
        re.compile(r"head and neck|\bHNSCC\b|oropharyngeal (?:cancer|carcinoma)|laryn", NOCASE),
    ),
    ("oesophageal-cancer", None, re.compile(r"o?esophageal (?:cancer|carcinoma)", NOCASE)),
    (
        "gastric-cancer",
        None,
        re.compile(r"gastric|stomach cancer|gastro-?o?esophageal junction", NOCASE),
    ),
    (
        "colorectal-cancer",
        None,
        re.compile(
            r"colorectal|\bcolon (?:adeno)?(?:cancer|carcinoma)|rectal (?:adeno)?(?:cancer|carcinoma)"
            r"|\bCRC\b",
            NOCASE,
        ),
    ),
    ("hepatocellular-carcinoma", "liver-cancer", re.compile(r"hepatocellular|\bHCC\b", NOCASE)),
    (
        "biliary-tract-cancer",
        None,
        re.compile(
            r"cholangiocarcinoma|biliary tract|gallbladder (?:cancer|(?:adeno)?carcinoma)|bile duct",
            NOCASE,
        ),
    ),
    (
        "pancreatic-cancer",
        None,
        re.compile(r"pancrea\w* (?:cancer|carcinoma|adenocarcinoma)|\bPDAC\b", NOCASE),
    ),
    (
        "triple-negative-breast-cancer",
        "breast-cancer",
        re.compile(r"triple[- ]negative|\bTNBC\b", NOCASE),
    ),
    ("breast-cancer", None, re.compile(r"breast (?:cancer|carcinoma|neoplasm)|\bMBC\b", NOCASE)),
    (
        "ovarian-cancer",
        "gynaecological-cancer",
        re.compile(r"ovar(?:y|ian)|fallopian tube|primary peritoneal", NOCASE),
    ),
    (
        "endometrial-cancer",
        "gynaecological-cancer",
        re.compile(
            r"endometri(?:al|oid) (?:cancer|carcinoma|adenocarcinoma)|uterine cancer", NOCASE
        ),
    ),
    (
        "cervical-cancer",
        "gynaecological-cancer",
        re.compile(r"cervical (?:cancer|carcinoma)|cervix cancer", NOCASE),
    ),
    ("glioblastoma", "brain-tumour", re.compile(r"glioblastoma|\bGBM\b", NOCASE)),
    (
        "brain-tumour",
        None,
        re.compile(r"brain tumou?r|glioma|medulloblastoma|ependymoma|\bCNS tumou?r", NOCASE),
    ),
    ("sarcoma", None, re.compile(r"(?<!carcino)sarcoma(?!toid)", NOCASE)),
    ("hodgkin-lymphoma", "lymphoma", re.compile(r"(?<!non-)(?<!non )hodgkin", NOCASE)),
    ("diffuse-large-b-cell-lymphoma", "lymphoma", re.compile(r"diffuse large B|\bDLBCL\b", NOCASE)),
    ("lymphoma", "haematological-cancer", re.compile(r"lymphoma", NOCASE)),
    ("multiple-myeloma", "haematological-cancer", re.compile(r"myeloma", NOCASE)),
    (
        "leukaemia",
        "haematological-cancer",
        re.compile(r"(?i:leuka?emia|acute lymphoblastic)|\bALL\b|\bCLL\b|\bAML\b|\bCML\b"),
    ),
    (
        "haematological-cancer",
        None,
        re.compile(r"ha?ematologic(?:al)? (?:malignan|cancer)|blood cancer", NOCASE),
    ),
    ("solid-tumours", None, re.compile(r"solid tumou?rs?|advanced solid", NOCASE)),
]
CANCER_SKIP_RE = re.compile(
    r"\bother\b|second(?:ary)? (?:primary )?malignan|\bhistory of\b|\bexcept\b|\bexcluding\b|"
    r"risk of|recurrence of|\bprior\b|\bprevious\b|family",
    NOCASE,
)

# --- Literal pre-filters (trials/criteria/guards.py): each pattern searched on every sentence is asked
# only when the lower-cased sentence holds one of the words every match contains. Same results; left
# out: patterns anchored at a start or an end and those that start with a literal (as fast without).
_UNGUARDED = {
    *("HEADING_RE", "SEX_MALE_RE", "SEX_FEMALE_RE", "POST_MIN_RE", "POST_MAX_RE"),
    *("AGE_SUBGROUP_RE", "WITHIN_NORMAL_RE", "HER2_NEGATIVE_RE", "HER2_POSITIVE_RE"),
    *("GILBERT_RE", "AUTOIMMUNE_RE", "NON_MEASURABLE_RE", "CHECKPOINT_RE", "HBV_OR_C_RE"),
    "VIRUS_NEGATIVE_AFTER_RE",
}
for _name, _value in list(globals().items()):
    if _name.endswith("_RE") and _name not in _UNGUARDED and isinstance(_value, re.Pattern):
        globals()[_name] = guarded(_value)
BIOMARKERS = {kind: guarded(regex) for kind, regex in BIOMARKERS.items()}
LABS = {kind: guarded(regex) for kind, regex in LABS.items()}
IMMUNOTHERAPY_CLASSES = [(code, guarded(regex)) for code, regex in IMMUNOTHERAPY_CLASSES]
CANCER_TYPES = [(slug, parent, guarded(regex)) for slug, parent, regex in CANCER_TYPES]
