"""API serializers of the collaborations app: public fields only (no contacts, sizes as bands).

`url` is the resource in the API, `page` its web page (ion_portal/api_base.py)."""

from rest_framework import serializers

from collaborations.models import Platform, SampleCollection, SizeBand
from ion_portal.api_base import PageField, resource_url_field


def _TermField():
    """Vocabulary terms as a list of slugs."""
    return serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)


class PlatformSerializer(serializers.HyperlinkedModelSerializer):
    url = resource_url_field("platform-detail")
    unit = serializers.CharField(source="unit.name", read_only=True)
    techniques = _TermField()
    sample_types = _TermField()
    cancer_types = _TermField()
    timepoints = _TermField()
    data_types = _TermField()
    page = PageField()

    class Meta:
        model = Platform
        fields = [
            "url",
            "slug",
            "name",
            "unit",
            "summary",
            "description",
            "techniques",
            "sample_types",
            "cancer_types",
            "timepoints",
            "therapy_classes",
            "data_types",
            "access_model",
            "capacity",
            "published_at",
            "page",
        ]


class SampleCollectionSerializer(serializers.HyperlinkedModelSerializer):
    url = resource_url_field("samplecollection-detail")
    unit = serializers.CharField(source="unit.name", read_only=True)
    # The code (BBMRI-ERIC order of magnitude: 0 is fewer than 10 donors, 1 is 10-100, ...), with its
    # label beside it; the label follows the request's language, the code never does.
    size_band = serializers.ChoiceField(choices=SizeBand.choices, read_only=True)
    size_band_label = serializers.CharField(source="get_size_band_display", read_only=True)
    sample_types = _TermField()
    cancer_types = _TermField()
    timepoints = _TermField()
    data_types = _TermField()
    access_conditions = _TermField()
    linked_trials = serializers.ListField(source="nct_ids", child=serializers.CharField())
    page = PageField()

    class Meta:
        model = SampleCollection
        fields = [
            "url",
            "slug",
            "name",
            "acronym",
            "unit",
            "summary",
            "description",
            "setting",
            "size_band",
            "size_band_label",
            "sample_types",
            "cancer_types",
            "timepoints",
            "therapy_classes",
            "data_types",
            "access_conditions",
            "linked_trials",
            "published_at",
            "page",
        ]


class ReasonSerializer(serializers.Serializer):
    part = serializers.CharField()
    label = serializers.CharField()
    credit = serializers.FloatField()
    weight = serializers.FloatField()
    text = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    """One match of a resource: the other side, the score, its level and the reasons."""

    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    score = serializers.FloatField()
    level = serializers.CharField()
    reasons = ReasonSerializer(many=True)
