"""After-event material: files validated like resources, or links; per-item audience."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from education.models import EventMaterial
from education.pdf import simple_pdf
from ion_portal.models import MEMBERS_GROUP
from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def past_event(db):
    event = make_event("past-course", start=timezone.now() - datetime.timedelta(days=10))
    slides = EventMaterial(event=event, title="Members' slides", audience="members")
    slides.file = SimpleUploadedFile("slides.pdf", simple_pdf("Slides", ["Text."]))
    slides.full_clean()
    slides.save()
    EventMaterial.objects.create(
        event=event, title="Public recording", url="https://example.org/rec", audience="public"
    )
    return event


def test_public_sees_public_material_and_a_hint_about_the_rest(client, past_event):
    body = client.get(past_event.get_absolute_url()).content.decode()
    assert "Public recording" in body and "https://example.org/rec" in body
    assert "Members&#x27; slides" not in body and "Members' slides" not in body
    assert "More material is available to signed-in members" in body
    slides = past_event.materials.get(audience="members")
    url = reverse("education:material_download", args=[past_event.slug, slides.pk])
    assert client.get(url).status_code == 404


def test_members_see_and_download_members_material(client, past_event):
    client.force_login(make_user("m@example.org", groups=(MEMBERS_GROUP,)))
    body = client.get(past_event.get_absolute_url()).content.decode()
    assert "Members&#x27; slides" in body
    slides = past_event.materials.get(audience="members")
    response = client.get(slides.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_material_of_a_draft_event_does_not_leak(client, past_event):
    past_event.status = "draft"
    past_event.save()
    client.force_login(make_user("m2@example.org", groups=(MEMBERS_GROUP,)))
    slides = past_event.materials.get(audience="members")
    assert client.get(slides.get_absolute_url()).status_code == 404


def test_material_files_are_validated_like_resources(past_event):
    fake = EventMaterial(event=past_event, title="Fake", audience="public")
    fake.file = SimpleUploadedFile("slides.pdf", b"MZ\x90\x00" + b"\x00" * 60)
    with pytest.raises(ValidationError) as error:
        fake.full_clean()
    assert [e.code for e in error.value.error_dict["file"]] == ["content_mismatch"]
    both = EventMaterial(
        event=past_event, title="Both", url="https://example.org/x", audience="public"
    )
    both.file = SimpleUploadedFile("s.pdf", simple_pdf("S", ["T"]))
    with pytest.raises(ValidationError):
        both.full_clean()
