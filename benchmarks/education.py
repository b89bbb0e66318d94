"""Benchmark of the education section: agenda, iCalendar feed, Atom feed, resource library and API lists.

Run: DJANGO_DEBUG=true .venv/bin/python benchmarks/education.py [--events 1000]
It builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL says so), fills it
with published rows and reports the median and 95th-percentile time of each request over 30 runs.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ion_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 30


def _fill(events: int) -> None:
    from education.models import Event, NewsItem, Resource, ResourceVariant
    from education.pdf import simple_pdf

    now = timezone.now()
    types = list(Event.Type.values)
    Event.objects.bulk_create(
        Event(
            slug=f"event-{i}",
            title=f"Event {i}",
            summary="A seminar on immunotherapy.",
            event_type=types[i % len(types)],
            audience=("professionals", "patients", "everyone")[i % 3],
            start=now + datetime.timedelta(hours=6 * (i - events // 4)),
            end=now + datetime.timedelta(hours=6 * (i - events // 4) + 2),
            location="Auditorium C",
            languages=["en"],
            status="published",
            published_at=now - datetime.timedelta(days=1),
        )
        for i in range(events)
    )
    NewsItem.objects.bulk_create(
        NewsItem(
            slug=f"news-{i}",
            title=f"News {i}",
            summary="Summary.",
            body="Body.",
            status="published",
            published_at=now - datetime.timedelta(hours=i + 1),
        )
        for i in range(events)
    )
    pdf = simple_pdf("Leaflet", ["Text."])
    for i in range(events // 5):
        resource = Resource.objects.create(
            slug=f"resource-{i}",
            title=f"Resource {i}",
            summary="Summary.",
            audience=("patients", "professionals")[i % 2],
            topic="side-effects",
            status="published",
            published_at=now - datetime.timedelta(days=1),
        )
        for code in ("en", "nl", "fr", "de"):
            variant = ResourceVariant(resource=resource, language=code)
            variant.file.save(f"r{i}-{code}.pdf", ContentFile(pdf), save=False)
            variant.save()


def _time(client: Client, url: str) -> tuple[float, float, float, int]:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    first = timings[0]
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    return first, statistics.median(timings), p95, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="ion-bench-media-"))
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _fill(args.events)
        client = Client()
        print(
            f"{connection.vendor}, {args.events} events, {args.events} news, "
            f"{args.events // 5} resources x 4 languages; {RUNS} runs each"
        )
        print(f"{'request':45} {'first ms':>9} {'median ms':>10} {'p95 ms':>8} {'bytes':>9}")
        for url in (
            "/events/",
            "/events/?type=webinar&audience=professionals",
            "/events/past/",
            "/events/feed.ics",
            "/events/feed.ics?audience=patients",
            "/events/feed/",
            "/news/",
            "/news/feed/",
            "/resources/",
            "/resources/?language=fr",
            "/api/v1/events/",
            "/api/v1/news/",
            "/api/v1/resources/",
            "/",
        ):
            first, median, p95, size = _time(client, url)
            print(f"{url:45} {first:9.1f} {median:10.1f} {p95:8.1f} {size:9d}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
