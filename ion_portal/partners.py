"""The "For partners" page: what the API offers, how to get a key, the limits and examples."""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from django.views.generic import TemplateView


class PartnersView(TemplateView):
    """How industry and academic partners pull the network's data (REST, CSV, FHIR)."""

    template_name = "ion_portal/partners.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = self.request.build_absolute_uri("/").rstrip("/")
        context.update(
            api_base=f"{base}/api/v1",
            fhir_base=f"{base}/fhir",
            anon_rate=settings.API_ANON_RATE,
            partner_rate=settings.API_PARTNER_RATE,
            max_page_size=settings.API_MAX_PAGE_SIZE,
            default_page_size=settings.REST_FRAMEWORK["PAGE_SIZE"],
        )
        return context


# Mounted at /partners/ by one include() in ion_portal/urls.py.
urlpatterns = [path("", PartnersView.as_view(), name="partners")]
