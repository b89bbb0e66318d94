"""URLs of the education section (mounted by ion_portal/urls.py)."""

app_name = "education"

urlpatterns: list = []
