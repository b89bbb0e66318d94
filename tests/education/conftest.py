"""Helpers for the education tests: uploaded files go to a temporary MEDIA_ROOT; small make_* helpers."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from education.models import Event, NewsItem, Resource, ResourceVariant
from education.pdf import simple_pdf

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_to_start_with():
    # A request to /nl/… leaves Dutch active in the test's thread (LocaleMiddleware activates, nothing
    # deactivates): reverse() in the next test would then give /nl/ URLs. Each test starts in English.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def make_news(slug="news", *, status="published", published_at=None, **extra) -> NewsItem:
    if status == "published" and published_at is None:
        published_at = timezone.now() - datetime.timedelta(hours=1)
    defaults = {
        "title": f"News {slug}",
        "summary": f"Summary of {slug}",
        "body": "First paragraph.\n\nSecond paragraph.",
    }
    defaults.update(extra)
    return NewsItem.objects.create(slug=slug, status=status, published_at=published_at, **defaults)


def make_event(
    slug="event",
    *,
    status="published",
    start=None,
    hours=2,
    event_type=Event.Type.SEMINAR,
    audience="professionals",
    **extra,
) -> Event:
    start = start or timezone.now() + datetime.timedelta(days=7)
    defaults = {
        "title": f"Event {slug}",
        "summary": f"Summary of {slug}",
        "location": "Auditorium C",
        "languages": ["en"],
    }
    defaults.update(extra)
    return Event.objects.create(
        slug=slug,
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=1) if status == "published" else None,
        start=start,
        end=start + datetime.timedelta(hours=hours),
        event_type=event_type,
        audience=audience,
        **defaults,
    )


def make_resource(
    slug="resource",
    *,
    status="published",
    audience="patients",
    topic=Resource.Topic.SIDE_EFFECTS,
    languages=("en",),
    **extra,
) -> Resource:
    from django.core.files.base import ContentFile

    fields = {"title": f"Resource {slug}", "summary": f"Summary of {slug}", **extra}
    resource = Resource.objects.create(
        slug=slug,
        status=status,
        published_at=timezone.now() - datetime.timedelta(days=1) if status == "published" else None,
        audience=audience,
        topic=topic,
        **fields,
    )
    for code in languages:
        variant = ResourceVariant(resource=resource, language=code, title=f"{slug} ({code})")
        variant.file.save(
            f"{slug}-{code}.pdf", ContentFile(simple_pdf(slug, ["Text."])), save=False
        )
        variant.save()
    return resource
