"""Atom feed of trials that opened or changed recently (published trials only)."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ion_portal.feeds import PortalFeed, tag_uri

from .models import Trial

FEED_SIZE = 50


class TrialFeed(PortalFeed):
    title = _("ION Portal: new and updated clinical trials")
    subtitle = _(
        "Immunotherapy trials of the Immuno-Oncology Network that opened or changed recently."
    )
    link = reverse_lazy("trials:list")

    def items(self):
        return Trial.objects.published().order_by("-updated_at")[:FEED_SIZE]

    def item_title(self, item):
        return f"{item.nct_id}: {item.brief_title}"

    def item_description(self, item):
        return f"{item.get_overall_status_display()}. {item.brief_summary[:500]}"

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.published_at

    def item_guid(self, item):
        return tag_uri("trial", item.nct_id)
