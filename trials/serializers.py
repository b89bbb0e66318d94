"""API serializers of the trials app (explicit fields only; nothing member-only is exposed).

Codes are the ClinicalTrials.gov API v2 enumeration values, so partners can match them with CT.gov data.
"""

from __future__ import annotations

from django.urls import NoReverseMatch
from rest_framework import serializers

from .models import (
    Drug,
    ImmunotherapyClass,
    Intervention,
    LineOfTherapy,
    OverallStatus,
    Phase,
    Sex,
    StatusGroup,
    StudyType,
    Trial,
    TrialSite,
)


class DrugSerializer(serializers.ModelSerializer):
    """A compound of the drug vocabulary with its synonyms (brand and code names) and class."""

    synonyms = serializers.ListField(
        source="synonym_list", child=serializers.CharField(), read_only=True
    )
    immunotherapy_class = serializers.ChoiceField(
        choices=ImmunotherapyClass.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty for compounds that are not immunotherapies.",
    )

    class Meta:
        model = Drug
        fields = ["slug", "name", "synonyms", "immunotherapy_class"]


class DrugRefSerializer(serializers.ModelSerializer):
    """The drug an intervention was recognised as."""

    immunotherapy_class = serializers.ChoiceField(
        choices=ImmunotherapyClass.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Drug
        fields = ["slug", "name", "immunotherapy_class"]


class InterventionSerializer(serializers.ModelSerializer):
    other_names = serializers.ListField(child=serializers.CharField(), read_only=True)
    drug = DrugRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Intervention
        fields = ["type", "name", "description", "other_names", "drug"]


class SiteSerializer(serializers.ModelSerializer):
    """A network site of the trial, with its local recruitment status."""

    slug = serializers.CharField(source="unit.slug", read_only=True)
    name = serializers.CharField(source="unit.name", read_only=True)
    institution = serializers.CharField(source="unit.institution", read_only=True)
    city = serializers.CharField(source="unit.city", read_only=True)
    principal_investigator = serializers.SerializerMethodField()

    class Meta:
        model = TrialSite
        fields = ["slug", "name", "institution", "city", "local_status", "principal_investigator"]

    def get_principal_investigator(self, obj) -> str | None:
        # Only the public name; contact details are for signed-in members on the site.
        pi = obj.principal_investigator
        return pi.display_name if pi else None


class EligibilitySerializer(serializers.Serializer):
    criteria = serializers.CharField(source="eligibility_criteria")
    sex = serializers.ChoiceField(choices=Sex.choices, allow_blank=True)
    minimum_age = serializers.CharField(
        help_text="As registered, e.g. '18 Years'; empty: no limit."
    )
    maximum_age = serializers.CharField(help_text="As registered; empty: no limit.")
    minimum_age_days = serializers.IntegerField(allow_null=True)
    maximum_age_days = serializers.IntegerField(allow_null=True)
    healthy_volunteers = serializers.BooleanField(allow_null=True)


class TrialSerializer(serializers.ModelSerializer):
    """A published trial with its interventions and network sites."""

    recruitment = serializers.ChoiceField(
        source="status_group",
        choices=StatusGroup.choices,
        read_only=True,
        help_text=(
            "open (recruiting now), not_yet_open, unverified (an open status not verified for two "
            "years, or UNKNOWN) or closed, derived from overall_status and status_verified."
        ),
    )
    phases = serializers.ListField(
        source="phase_list",
        child=serializers.ChoiceField(choices=Phase.choices),
        read_only=True,
        help_text="API v2 phase codes; a Phase 1/2 trial has two.",
    )
    immunotherapy_classes = serializers.ListField(
        source="immunotherapy_class_list",
        child=serializers.ChoiceField(choices=ImmunotherapyClass.choices),
        read_only=True,
    )
    cancer_types = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    # Blank-able codes, declared so the schema allows "" (read-only model fields lose allow_blank).
    last_known_status = serializers.ChoiceField(
        choices=OverallStatus.choices, allow_blank=True, read_only=True
    )
    study_type = serializers.ChoiceField(
        choices=StudyType.choices, allow_blank=True, read_only=True
    )
    line_of_therapy = serializers.ChoiceField(
        choices=LineOfTherapy.choices, allow_blank=True, read_only=True
    )
    other_ids = serializers.JSONField(read_only=True)
    conditions = serializers.ListField(child=serializers.CharField(), read_only=True)
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True)
    collaborators = serializers.JSONField(read_only=True)
    # A nested serializer over the trial itself (source="*"), built once per response: the method
    # field it replaces built a new EligibilitySerializer for every trial (DRF deep-copies a
    # serializer's fields when it is made: ~30 % of an API page's Python time).
    eligibility = EligibilitySerializer(source="*", read_only=True)
    interventions = InterventionSerializer(many=True, read_only=True)
    sites = SiteSerializer(many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="trial-detail", lookup_field="nct_id", help_text="This trial in the API."
    )
    page = serializers.SerializerMethodField(help_text="The trial's page on the portal.")
    ctgov_url = serializers.URLField(read_only=True)

    class Meta:
        model = Trial
        fields = [
            "nct_id",
            "eu_ct_number",
            "other_ids",
            "acronym",
            "brief_title",
            "official_title",
            "brief_summary",
            "overall_status",
            "last_known_status",
            "why_stopped",
            "recruitment",
            "phases",
            "study_type",
            "primary_purpose",
            "allocation",
            "enrollment_count",
            "enrollment_type",
            "start_date",
            "primary_completion_date",
            "completion_date",
            "first_posted",
            "last_update_posted",
            "status_verified",
            "conditions",
            "keywords",
            "cancer_types",
            "eligibility",
            "lead_sponsor",
            "lead_sponsor_class",
            "collaborators",
            "immunotherapy_classes",
            "line_of_therapy",
            "interventions",
            "sites",
            "url",
            "page",
            "ctgov_url",
            "updated_at",
        ]
        read_only_fields = fields

    def get_page(self, obj) -> str | None:
        """The trial's web page on the portal (`url` is this trial in the API, as in every app)."""
        request = self.context.get("request")
        try:
            path = obj.get_absolute_url()
        except NoReverseMatch:  # the site's trial pages are not mounted (API-only deployment)
            return None
        return request.build_absolute_uri(path) if request else path
