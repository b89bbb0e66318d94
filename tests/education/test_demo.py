"""The demo data: realistic, idempotent, with upcoming and past events of every type and real PDFs."""

from __future__ import annotations

import io

import pypdf
import pytest

from education import demo
from education.models import Event, NewsItem, Resource, ResourceVariant

pytestmark = pytest.mark.django_db


def test_demo_load_is_idempotent_and_covers_the_agenda():
    first = demo.load()
    second = demo.load()

    assert first == second
    assert NewsItem.objects.count() == first["news items"]
    assert ResourceVariant.objects.count() == first["resource language versions"]
    published = Event.objects.published()
    assert published.upcoming().exists() and published.past().exists()
    assert set(published.values_list("event_type", flat=True)) == set(Event.Type.values)
    assert NewsItem.objects.published().count() < NewsItem.objects.count()  # a draft, a scheduled


def test_demo_leaflets_are_real_pdfs_in_several_languages():
    demo.load()

    leaflet = Resource.objects.get(slug="immunotherapy-side-effects-leaflet")
    languages = sorted(leaflet.variants.values_list("language", flat=True))
    assert languages == ["de", "en", "fr", "nl"]
    for variant in leaflet.variants.all():
        with variant.file.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
        # A real PDF (written by fpdf2) that a PDF reader opens, with the leaflet's title as text.
        text = pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()
        assert variant.title.split()[0] in text
        assert variant.content_type == "application/pdf"
