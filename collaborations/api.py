"""API viewsets of the collaborations app. ion_portal/api.py registers every (prefix, viewset, basename) in ROUTES."""

ROUTES: list[tuple] = []
