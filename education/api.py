"""API viewsets of the education app. ion_portal/api.py registers every (prefix, viewset, basename) in ROUTES."""

ROUTES: list[tuple] = []
