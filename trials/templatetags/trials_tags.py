"""Template helpers of the trials pages."""

from django import template

from ion_portal.cancer_type_names import translated_name

register = template.Library()


@register.filter
def cancer_type_name(cancer_type) -> str:
    """A CancerType's name in the active language (Dutch and French names from the core data file)."""
    return translated_name(cancer_type.slug, cancer_type.name)
