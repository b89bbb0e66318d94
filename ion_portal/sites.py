"""The site's public address comes from SITE_URL at run time, never from the sites table.

The `django_site` row is written once, when the database is first migrated; a database migrated before
SITE_URL was set would otherwise advertise 127.0.0.1:8000 in its feeds and e-mails for ever. Every
request therefore seats the current Site (what `get_current_site()` answers to feeds, allauth's e-mails
and anything else asking) from SITE_URL in Django's site cache: no query, and right even while the
database is down. The sitemap takes scheme and host from SITE_URL directly (`SiteUrlSitemap`); e-mails,
alerts and exports build absolute links with `site_url()`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites import models as site_models


def site_url(url: str) -> str:
    """`url` (a portal path, or an absolute URL on whatever host) on SITE_URL's scheme and host: the
    address for e-mails, exports and anything read away from the request that made it."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.SITE_URL + path


def site_host() -> str:
    return urlsplit(settings.SITE_URL).netloc


def site_scheme() -> str:
    return urlsplit(settings.SITE_URL).scheme or "https"


def seat_current_site(**kwargs) -> None:
    """request_started receiver: the current Site is SITE_URL's host, named ION Portal."""

    # site_models.SITE_CACHE, not an imported name: Site.objects.clear_cache() rebinds the dict.
    site = site_models.SITE_CACHE.get(settings.SITE_ID)
    if site is None or site.domain != site_host():
        site_models.SITE_CACHE[settings.SITE_ID] = site_models.Site(
            id=settings.SITE_ID, domain=site_host(), name="ION Portal"
        )


class SiteUrlSitemap:
    """Mixed in front of every sitemap: its URLs use SITE_URL's scheme and host."""

    def get_protocol(self, protocol=None):
        return site_scheme()

    def get_domain(self, site=None):
        return site_host()
