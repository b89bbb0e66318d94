"""API viewsets of the trials app. ion_portal/api.py registers every (prefix, viewset, basename) in ROUTES."""

ROUTES: list[tuple] = []
