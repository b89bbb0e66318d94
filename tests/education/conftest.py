"""Helpers for the education tests: uploaded files go to a temporary MEDIA_ROOT; the builders are in
tests.factories."""

from __future__ import annotations

import zoneinfo

import pytest

# deprecated: import from tests.factories (re-exported for branches written before it).
from tests.factories import make_event, make_news, make_resource

__all__ = ["make_event", "make_news", "make_resource"]

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
