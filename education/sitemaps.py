"""Sitemaps of the education app, merged into /sitemap.xml by ion_portal/sitemaps.py.

Built on `published()`: drafts and scheduled items never appear. The interface exists in every
language, so each URL is listed with its language alternates.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Event, NewsItem, Resource


class _I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class NewsSitemap(_I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return NewsItem.objects.published().order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class EventSitemap(_I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return Event.objects.published().order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class ResourceSitemap(_I18nSitemap):
    changefreq = "monthly"

    def items(self):
        return Resource.objects.published().order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class EducationPagesSitemap(_I18nSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "education:news_list",
            "education:event_list",
            "education:resource_list",
            "education:patients_immuno_oncology",
            "education:patients_side_effects",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS: dict = {
    "education-pages": EducationPagesSitemap,
    "news": NewsSitemap,
    "events": EventSitemap,
    "resources": ResourceSitemap,
}
