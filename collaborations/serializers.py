"""API serializers of the collaborations app: public fields only (no contacts, sizes as bands)."""

from rest_framework import serializers

from collaborations.models import Platform, SampleCollection


def _TermField():
    """Vocabulary terms as a list of slugs."""
    return serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)


class PlatformSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="platform-detail", lookup_field="slug")
    unit = serializers.CharField(source="unit.name", read_only=True)
    techniques = _TermField()
    sample_types = _TermField()
    cancer_types = _TermField()
    timepoints = _TermField()
    data_types = _TermField()
    page = serializers.SerializerMethodField()

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

    def get_page(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class SampleCollectionSerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="samplecollection-detail", lookup_field="slug"
    )
    unit = serializers.CharField(source="unit.name", read_only=True)
    size_band = serializers.CharField(source="get_size_band_display", read_only=True)
    sample_types = _TermField()
    cancer_types = _TermField()
    timepoints = _TermField()
    data_types = _TermField()
    access_conditions = _TermField()
    linked_trials = serializers.ListField(source="nct_ids", child=serializers.CharField())
    page = serializers.SerializerMethodField()

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

    def get_page(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


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
