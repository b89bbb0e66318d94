"""The network's one immunotherapy-class vocabulary, used by trials, collaborations and toxicity.

A class (`anti-pd-1`, `car-t`, ...) belongs to a family (checkpoint inhibitors, cell therapies, T-cell
engagers, ...). Codes are lower-case with hyphens; they are what the API accepts and returns. The
spellings the apps used before (`anti_pd1` in collaborations, `antipd1` in toxicity) are accepted as
deprecated aliases for one release: `canonical_class()` maps them to the one code.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class TherapyFamily(models.TextChoices):
    CHECKPOINT = "checkpoint-inhibitor", _("Immune checkpoint inhibitors")
    CELL_THERAPY = "cell-therapy", _("Cell therapies")
    T_CELL_ENGAGER = "t-cell-engager", _("T-cell engagers")
    VACCINE = "vaccine", _("Cancer vaccines")
    ONCOLYTIC_VIRUS = "oncolytic-virus", _("Oncolytic viruses")
    CYTOKINE = "cytokine", _("Cytokines")
    AGONIST = "agonist", _("Immune agonists")
    ADC = "antibody-drug-conjugate", _("Antibody-drug conjugates (not immunotherapy)")
    OTHER = "other", _("Other immunotherapies")


class ImmunotherapyClass(models.TextChoices):
    ANTI_PD1 = "anti-pd-1", _("Anti-PD-1")
    ANTI_PDL1 = "anti-pd-l1", _("Anti-PD-L1")
    ANTI_CTLA4 = "anti-ctla-4", _("Anti-CTLA-4")
    ANTI_LAG3 = "anti-lag-3", _("Anti-LAG-3")
    ANTI_TIGIT = "anti-tigit", _("Anti-TIGIT")
    ANTI_TIM3 = "anti-tim-3", _("Anti-TIM-3")
    BISPECIFIC_CHECKPOINT = "bispecific-checkpoint", _("Bispecific checkpoint antibody")
    CAR_T = "car-t", _("CAR-T cell therapy")
    TIL = "til", _("Tumour-infiltrating lymphocytes")
    TCR_T = "tcr-t", _("TCR-T cell therapy")
    NK_CELL = "nk-cell", _("NK-cell therapy")
    BISPECIFIC = "bispecific", _("Bispecific T-cell engager")
    VACCINE = "vaccine", _("Cancer vaccine")
    PEPTIDE_VACCINE = "peptide-vaccine", _("Peptide vaccine")
    DENDRITIC_CELL_VACCINE = "dendritic-cell-vaccine", _("Dendritic-cell vaccine")
    MRNA_VACCINE = "mrna-vaccine", _("mRNA vaccine")
    ONCOLYTIC_VIRUS = "oncolytic-virus", _("Oncolytic virus")
    CYTOKINE = "cytokine", _("Cytokine")
    IL2_IL15_VARIANT = "il-2-il-15-variant", _("IL-2 or IL-15 variant")
    CD40_AGONIST = "cd40-agonist", _("CD40 agonist")
    ADC = "adc", _("Antibody-drug conjugate")
    OTHER = "other", _("Other immunotherapy")


FAMILY_OF: dict[str, str] = {
    ImmunotherapyClass.ANTI_PD1: TherapyFamily.CHECKPOINT,
    ImmunotherapyClass.ANTI_PDL1: TherapyFamily.CHECKPOINT,
    ImmunotherapyClass.ANTI_CTLA4: TherapyFamily.CHECKPOINT,
    ImmunotherapyClass.ANTI_LAG3: TherapyFamily.CHECKPOINT,
    ImmunotherapyClass.ANTI_TIGIT: TherapyFamily.CHECKPOINT,
    ImmunotherapyClass.ANTI_TIM3: TherapyFamily.CHECKPOINT,
    ImmunotherapyClass.BISPECIFIC_CHECKPOINT: TherapyFamily.CHECKPOINT,
    ImmunotherapyClass.CAR_T: TherapyFamily.CELL_THERAPY,
    ImmunotherapyClass.TIL: TherapyFamily.CELL_THERAPY,
    ImmunotherapyClass.TCR_T: TherapyFamily.CELL_THERAPY,
    ImmunotherapyClass.NK_CELL: TherapyFamily.CELL_THERAPY,
    ImmunotherapyClass.BISPECIFIC: TherapyFamily.T_CELL_ENGAGER,
    ImmunotherapyClass.VACCINE: TherapyFamily.VACCINE,
    ImmunotherapyClass.PEPTIDE_VACCINE: TherapyFamily.VACCINE,
    ImmunotherapyClass.DENDRITIC_CELL_VACCINE: TherapyFamily.VACCINE,
    ImmunotherapyClass.MRNA_VACCINE: TherapyFamily.VACCINE,
    ImmunotherapyClass.ONCOLYTIC_VIRUS: TherapyFamily.ONCOLYTIC_VIRUS,
    ImmunotherapyClass.CYTOKINE: TherapyFamily.CYTOKINE,
    ImmunotherapyClass.IL2_IL15_VARIANT: TherapyFamily.CYTOKINE,
    ImmunotherapyClass.CD40_AGONIST: TherapyFamily.AGONIST,
    ImmunotherapyClass.ADC: TherapyFamily.ADC,
    ImmunotherapyClass.OTHER: TherapyFamily.OTHER,
}

# Classes that are not immunotherapy: recognising one does not put a trial in the registry's scope.
NOT_IMMUNOTHERAPY = frozenset({ImmunotherapyClass.ADC})


def class_key(code: str) -> str:
    """Spelling-free key: 'anti-PD-1', 'ANTI_PD1' and 'anti pd 1' all become 'antipd1'."""
    return re.sub(r"[^a-z0-9]", "", (code or "").lower())


# Deprecated spellings (collaborations' `anti_pd1`, toxicity's `antipd1`, `car_t`, ...) and common
# words, by spelling-free key. Every canonical code is its own alias.
_ALIASES: dict[str, str] = {class_key(code): code for code in ImmunotherapyClass.values}
_ALIASES.update(
    {
        "pd1": ImmunotherapyClass.ANTI_PD1,
        "pdl1": ImmunotherapyClass.ANTI_PDL1,
        "ctla4": ImmunotherapyClass.ANTI_CTLA4,
        "lag3": ImmunotherapyClass.ANTI_LAG3,
        "cart": ImmunotherapyClass.CAR_T,
        "carcell": ImmunotherapyClass.CAR_T,
        "tcrt": ImmunotherapyClass.TCR_T,
        "bite": ImmunotherapyClass.BISPECIFIC,
        "tce": ImmunotherapyClass.BISPECIFIC,
        "bispecifictcellengager": ImmunotherapyClass.BISPECIFIC,
        "oncolyticvirus": ImmunotherapyClass.ONCOLYTIC_VIRUS,
        "il2": ImmunotherapyClass.IL2_IL15_VARIANT,
        "il15": ImmunotherapyClass.IL2_IL15_VARIANT,
    }
)


def canonical_class(code: str) -> str | None:
    """The one class code for any accepted spelling (deprecated aliases included), or None."""
    return _ALIASES.get(class_key(code))


def family_of(code: str) -> str | None:
    """The family code of a class code (any accepted spelling), or None."""
    canonical = canonical_class(code)
    return FAMILY_OF.get(canonical) if canonical else None


def classes_in_family(family: str) -> list[str]:
    """Every class code of a family, in vocabulary order."""
    return [code for code in ImmunotherapyClass.values if FAMILY_OF[code] == family]


def class_label(code: str) -> str:
    canonical = canonical_class(code)
    return str(ImmunotherapyClass(canonical).label) if canonical else code
