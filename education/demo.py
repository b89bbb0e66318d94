"""Demo data of the education app, loaded by `manage.py seed_demo` (must be idempotent).

Dates are relative to today, so the agenda always has upcoming and past events. Leaflets are small real
PDFs generated in code (education/pdf.py). Everything is fictitious example content; the rows are in
education/demo_content.py, this module writes them.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from ion_portal.models import CancerType, Person

from . import demo_registration
from .demo_content import LEAFLET_TEXT, NEWS, RESOURCES, demo_events
from .models import Event, NewsItem, Resource, ResourceVariant
from .pdf import simple_pdf


def _load_news(now, author) -> int:
    for slug, days_ago, status, language, audience, title, summary, body in NEWS:
        NewsItem.objects.update_or_create(
            slug=slug,
            defaults={
                "status": status,
                "published_at": now - datetime.timedelta(days=days_ago)
                if status == "published"
                else None,
                "language": language,
                "audience": audience,
                "title": title,
                "summary": summary,
                "body": body,
                "author": author,
            },
        )
    return len(NEWS)


def _load_events(now) -> int:
    specs = demo_events()
    for spec in specs:
        spec = dict(spec)
        slug = spec.pop("slug")
        status = spec.pop("status", "published")
        spec.setdefault("all_day", False)
        spec.setdefault("timezone", "Europe/Brussels")
        Event.objects.update_or_create(
            slug=slug,
            defaults={
                **spec,
                "status": status,
                "published_at": now - datetime.timedelta(days=30)
                if status == "published"
                else None,
            },
        )
    return len(specs)


def _load_resources(now) -> tuple[int, int]:
    variants = 0
    for spec in RESOURCES:
        status = spec.get("status", "published")
        resource, _created = Resource.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "title": spec["title"],
                "summary": spec["summary"],
                "audience": spec["audience"],
                "topic": spec["topic"],
                "source": spec["source"],
                "review_date": timezone.localdate()
                - datetime.timedelta(days=spec["review_days_ago"])
                if spec["review_days_ago"] is not None
                else None,
                "funding_disclosure": spec["funding_disclosure"],
                "status": status,
                "published_at": now - datetime.timedelta(days=60)
                if status == "published"
                else None,
            },
        )
        resource.cancer_types.set(CancerType.objects.filter(slug__in=spec["cancer_types"]))
        for code in spec["pdf_languages"]:
            variant = ResourceVariant.objects.filter(resource=resource, language=code).first()
            if variant is None or not variant.file:
                heading, paragraphs = LEAFLET_TEXT.get(code, LEAFLET_TEXT["en"])
                if spec["slug"] != "immunotherapy-side-effects-leaflet":
                    heading = spec["title"] if code == "en" else heading
                variant = variant or ResourceVariant(resource=resource, language=code)
                variant.title = heading
                variant.url = ""
                variant.file.save(
                    f"{spec['slug']}-{code}.pdf",
                    ContentFile(simple_pdf(heading, paragraphs)),
                    save=False,
                )
                variant.save()
            variants += 1
        for code, url in spec["links"].items():
            ResourceVariant.objects.update_or_create(
                resource=resource, language=code, defaults={"url": url, "file": ""}
            )
            variants += 1
    return len(RESOURCES), variants


def load() -> dict[str, int]:
    """Create or update the demo rows; return counts by kind for the command's report."""
    now = timezone.now()
    author = Person.objects.filter(is_demo=True).order_by("pk").first()
    news = _load_news(now, author)
    events = _load_events(now)
    resources, variants = _load_resources(now)

    events += demo_registration.load(now)
    return {
        "news items": news,
        "events": events,
        "resources": resources,
        "resource language versions": variants,
    }
