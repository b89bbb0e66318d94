"""URLs of the trials section (mounted by ion_portal/urls.py)."""

app_name = "trials"

urlpatterns: list = []
