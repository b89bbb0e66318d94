"""The portal's Atom base feed: RFC 4287 to the letter for every app's feed.

- Entry ids are `tag:` URIs (RFC 4151) minted from SITE_URL's host, a fixed tagging year and a
  stable key of the item (`tag:ion-portal.example,2025:trial/NCT01234567`): they stay the same when a
  slug, a title or the language of the page changes, and they are IRIs, unlike a bare NCT ID.
- Every entry has an author (the item's own, else the network's editors), and the feed has one too.
- Dates are RFC 3339 with whole seconds (Django writes `isoformat()`).

`conditional_response` gives feeds (Atom here, iCalendar in education) an ETag and Last-Modified,
and answers 304 when the poller already has the current body.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.cache import get_conditional_response
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import gettext_lazy as _

TAG_YEAR = 2025  # the tagging date of RFC 4151: when the portal first used its name; never change


def tag_uri(kind: str, key: str | int) -> str:
    """A tag: URI (RFC 4151) naming one entry for ever, e.g. tag:example.org,2025:news/12."""
    authority = (urlsplit(settings.SITE_URL).hostname or "localhost").lower()
    return f"tag:{authority},{TAG_YEAR}:{quote(kind)}/{quote(str(key), safe='')}"


def _whole_seconds(value: datetime | None) -> datetime | None:
    return value.replace(microsecond=0) if value is not None else None


def conditional_response(request, response, *, last_modified: datetime | None = None):
    """A feed response with a strong ETag (a hash of the body) and Last-Modified; 304 Not
    Modified when If-None-Match / If-Modified-Since show the client is current."""
    if response.status_code != 200 or response.streaming:
        return response
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(int(last_modified.timestamp()))
    timestamp = parse_http_date_safe(response.headers.get("Last-Modified", ""))
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)


class PortalAtom1Feed(Atom1Feed):
    """Django's Atom writer with dates cut to whole seconds (RFC 3339, no microseconds)."""

    def add_item(self, *args, pubdate=None, updateddate=None, **kwargs):
        super().add_item(
            *args,
            pubdate=_whole_seconds(pubdate),
            updateddate=_whole_seconds(updateddate),
            **kwargs,
        )

    def latest_post_date(self):
        return _whole_seconds(super().latest_post_date())


class PortalFeed(Feed):
    """Base of every Atom feed: tag: ids, an author on the feed and on each entry."""

    feed_type = PortalAtom1Feed
    tag_kind = "item"  # the first path segment of the entries' tag: URIs
    author_name = _("ION Portal editors")

    def __call__(self, request, *args, **kwargs):
        # Django's Feed already sets Last-Modified (the latest entry date); add the ETag and 304.
        return conditional_response(request, super().__call__(request, *args, **kwargs))

    def item_guid(self, item):
        return tag_uri(self.tag_kind, item.pk)

    def item_guid_is_permalink(self, item):
        return False

    def item_author_name(self, item):
        return str(self.author_name)
