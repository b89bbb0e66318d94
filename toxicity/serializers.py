"""API serializers of the toxicity app: explicit public fields only (no contact details)."""

from __future__ import annotations

from rest_framework import serializers

from ion_portal.immunotherapy import classes_in_family
from toxicity.models import (
    RECOMMENDATION_FIELDS,
    GradeDefinition,
    GradingScheme,
    GuidelineSource,
    OrganSystem,
    Recommendation,
    Toxicity,
)


class GuidelineSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = GuidelineSource
        fields = [
            "key",
            "name",
            "edition",
            "year",
            "citation",
            "doi",
            "url",
            "evidence_scale",
            "is_local_consensus",
            "therapy_families",
        ]

    therapy_families = serializers.ListField(
        source="family_list", child=serializers.CharField(), read_only=True
    )


class GradeDefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeDefinition
        fields = ["grade", "definition"]


class GradingSchemeSerializer(serializers.ModelSerializer):
    source = GuidelineSourceSerializer(read_only=True)
    grades = GradeDefinitionSerializer(many=True, read_only=True)

    class Meta:
        model = GradingScheme
        fields = ["slug", "name", "system", "source", "ctcae_terms", "notes", "grades"]


class RecommendationSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="key", read_only=True)
    based_on = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "grade",
            "source",
            "based_on",
            "scenario",
            *RECOMMENDATION_FIELDS,
            "source_checked",
        ]

    source_checked = serializers.BooleanField(read_only=True)


class OrganSystemSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganSystem
        fields = ["slug", "name", "description"]


class ToxicitySerializer(serializers.ModelSerializer):
    organ_system = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    grading_scheme = GradingSchemeSerializer(read_only=True)
    recommendations = RecommendationSerializer(many=True, read_only=True)
    therapy_families = serializers.ListField(
        source="family_list", child=serializers.CharField(), read_only=True
    )
    therapy_classes = serializers.SerializerMethodField()
    higher_risk_classes = serializers.ListField(
        source="higher_risk_list", child=serializers.CharField(), read_only=True
    )
    avoid_drugs = serializers.ListField(
        source="avoid_drug_list", child=serializers.CharField(), read_only=True
    )
    awaiting_review = serializers.SerializerMethodField()
    aliases = serializers.ListField(
        source="alias_list", child=serializers.CharField(), read_only=True
    )
    workup = serializers.ListField(
        source="workup_list", child=serializers.CharField(), read_only=True
    )
    red_flags = serializers.ListField(
        source="red_flag_list", child=serializers.CharField(), read_only=True
    )
    # The reviewer's name only: contact details of people never leave the site's member pages.
    reviewer = serializers.CharField(source="reviewer.display_name", read_only=True, default="")
    url = serializers.HyperlinkedIdentityField(
        view_name="toxicity-detail", lookup_field="slug", help_text="This guideline in the API."
    )
    page = serializers.SerializerMethodField(help_text="The guideline's page on the portal.")
    sources = GuidelineSourceSerializer(many=True, read_only=True)

    class Meta:
        model = Toxicity
        fields = [
            "slug",
            "name",
            "url",
            "page",
            "organ_system",
            "summary",
            "aliases",
            "ctcae_term",
            "meddra_code",
            "is_demo",
            "awaiting_review",
            "therapy_families",
            "therapy_classes",
            "higher_risk_classes",
            "higher_risk_note",
            "specialist",
            "must_not_miss",
            "contraindicated_agents",
            "avoid_drugs",
            "workup",
            "red_flags",
            "call_task_force_when",
            "grading_scheme",
            "recommendations",
            "sources",
            "version",
            "reviewer",
            "reviewed_on",
            "next_review_on",
            "published_at",
        ]

    def get_therapy_classes(self, obj) -> list[str]:
        """Every class code (core vocabulary) of the families the guideline applies to."""
        return [code for family in obj.family_list for code in classes_in_family(family)]

    def get_awaiting_review(self, obj) -> bool:
        """Demonstration content awaits the task force's review, whatever else it says."""
        return obj.is_demo

    def get_page(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url
