"""API serializers of the core vocabularies (explicit fields only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ion_portal.models import CancerType


class CancerTypeSerializer(serializers.ModelSerializer):
    """A tumour type of the network's vocabulary, with its broader type and ICD-10 codes."""

    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    icd10 = serializers.SerializerMethodField()
    synonyms = serializers.SerializerMethodField()
    url = serializers.HyperlinkedIdentityField(
        view_name="cancertype-detail", lookup_field="slug", help_text="This object in the API."
    )

    class Meta:
        model = CancerType
        fields = ["url", "slug", "name", "parent", "icd10", "synonyms"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_icd10(self, obj) -> list[str]:
        return [code.strip() for code in obj.icd10.split(",") if code.strip()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_synonyms(self, obj) -> list[str]:
        return obj.synonym_list
