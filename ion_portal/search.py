"""One search across the site (/search/): every section searched with its own rule and only what the
public may see (each model's `published()`), results grouped by section.

Trials and guidelines use their QuerySet's `search()`; platforms and collections the directory's
FilterSet search; news, events and resources have no search of their own yet, so their public text
fields are matched here, word by word (`_words_in`). No member-only field (contact details, donor
numbers, referral addresses) is ever searched, so a result can never reveal one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

MAX_PER_SECTION = 10
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    search: Callable[[str], QuerySet]
    # Where to see every match (the section's own list), and whether it understands ?q=.
    list_url_name: str
    list_takes_query: bool


@dataclass
class SectionResults:
    section: Section
    results: list
    has_more: bool
    q: str

    @property
    def entries(self) -> list[dict]:
        """Title, link and public summary of each result, whatever its model."""
        return [
            {
                "title": str(row),
                "url": row.get_absolute_url(),
                "summary": getattr(row, "summary", "") or getattr(row, "brief_summary", ""),
            }
            for row in self.results
        ]

    @property
    def more_url(self) -> str:
        """The section's own list, with the query when that list understands it."""
        url = reverse(self.section.list_url_name)
        return f"{url}?{urlencode({'q': self.q})}" if self.section.list_takes_query else url


def _words_in(queryset: QuerySet, fields: tuple[str, ...], q: str) -> QuerySet:
    """Rows where every word of `q` appears in one of `fields` (case-insensitive)."""
    for word in q.split()[:8]:
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


def _trials(q: str) -> QuerySet:
    # Wiring: each section loads when searched, not when the core does (start-up cost).
    from trials.models import Trial

    return Trial.objects.published().search(q)


def _guidelines(q: str) -> QuerySet:
    # Wiring: each section loads when searched, not when the core does (start-up cost).
    from toxicity.models import Toxicity

    return Toxicity.objects.published().search(q).select_related("organ_system")


def _platforms(q: str) -> QuerySet:
    # Wiring: each section loads when searched, not when the core does (start-up cost).
    from collaborations.filters import PlatformFilter
    from collaborations.models import Platform

    return PlatformFilter({"q": q}, queryset=Platform.objects.published()).qs.select_related("unit")


def _collections(q: str) -> QuerySet:
    # Wiring: each section loads when searched, not when the core does (start-up cost).
    from collaborations.filters import CollectionFilter
    from collaborations.models import SampleCollection

    published = SampleCollection.objects.published()
    return CollectionFilter({"q": q}, queryset=published).qs.select_related("unit")


def _news(q: str) -> QuerySet:
    # Wiring: each section loads when searched, not when the core does (start-up cost).
    from education.models import NewsItem

    return _words_in(NewsItem.objects.published(), ("title", "summary", "body"), q)


def _events(q: str) -> QuerySet:
    # Wiring: each section loads when searched, not when the core does (start-up cost).
    from education.models import Event

    fields = ("title", "summary", "description", "location", "speakers")
    return _words_in(Event.objects.published(), fields, q).order_by("-start")


def _resources(q: str) -> QuerySet:
    # Wiring: each section loads when searched, not when the core does (start-up cost).
    from education.models import Resource

    return _words_in(Resource.objects.published(), ("title", "summary", "source"), q)


SECTIONS = (
    Section("trials", _("Clinical trials"), _trials, "trials:list", True),
    Section("guidelines", _("Side-effect guidelines"), _guidelines, "toxicity:index", True),
    Section(
        "platforms", _("Technology platforms"), _platforms, "collaborations:platform_list", True
    ),
    Section(
        "collections",
        _("Sample collections"),
        _collections,
        "collaborations:collection_list",
        True,
    ),
    Section("news", _("News"), _news, "education:news_list", False),
    Section("events", _("Agenda"), _events, "education:event_list", False),
    Section("resources", _("Resources"), _resources, "education:resource_list", False),
)


def site_search(q: str) -> list[SectionResults]:
    """Every section's first matches for `q` (one query per section); empty for an empty query."""
    q = " ".join((q or "").split())[:MAX_QUERY_LENGTH]
    if not q:
        return []
    found = []
    for section in SECTIONS:
        rows = list(section.search(q)[: MAX_PER_SECTION + 1])
        found.append(
            SectionResults(
                section=section,
                results=rows[:MAX_PER_SECTION],
                has_more=len(rows) > MAX_PER_SECTION,
                q=q,
            )
        )
    return found
