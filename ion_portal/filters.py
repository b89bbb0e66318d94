"""Filters shared by every app's FilterSets: the one immunotherapy-class filter and the one cancer-type
filter, so `?immunotherapy_class=` / `?therapy_class=` and `?cancer_type=` mean the same everywhere."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ion_portal.immunotherapy import ImmunotherapyClass, canonical_class
from ion_portal.models import CancerType

# Shown in the OpenAPI description of every class parameter (and in the HTML filter's help text).
DEPRECATED_SPELLINGS_NOTE = _(
    "Immunotherapy-class codes such as anti-pd-1, anti-ctla-4, car-t. Deprecated: the old spellings "
    "(anti_pd1, antipd1, car_t, ...) are still accepted and read as the code they stand for, for one "
    "release only."
)

CANCER_TYPE_NOTE = _(
    "Cancer-type slugs (see /api/v1/cancer-types/); a broader type also finds its narrower types."
)


def canonical_class_codes(values) -> list[str]:
    """Each value as its one class code when it is an accepted spelling, unchanged otherwise (so the
    validation error can name it), duplicates dropped, order kept."""
    return list(dict.fromkeys(canonical_class(v) or v for v in values))


class ImmunotherapyClassField(forms.MultipleChoiceField):
    """A multiple choice of class codes that reads deprecated spellings as their code."""

    def to_python(self, value):
        return canonical_class_codes(super().to_python(value))


class ImmunotherapyClassFilter(django_filters.MultipleChoiceFilter):
    """Immunotherapy classes of the core vocabulary (repeat the parameter for several)."""

    field_class = ImmunotherapyClassField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", ImmunotherapyClass.choices)
        kwargs.setdefault("help_text", DEPRECATED_SPELLINGS_NOTE)
        super().__init__(*args, **kwargs)


def cancer_types_with_descendants(cancer_types):
    """The chosen CancerType rows (a queryset or a list) and every narrower type, as a queryset."""
    pks = [c.pk for c in cancer_types]
    return CancerType.objects.filter(pk__in=pks).with_descendants()


@extend_schema_field(OpenApiTypes.STR)
class CancerTypeFilter(django_filters.ModelChoiceFilter):
    """One cancer type by slug, through the relation `field_name`: rows tagged with that type or any
    narrower one (a sub-select, so a row tagged with two of them appears once)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("queryset", CancerType.objects.all())
        kwargs.setdefault("label", _("Cancer type"))
        kwargs.setdefault("help_text", CANCER_TYPE_NOTE)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        types = cancer_types_with_descendants([value])
        tagged = qs.model.objects.filter(**{f"{self.field_name}__in": types})
        return qs.filter(pk__in=tagged.values("pk"))
