"""Sitemaps of the collaborations app, merged into /sitemap.xml by ion_portal/sitemaps.py."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from collaborations.models import Platform, SampleCollection


class CollaborationsPagesSitemap(Sitemap):
    changefreq = "weekly"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [
            "collaborations:index",
            "collaborations:platform_list",
            "collaborations:collection_list",
        ]

    def location(self, item):
        return reverse(item)


class PlatformSitemap(Sitemap):
    changefreq = "monthly"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Platform.objects.published().order_by("pk")

    def lastmod(self, obj):
        return obj.updated_at


class SampleCollectionSitemap(PlatformSitemap):
    def items(self):
        return SampleCollection.objects.published().order_by("pk")


SITEMAPS: dict = {
    "collaborations": CollaborationsPagesSitemap,
    "platforms": PlatformSitemap,
    "collections": SampleCollectionSitemap,
}
