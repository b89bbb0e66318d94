"""Sitemaps of the trials app, merged into /sitemap.xml by ion_portal/sitemaps.py."""

SITEMAPS: dict = {}
