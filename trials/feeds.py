"""Atom feeds (published trials only): trials that opened or changed recently, and the upstream changes
of trials (status, dates, enrolment, sites, arms) recorded by the sync."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from ion_portal.feeds import PortalFeed, tag_uri

from .models import Trial, TrialChange

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
        return item.nct_id


class TrialChangeFeed(PortalFeed):
    tag_kind = "trial-change"
    title = _("ION Portal: changes to clinical trials")
    subtitle = _(
        "What changed on ClinicalTrials.gov for the network's trials: status, dates, enrolment, "
        "sites and arms."
    )
    link = reverse_lazy("trials:list")

    def items(self):
        return TrialChange.objects.published().select_related("trial")[:FEED_SIZE]

    def item_title(self, item):
        return _("%(nct)s: %(field)s changed from %(old)s to %(new)s") % {
            "nct": item.trial.nct_id,
            "field": item.get_field_display().lower(),
            "old": item.old_display or "—",
            "new": item.new_display or "—",
        }

    def item_description(self, item):
        return f"{item.trial.brief_title}. {item.detail}".strip()

    def item_link(self, item):
        return item.trial.get_absolute_url() + "#history"

    def item_updateddate(self, item):
        return item.recorded_at

    def item_pubdate(self, item):
        return item.recorded_at
