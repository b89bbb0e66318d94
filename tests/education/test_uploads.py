"""Uploads: only real PDFs and images within the size limit; served with the content type of their bytes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from education.models import Resource, ResourceVariant
from education.pdf import simple_pdf
from education.validators import validate_upload
from tests.factories import make_resource

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def _messages(upload) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_upload(upload)
    return caught.value.messages


def test_real_pdf_and_png_are_accepted():
    validate_upload(SimpleUploadedFile("leaflet.pdf", simple_pdf("Leaflet", ["Text."])))
    validate_upload(SimpleUploadedFile("diagram.png", PNG))


def test_wrong_type_is_refused_with_a_message():
    messages = _messages(SimpleUploadedFile("notes.docx", b"PK\x03\x04" + b"\x00" * 40))

    assert messages == ["Only PDF files and images (PNG, JPEG, GIF, WebP) are accepted."]


@pytest.mark.parametrize(
    ("name", "content"),
    [("leaflet.pdf", WINDOWS_EXE), ("photo.jpg", ELF), ("scan.png", simple_pdf("x", []))],
)
def test_renamed_file_is_refused_because_its_bytes_disagree_with_its_name(name, content):
    messages = _messages(SimpleUploadedFile(name, content))

    assert "does not match its name" in messages[0]


def test_oversize_file_is_refused_with_the_limit_in_the_message(settings):
    settings.EDUCATION_UPLOAD_MAX_BYTES = 1024
    big_pdf = b"%PDF-1.4\n" + b"0" * 2048

    messages = _messages(SimpleUploadedFile("big.pdf", big_pdf))

    assert messages == ["This file is 2.0\xa0KB; the limit is 1.0\xa0KB."]


def test_admin_refuses_a_renamed_executable_and_keeps_what_was_typed(curator_client):
    url = reverse("admin:education_resource_add")
    data = {
        "title": "Leaflet on colitis",
        "slug": "leaflet-on-colitis",
        "audience": "patients",
        "topic": "side-effects",
        "summary": "What to do about diarrhoea.",
        "status": "draft",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-language": "nl",
        "variants-0-title": "Folder",
        "variants-0-file": SimpleUploadedFile("folder.pdf", WINDOWS_EXE),
    }

    response = curator_client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "does not match its name" in html
    assert 'value="Leaflet on colitis"' in html
    assert not Resource.objects.exists()
    assert not ResourceVariant.objects.exists()


def test_admin_accepts_a_real_pdf_and_records_its_content_type(curator_client):
    data = {
        "title": "Leaflet on colitis",
        "slug": "leaflet-on-colitis",
        "audience": "patients",
        "topic": "side-effects",
        "summary": "What to do about diarrhoea.",
        "status": "published",
        "variants-TOTAL_FORMS": "1",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0",
        "variants-MAX_NUM_FORMS": "1000",
        "variants-0-language": "nl",
        "variants-0-file": SimpleUploadedFile("folder.pdf", simple_pdf("Folder", ["Tekst."])),
    }

    response = curator_client.post(reverse("admin:education_resource_add"), data)

    assert response.status_code == 302
    variant = ResourceVariant.objects.get()
    assert variant.content_type == "application/pdf"
    assert variant.size > 0


def test_variant_with_both_file_and_link_is_refused():
    resource = make_resource("leaflet", languages=())
    variant = ResourceVariant(
        resource=resource,
        language="fr",
        url="https://example.org/guide",
        file=SimpleUploadedFile("guide.pdf", simple_pdf("Guide", [])),
    )

    with pytest.raises(ValidationError) as caught:
        variant.full_clean()

    assert "not both" in str(caught.value)


def test_uploaded_pdf_is_served_with_its_content_type_and_nosniff(client):
    make_resource("leaflet", languages=("nl",))

    response = client.get("/resources/leaflet/nl/file/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert 'filename="leaflet-nl.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_link_variant_has_no_file_to_serve(client):
    resource = make_resource("guide", languages=())
    ResourceVariant.objects.create(resource=resource, language="es", url="https://example.org/es")

    assert client.get("/resources/guide/es/file/").status_code == 404
