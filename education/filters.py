"""One FilterSet per list, shared by the HTML pages, the iCalendar feed and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ion_portal.filters import CancerTypeFilter

from .models import CONTENT_LANGUAGES, Audience, Event, NewsItem, Resource


def _audience_including_everyone(queryset, name, value):
    # Items meant for everyone concern each audience too: a professional subscribing to
    # ?audience=professionals also wants the events open to all.
    if not value:
        return queryset
    return queryset.filter(Q(**{name: value}) | Q(**{name: Audience.EVERYONE}))


class NewsFilter(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Audience.choices,
        empty_label=_("Any audience"),
        method=_audience_including_everyone,
    )
    # Not just "Language": the header's language switcher already has that name.
    language = django_filters.ChoiceFilter(
        label=_("Language of the news item"),
        choices=CONTENT_LANGUAGES,
        empty_label=_("Any language"),
    )

    class Meta:
        model = NewsItem
        fields = ["audience", "language"]


class EventFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(
        field_name="event_type",
        label=_("Type"),
        choices=Event.Type.choices,
        empty_label=_("Any type"),
    )
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Audience.choices,
        empty_label=_("Any audience"),
        method=_audience_including_everyone,
    )

    class Meta:
        model = Event
        fields = ["type", "audience"]


class ResourceFilter(django_filters.FilterSet):
    audience = django_filters.ChoiceFilter(
        label=_("Audience"),
        choices=Resource.ResourceAudience.choices,
        empty_label=_("Any audience"),
    )
    topic = django_filters.ChoiceFilter(
        label=_("Topic"), choices=Resource.Topic.choices, empty_label=_("Any topic")
    )
    cancer_type = CancerTypeFilter(field_name="cancer_types", empty_label=_("Any cancer type"))
    language = django_filters.ChoiceFilter(
        field_name="variants__language",
        label=_("Language of the material"),
        choices=CONTENT_LANGUAGES,
        empty_label=_("Any language"),
        distinct=True,
    )

    class Meta:
        model = Resource
        fields = ["audience", "topic", "cancer_type", "language"]
