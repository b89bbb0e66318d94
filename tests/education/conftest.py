"""Helpers for the education tests: uploaded files go to a temporary MEDIA_ROOT; the builders are in
tests.factories."""

from __future__ import annotations

import zoneinfo

import pytest
from django.utils import translation

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_to_start_with():
    # A request to /nl/… leaves Dutch active in the test's thread (LocaleMiddleware activates, nothing
    # deactivates): reverse() in the next test would then give /nl/ URLs. Each test starts in English.
    translation.activate("en")
    yield
    translation.deactivate()
