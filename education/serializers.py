"""Serializers of the education API: explicit fields, read-only."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from ion_portal.api_base import PageField, resource_url_field

from .models import Event, NewsItem, Resource, ResourceVariant


class NewsItemSerializer(serializers.ModelSerializer):
    url = resource_url_field("news-detail")
    page = PageField()
    author = serializers.SerializerMethodField()

    class Meta:
        model = NewsItem
        fields = [
            "slug",
            "title",
            "language",
            "audience",
            "summary",
            "body",
            "author",
            "published_at",
            "updated_at",
            "url",
            "page",
        ]

    def get_author(self, obj) -> str | None:
        return obj.author.display_name if obj.author else None


class EventSerializer(serializers.ModelSerializer):
    uid = serializers.SerializerMethodField()
    url = resource_url_field("events-detail")
    page = PageField()
    ics_url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "uid",
            "slug",
            "title",
            "event_type",
            "audience",
            "summary",
            "description",
            "start",
            "end",
            "timezone",
            "all_day",
            "location",
            "online_url",
            "languages",
            "speakers",
            "accreditation_system",
            "accreditation_points",
            "registration_url",
            "published_at",
            "updated_at",
            "url",
            "page",
            "ics_url",
        ]

    def get_uid(self, obj) -> str:
        # Start-up cost: the calendar module loads the icalendar library.
        from .calendar import event_uid

        return event_uid(obj)

    def get_ics_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("education:event_ics", args=[obj.slug])
        )


class ResourceVariantSerializer(serializers.ModelSerializer):
    # The file itself (or the external page it lives on): neither an API resource nor a portal page.
    download = serializers.SerializerMethodField()

    class Meta:
        model = ResourceVariant
        fields = ["language", "title", "content_type", "size", "download"]

    def get_download(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


class ResourceSerializer(serializers.ModelSerializer):
    cancer_types = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    variants = ResourceVariantSerializer(many=True, read_only=True)
    url = resource_url_field("resources-detail")
    page = PageField()

    class Meta:
        model = Resource
        fields = [
            "slug",
            "title",
            "summary",
            "audience",
            "topic",
            "cancer_types",
            "source",
            "review_date",
            "funding_disclosure",
            "variants",
            "published_at",
            "updated_at",
            "url",
            "page",
        ]
