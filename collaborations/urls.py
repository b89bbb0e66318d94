"""URLs of the collaborations section (mounted by ion_portal/urls.py)."""

app_name = "collaborations"

urlpatterns: list = []
