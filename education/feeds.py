"""Atom feeds of the news and of the agenda, built on `published()` like every public list."""

from __future__ import annotations

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from ion_portal.feeds import PortalFeed

from .models import Event, NewsItem

FEED_LENGTH = 20


class NewsAtomFeed(PortalFeed):
    tag_kind = "news"
    title = _("ION Portal news")
    subtitle = _("News of the Immuno-Oncology Network.")
    link = reverse_lazy("education:news_list")

    def items(self):
        return NewsItem.objects.published().select_related("author")[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author.display_name if item.author else super().item_author_name(item)


class EventsAtomFeed(PortalFeed):
    tag_kind = "event"
    title = _("ION Portal agenda")
    subtitle = _("Upcoming events of the Immuno-Oncology Network.")
    link = reverse_lazy("education:event_list")

    def items(self):
        return Event.objects.published().upcoming()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        when = item.local_start.strftime("%Y-%m-%d %H:%M")
        return f"{when} ({item.timezone}) — {item.summary}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_link(self, item):
        return reverse("education:event_detail", args=[item.slug])
