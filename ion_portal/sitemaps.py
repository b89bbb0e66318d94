"""/sitemap.xml: the core pages plus every app's SITEMAPS, each built on its model's published()."""

from importlib import import_module

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from ion_portal.sites import SiteUrlSitemap

DOMAIN_APPS = ("trials", "toxicity", "collaborations", "education")


class StaticPagesSitemap(Sitemap):
    changefreq = "monthly"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return ["home", "about", "contact"]

    def location(self, item):
        return reverse(item)


def _collect() -> dict:
    found = {"pages": StaticPagesSitemap}
    for app in DOMAIN_APPS:
        found.update(getattr(import_module(f"{app}.sitemaps"), "SITEMAPS", {}))
    # Every URL with SITE_URL's scheme and host, not the sites table's (ion_portal/sites.py).
    return {
        name: type(sitemap.__name__, (SiteUrlSitemap, sitemap), {})
        for name, sitemap in found.items()
    }


sitemaps = _collect()
