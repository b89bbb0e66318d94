"""/api/v1/trials/{nct_id}/criteria/: a published trial's confirmed structured eligibility criteria.

Read-only; only criteria a curator confirmed (proposals not yet reviewed and rejected ones are never
shown); a trial that is not published is a 404, like the trial itself. Registered in trials/api.py ROUTES.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from .models import Trial
from .models_criteria import EligibilityCriterion

VALUE_HELP = (
    "Keys by kind. age/ecog/prior_lines (range): {min, max} (null: no bound); sex (eq): {sex}; "
    "cancer_type (in): {cancer_types: [cancer-type slugs]}; setting (in): {settings: [neoadjuvant, "
    "adjuvant, first_line_metastatic, later_line]}; prior_immunotherapy (required/allowed/excluded): "
    "{classes: [immunotherapy class codes], empty = any immunotherapy}; steroids (max): "
    "{mg_prednisone_per_day}; anc/platelets/haemoglobin/creatinine_clearance (min): {value, unit}; "
    "creatinine/bilirubin (max): {uln} or {value, unit}; ast_alt (max): {uln, "
    "uln_with_liver_metastases}; pd_l1_tps/pd_l1_cps/tmb (min): {value}; other kinds: {}."
)


class EligibilityCriterionSerializer(serializers.ModelSerializer):
    value = serializers.JSONField(help_text=VALUE_HELP)
    source_changed = serializers.BooleanField(
        help_text="The source sentence changed upstream since a curator confirmed this criterion."
    )

    class Meta:
        model = EligibilityCriterion
        fields = [
            "id",
            "section",
            "kind",
            "operator",
            "value",
            "source_sentence",
            "source_start",
            "source_end",
            "source_changed",
            "confirmed_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Confirmed structured eligibility criteria of a published trial",
        description=(
            "Criteria proposed from the registered eligibility text by the portal's extractor and "
            "confirmed by the network's curators. source_start/source_end are character offsets "
            "into the trial's eligibility_criteria text."
        ),
        tags=["trials"],
        parameters=[
            OpenApiParameter(
                "nct_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                pattern=r"^NCT[0-9]{8}$",
                description="The trial's NCT ID.",
            )
        ],
    )
)
class TrialCriteriaViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A trial's confirmed criteria (not paged: a trial has a few dozen at most)."""

    serializer_class = EligibilityCriterionSerializer
    pagination_class = None
    filterset_class = None
    queryset = EligibilityCriterion.objects.none()  # the schema generator reads the model from here

    def get_queryset(self):
        trial = get_object_or_404(Trial.objects.published(), nct_id=self.kwargs["nct_id"])
        return (
            EligibilityCriterion.objects.confirmed()
            .filter(trial=trial)
            .order_by("section", "source_start", "kind", "pk")
        )
