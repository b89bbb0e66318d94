"""URLs of the toxicity section (mounted by ion_portal/urls.py)."""

app_name = "toxicity"

urlpatterns: list = []
