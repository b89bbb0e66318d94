"""Dutch guideline pages: translated labels, English clinical content marked lang="en" and never
spliced into a Dutch sentence."""

from __future__ import annotations

from django.utils.html import escape

from toxicity.models import Recommendation


def test_dutch_page_marks_every_english_content_field(guidelines, client):
    page = client.get("/nl/toxicity/colitis/").content.decode()
    checked = 0
    for rec in Recommendation.objects.filter(toxicity__slug="colitis", source__key="local"):
        for text in (rec.escalation_trigger, rec.steroid_taper, rec.action_note, rec.treatment):
            if text:
                checked += 1
                assert f'lang="en">{escape(text)}<' in page, text
    assert checked >= 8


def test_dutch_page_never_glues_a_dutch_word_to_english_content(guidelines, client):
    page = client.get("/nl/toxicity/colitis/").content.decode()
    # The first version wrote "als no response to steroids" and "Afbouwen over 4-6 weeks".
    assert "als no response" not in page and "als <span" not in page
    assert "Afbouwen over" not in page
    assert '<span class="tox-label">Afbouwen:</span> <span lang="en">' in page
    assert '<span class="tox-label">Wanneer:</span> <span lang="en">' in page


def test_dutch_grade_table_uses_translated_labels(guidelines, client):
    page = client.get("/nl/toxicity/colitis/").content.decode()
    for label in (
        'data-label="Definitie"',
        'data-label="Immunotherapie"',
        "Graad 3",
        "Onderbreken",
    ):
        assert label in page, label
    assert '<h1 lang="en">Diarrhoea and colitis</h1>' in page


def test_dutch_patient_card_is_dutch(guidelines, client):
    page = client.get(
        "/nl/toxicity/patient-card/", {"drugs": ["axicabtagene ciloleucel"], "language": "nl"}
    ).content.decode()
    for text in ("veel dorst en veel plassen", "8 weken lang niet autorijden", "Behandelend team"):
        assert text in page, text
