"""Sitemaps of the collaborations app, merged into /sitemap.xml by ion_portal/sitemaps.py."""

SITEMAPS: dict = {}
