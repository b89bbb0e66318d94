"""FilterSets of the collaborations directory, shared by the HTML list pages, the API and alerts."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from collaborations.compatibility import platform_sample_types, platforms_handling
from collaborations.models import (
    Platform,
    QualityLabel,
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

    quality_label = django_filters.MultipleChoiceFilter(
        widget=forms.CheckboxSelectMultiple,
        label=_("Quality label"),
        choices=QualityLabel.choices,
        method="filter_quality",
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
            "quality_label",
            "unit",
        ]

    def filter_quality(self, queryset, name, value):
        if not value:
            return queryset
        # Every chosen label must be present (JSON lists, portable across databases).
        matching = [
            pk
            for pk, labels in SampleCollection.objects.values_list("pk", "quality_labels")
            if set(value) <= set(labels or [])
        ]
        return queryset.filter(pk__in=matching)

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


# --- Facets ----------------------------------------------------------------------------------------------

# Values shown before "show more" in a checkbox group.
FACET_VISIBLE = 6


def _queryset_without(filterset, skip: str):
    """The base queryset with every valid filter applied except `skip` (one meaning with the trials'
    facets: a value's count is the number of results choosing it would give)."""
    queryset = filterset.queryset.all()
    if not filterset.is_bound or not filterset.is_valid():
        return queryset
    for name, value in filterset.form.cleaned_data.items():
        if name != skip:
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset


def _count_links(ids: set[int], links, key_to_terms) -> dict:
    """value -> number of resources in `ids` linked to it (links: (resource id, value) pairs)."""
    per_value: dict = {}
    for resource, value in links:
        if resource in ids:
            for term in key_to_terms(value):
                per_value.setdefault(term, set()).add(resource)
    return {value: len(resources) for value, resources in per_value.items()}


def _cancer_ancestors():
    parents = dict(CancerType.objects.values_list("pk", "parent_id"))

    def chain(pk):
        # A resource linked to a narrower type is found by every broader type (with_descendants()).
        seen = []
        while pk is not None and pk not in seen:
            seen.append(pk)
            pk = parents.get(pk)
        return seen

    return chain


def facet_groups(filterset) -> list[dict]:
    """The facets of a directory FilterSet: for each checkbox or choice filter its values with counts,
    each counted with every other filter applied. A constant number of queries per facet."""
    selected = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    model = filterset.queryset.model
    through = {
        name: getattr(model, name).through
        for name in ("sample_types", "cancer_types", "timepoints")
        if hasattr(model, name)
    }
    active = {name for name, value in selected.items() if value not in (None, "", [])}
    # Facets whose "every other filter" is the same set share one query for their rows.
    rows: dict[frozenset, set[int]] = {}
    groups = []
    for name, spec in filterset.FACETS.items():
        others = frozenset(active - {name})
        if others not in rows:
            rows[others] = set(_queryset_without(filterset, name).values_list("pk", flat=True))
        ids = rows[others]
        counts = spec(filterset, ids, through)
        chosen = selected.get(name)
        if chosen is None or chosen == "":
            chosen_values = set()
        elif isinstance(chosen, str) or not hasattr(chosen, "__iter__"):
            chosen_values = {getattr(chosen, "slug", chosen)}
        else:
            chosen_values = {getattr(value, "slug", value) for value in chosen}
        field = filterset.form.fields[name]
        items = [
            {
                "value": value,
                "label": label,
                "count": counts.get(key, 0),
                "selected": value in chosen_values,
            }
            for key, value, label in _choices(name, field)
        ]
        # Values nobody has are left out unless chosen; long groups list the chosen values and then
        # the most frequent first, so what is hidden behind "show more" is the rarest.
        items = [item for item in items if item["count"] or item["selected"]]
        if len(items) > FACET_VISIBLE:
            items.sort(key=lambda item: (not item["selected"], -item["count"], item["label"]))
        multiple = isinstance(field.widget, forms.CheckboxSelectMultiple)
        groups.append(
            {
                "name": name,
                "label": field.label,
                "multiple": multiple,
                "items": items[:FACET_VISIBLE],
                "more": items[FACET_VISIBLE:],
                "more_selected": any(item["selected"] for item in items[FACET_VISIBLE:]),
                "any_selected": bool(chosen_values),
            }
        )
    return groups


def _choices(name, field):
    """(count key, query value, label) for each value of a filter field."""
    if hasattr(field, "queryset"):
        return [(obj.pk, obj.slug, str(obj)) for obj in field.queryset]
    return [(value, value, str(label)) for value, label in field.choices if value != ""]


def _terms_facet(relation: str, column: str):
    def count(filterset, ids, through):
        return _count_links(
            ids,
            through[relation].objects.values_list(_resource_column(through[relation]), column),
            lambda pk: (pk,),
        )

    return count


def _resource_column(through_model) -> str:
    return "platform_id" if hasattr(through_model, "platform_id") else "samplecollection_id"


def _cancer_facet(filterset, ids, through):
    model = through["cancer_types"]
    chain = _cancer_ancestors()
    return _count_links(
        ids, model.objects.values_list(_resource_column(model), "cancertype_id"), chain
    )


def _unit_facet(filterset, ids, through):
    return _count_links(
        ids, filterset.queryset.model.objects.values_list("pk", "unit_id"), lambda pk: (pk,)
    )


def _platform_technique_facet(filterset, ids, through):
    return _count_links(
        ids,
        Platform.techniques.through.objects.values_list("platform_id", "technique_id"),
        lambda pk: (pk,),
    )


def _platform_sample_type_facet(filterset, ids, through):
    # The one rule (collaborations.compatibility): what each platform can handle.
    handled = platform_sample_types()
    return _count_links(
        ids,
        [(p, s) for p, types in handled.items() for s in types],
        lambda pk: (pk,),
    )


def _access_model_facet(filterset, ids, through):
    return _count_links(
        ids, Platform.objects.values_list("pk", "access_model"), lambda value: (value,)
    )


def _collection_technique_facet(filterset, ids, through):
    suits: dict[int, set[int]] = {}
    for technique, sample_type in TechniqueSampleType.objects.values_list(
        "technique_id", "sample_type_id"
    ):
        suits.setdefault(sample_type, set()).add(technique)
    return _count_links(
        ids,
        SampleCollection.sample_types.through.objects.values_list(
            "samplecollection_id", "sampletype_id"
        ),
        lambda sample_type: suits.get(sample_type, ()),
    )


def _therapy_facet(filterset, ids, through):
    return _count_links(
        ids,
        [
            (pk, code)
            for pk, codes in SampleCollection.objects.values_list("pk", "therapy_classes")
            for code in codes or []
        ],
        lambda code: (code,),
    )


def _quality_facet(filterset, ids, through):
    return _count_links(
        ids,
        [
            (pk, code)
            for pk, codes in SampleCollection.objects.values_list("pk", "quality_labels")
            for code in codes or []
        ],
        lambda code: (code,),
    )


PlatformFilter.FACETS = {
    "technique": _platform_technique_facet,
    "sample_type": _platform_sample_type_facet,
    "cancer_type": _cancer_facet,
    "unit": _unit_facet,
    "access_model": _access_model_facet,
}
CollectionFilter.FACETS = {
    "technique": _collection_technique_facet,
    "sample_type": _terms_facet("sample_types", "sampletype_id"),
    "cancer_type": _cancer_facet,
    "therapy_class": _therapy_facet,
    "timepoint": _terms_facet("timepoints", "timepoint_id"),
    "quality_label": _quality_facet,
    "unit": _unit_facet,
}


def broader_search(filterset) -> dict | None:
    """For an empty result: the filter whose removal finds the most, with the number found (None when
    nothing is filtered or dropping one filter still finds nothing)."""
    if not filterset.is_bound or not filterset.is_valid():
        return None
    active = [name for name, value in filterset.form.cleaned_data.items() if value]
    best = None
    for name in active:
        found = _queryset_without(filterset, name).count()
        if found and (best is None or found > best["count"]):
            best = {"name": name, "label": filterset.form.fields[name].label, "count": found}
    return best
