"""FilterSets of the collaborations directory, shared by the HTML list pages, the API and alerts."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from collaborations.compatibility import platforms_handling
from collaborations.models import (
    Platform,
    SampleCollection,
    SampleType,
    Technique,
    TechniqueSampleType,
    Timepoint,
)
from ion_portal.filters import (
    CANCER_TYPE_NOTE,
    ImmunotherapyClassFilter,
    cancer_types_with_descendants,
)
from ion_portal.models import CancerType, Unit


@extend_schema_field(OpenApiTypes.STR)
class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Vocabulary terms chosen by slug (repeat the parameter for several); documented as strings."""


class _DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    sample_type = SlugsFilter(
        widget=forms.CheckboxSelectMultiple,
        label=_("Sample type"),
        field_name="sample_types__slug",
        to_field_name="slug",
        queryset=SampleType.objects.all(),
        distinct=True,
    )
    cancer_type = SlugsFilter(
        widget=forms.CheckboxSelectMultiple,
        label=_("Cancer type"),
        to_field_name="slug",
        queryset=CancerType.objects.all(),
        method="filter_cancer_type",
        help_text=CANCER_TYPE_NOTE,
    )

    def search(self, queryset, name, value):
        words = value.split()
        for word in words[:8]:
            queryset = queryset.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(description__icontains=word)
                | Q(unit__name__icontains=word)
            )
        return queryset

    def filter_cancer_type(self, queryset, name, value):
        if not value:
            return queryset
        # Collections keep a subquery (no duplicate rows) rather than a join + distinct.
        ids = cancer_types_with_descendants(value)
        model = queryset.model
        return queryset.filter(pk__in=model.objects.filter(cancer_types__in=ids).values("pk"))


class PlatformFilter(_DirectoryFilter):
    """Filters of /collaborations/platforms/ and /api/v1/platforms/."""

    # A platform matches a sample type when it can handle it: the compatibility table of its
    # techniques, narrowed by its declared sample types (collaborations.compatibility, the rule the
    # matching uses), not only the sample types it declares.
    sample_type = SlugsFilter(
        widget=forms.CheckboxSelectMultiple,
        label=_("Sample type"),
        to_field_name="slug",
        queryset=SampleType.objects.all(),
        method="filter_sample_type",
    )

    technique = SlugsFilter(
        widget=forms.CheckboxSelectMultiple,
        label=_("Technique"),
        field_name="techniques__slug",
        to_field_name="slug",
        queryset=Technique.objects.all(),
        distinct=True,
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Offered by"),
        to_field_name="slug",
        queryset=Unit.objects.filter(kind__in=[Unit.Kind.LAB, Unit.Kind.CORE, Unit.Kind.OTHER]),
    )
    access_model = django_filters.ChoiceFilter(
        label=_("Access model"), choices=Platform.AccessModel.choices
    )

    class Meta:
        model = Platform
        fields = ["q", "technique", "sample_type", "cancer_type", "unit", "access_model"]

    def filter_sample_type(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=platforms_handling(s.pk for s in value))


class CollectionFilter(_DirectoryFilter):
    """Filters of /collaborations/collections/ and /api/v1/collections/."""

    technique = SlugsFilter(
        widget=forms.CheckboxSelectMultiple,
        label=_("Suits technique"),
        to_field_name="slug",
        queryset=Technique.objects.all(),
        method="filter_technique",
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Held by"),
        to_field_name="slug",
        queryset=Unit.objects.filter(
            kind__in=[Unit.Kind.CLINICAL, Unit.Kind.BIOBANK, Unit.Kind.OTHER]
        ),
    )
    therapy_class = ImmunotherapyClassFilter(
        widget=forms.CheckboxSelectMultiple,
        label=_("Therapy class"),
        method="filter_therapy",
    )
    timepoint = SlugsFilter(
        widget=forms.CheckboxSelectMultiple,
        label=_("Timepoint"),
        field_name="timepoints__slug",
        to_field_name="slug",
        queryset=Timepoint.objects.all(),
        distinct=True,
    )

    class Meta:
        model = SampleCollection
        fields = [
            "q",
            "technique",
            "sample_type",
            "cancer_type",
            "therapy_class",
            "timepoint",
            "unit",
        ]

    def filter_technique(self, queryset, name, value):
        if not value:
            return queryset
        compatible = TechniqueSampleType.objects.filter(technique__in=value).values(
            "sample_type_id"
        )
        return queryset.filter(
            pk__in=SampleCollection.objects.filter(sample_types__in=compatible).values("pk")
        )

    def filter_therapy(self, queryset, name, value):
        if not value:
            return queryset
        # JSON lists: a portable containment test that works on SQLite and PostgreSQL alike.
        matching = [
            pk
            for pk, classes in SampleCollection.objects.values_list("pk", "therapy_classes")
            if set(classes or []) & set(value)
        ]
        return queryset.filter(pk__in=matching)
