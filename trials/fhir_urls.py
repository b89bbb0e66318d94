"""FHIR endpoints, mounted at /fhir/ (outside the language prefixes) by ion_portal/urls.py."""

from django.urls import path, re_path

from . import fhir_search, fhir_views

urlpatterns = [
    path("metadata", fhir_views.CapabilityStatementView.as_view(), name="fhir-metadata"),
    path(
        "ResearchStudy",
        fhir_search.ResearchStudySearchView.as_view(),
        name="fhir-researchstudy-search",
    ),
    re_path(
        r"^ResearchStudy/(?P<id>[A-Za-z0-9\-.]{1,64})$",
        fhir_views.ResearchStudyReadView.as_view(),
        name="fhir-researchstudy-read",
    ),
    re_path(r"^[\s\S]*$", fhir_views.FhirNotFoundView.as_view()),
]
