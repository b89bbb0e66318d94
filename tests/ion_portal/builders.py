"""Small builders of one row per content kind, for the dashboard and site-search tests."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from ion_portal.models import Unit

_n = itertools.count(1)


def unit(name: str = "") -> Unit:
    found, _ = Unit.objects.get_or_create(
        slug=f"builders-lab{'-' + name if name else ''}",
        defaults={
            "name": f"Builders Lab {name}".strip(),
            "kind": Unit.Kind.LAB,
            "institution": "University",
        },
    )
    return found


def trial(**fields):
    """A trial written directly, indexed for search as an import would (PostgreSQL searches the vector)."""
    from trials.models import Trial
    from trials.search_index import trial_reindex

    number = next(_n)
    values = {
        "nct_id": f"NCT9{number:07d}",
        "brief_title": f"Trial {number}",
        "overall_status": "RECRUITING",
        "status": "published",
    }
    values.update(fields)
    created = Trial.objects.create(**values)
    trial_reindex(created)
    return created


def toxicity(**fields):
    from toxicity.models import GradingScheme, GuidelineSource, OrganSystem, Toxicity

    organ, _ = OrganSystem.objects.get_or_create(slug="builders-organ", defaults={"name": "Organ"})
    source, _ = GuidelineSource.objects.get_or_create(
        key="builders",
        defaults={"name": "Source", "edition": "1", "year": 2025, "citation": "Source 2025."},
    )
    scheme, _ = GradingScheme.objects.get_or_create(
        slug="builders-scheme", defaults={"name": "Scheme", "system": "ctcae", "source": source}
    )
    number = next(_n)
    values = {
        "name": f"Toxicity {number}",
        "slug": f"toxicity-{number}",
        "organ_system": organ,
        "grading_scheme": scheme,
        "specialist": "dermatology",
        "status": "draft",
    }
    values.update(fields)
    return Toxicity.objects.create(**values)


def consult(*, requested_by, **fields):
    from toxicity.models import ConsultRequest

    values = {
        "requested_by": requested_by,
        "specialty": "dermatology",
        "urgency": "routine",
        "question": "Rash after the second dose?",
        "callback_phone": "+32 9 000 00 01",
    }
    values.update(fields)
    return ConsultRequest.objects.create(**values)


def collaboration_request(*, requester, **fields):
    from collaborations.models import CollaborationRequest

    values = {
        "requester": requester,
        "title": f"Project {next(_n)}",
        "project_summary": "Summary.",
        "intended_use": "Use.",
        "ethics_status": "approved",
    }
    values.update(fields)
    return CollaborationRequest.objects.create(**values)


def platform(**fields):
    from collaborations.models import Platform

    number = next(_n)
    values = {
        "name": f"Platform {number}",
        "slug": f"platform-{number}",
        "unit": unit(),
        "summary": "A platform.",
        "access_model": "collaboration",
        "status": "draft",
    }
    values.update(fields)
    return Platform.objects.create(**values)


def collection(**fields):
    from collaborations.models import SampleCollection

    number = next(_n)
    values = {
        "name": f"Collection {number}",
        "slug": f"collection-{number}",
        "unit": unit(),
        "summary": "A collection.",
        "size_band": 1,
        "status": "draft",
    }
    values.update(fields)
    return SampleCollection.objects.create(**values)


def news(**fields):
    from education.models import NewsItem

    number = next(_n)
    values = {
        "title": f"News {number}",
        "slug": f"news-{number}",
        "summary": "Summary.",
        "body": "Body.",
        "status": "draft",
    }
    values.update(fields)
    return NewsItem.objects.create(**values)


def event(*, days_ahead: int = 10, **fields):
    from education.models import Event

    number = next(_n)
    start = timezone.now() + datetime.timedelta(days=days_ahead)
    values = {
        "title": f"Event {number}",
        "slug": f"event-{number}",
        "event_type": "seminar",
        "summary": "Summary.",
        "start": start,
        "end": start + datetime.timedelta(hours=2),
        "location": "Auditorium A, Ghent",
        "registration_url": "https://example.org/register",
        "status": "published",
    }
    values.update(fields)
    return Event.objects.create(**values)


def resource(**fields):
    from education.models import Resource

    number = next(_n)
    values = {
        "title": f"Resource {number}",
        "slug": f"resource-{number}",
        "summary": "Summary.",
        "audience": "patients",
        "topic": "side-effects",
        "status": "draft",
    }
    values.update(fields)
    return Resource.objects.create(**values)
