"""Search finds a toxicity by alias, spelling (British/American), lay word, organ and drug class."""

from __future__ import annotations

import pytest

from toxicity.models import Toxicity, normalise


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("diarrhoea", "colitis"),
        ("diarrhea", "colitis"),
        ("Diarrhœa", "colitis"),
        ("loose stools", "colitis"),
        ("rash", "skin-rash"),
        ("itch", "skin-rash"),
        ("itching", "skin-rash"),
        ("short of breath", "pneumonitis"),
        ("dyspnoea", "pneumonitis"),
        ("dyspnea", "pneumonitis"),
        ("hyperglycaemia", "type-1-diabetes"),
        ("hyperglycemia", "type-1-diabetes"),
        ("liver", "hepatitis"),
        ("thyroid", "hypothyroidism"),
        ("Guillain-Barre", "guillain-barre"),
        ("guillain barré", "guillain-barre"),
        ("Pneumonitis", "pneumonitis"),  # the CTCAE term
        ("10028606", "myocarditis"),  # the MedDRA code
        ("CAR-T", "cytokine-release-syndrome"),
        ("bispecific", "icans"),
        ("anti-CTLA-4", "colitis"),
        ("kortademig", "pneumonitis"),
    ],
)
def test_each_alias_and_spelling_finds_its_toxicity(guidelines, query, slug):
    assert slug in set(Toxicity.objects.published().search(query).values_list("slug", flat=True))


def test_every_alias_finds_its_own_toxicity(guidelines):
    for toxicity in guidelines:
        for alias in toxicity.alias_list:
            found = Toxicity.objects.published().search(alias).values_list("slug", flat=True)
            assert toxicity.slug in found, (alias, toxicity.slug)


@pytest.mark.parametrize("query", ["xyzzy", "qwertyuiop", "diarrhoea xyzzy"])
def test_nonsense_finds_nothing(guidelines, query):
    assert not Toxicity.objects.published().search(query).exists()


def test_empty_query_finds_nothing(guidelines):
    assert not Toxicity.objects.published().search("  of the ").exists()


def test_search_never_returns_drafts(guidelines):
    Toxicity.objects.filter(slug="colitis").update(status=Toxicity.Status.DRAFT)
    assert not Toxicity.objects.published().search("diarrhoea").exists()


def test_british_and_american_spellings_normalise_alike():
    assert normalise("Diarrhoea") == normalise("diarrhea")
    assert normalise("oedema") == normalise("edema")
    assert normalise("haemorrhage") == normalise("hemorrhage")
