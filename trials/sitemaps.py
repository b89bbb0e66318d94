"""Sitemaps of the trials app, merged into /sitemap.xml by ion_portal/sitemaps.py."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Trial


class TrialListSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8
    # English and Dutch pages, each listing the other as its alternate.
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["trials:list"]

    def location(self, item):
        return reverse(item)


class TrialSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 5000
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Trial.objects.published().only("nct_id", "updated_at").order_by("nct_id")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"trials": TrialSitemap, "trial_list": TrialListSitemap}
