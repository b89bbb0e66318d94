"""Sitemaps of the toxicity app, merged into /sitemap.xml by ion_portal/sitemaps.py."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from toxicity.models import Toxicity


class ToxicityPagesSitemap(Sitemap):
    changefreq = "weekly"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["toxicity:index", "toxicity:task_force", "toxicity:patient_card"]

    def location(self, item):
        return reverse(item)


class ToxicitySitemap(Sitemap):
    changefreq = "monthly"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Toxicity.objects.published().order_by("slug")

    def lastmod(self, obj):
        return obj.updated_at


SITEMAPS: dict = {"toxicity-pages": ToxicityPagesSitemap, "toxicity": ToxicitySitemap}
