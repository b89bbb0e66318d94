"""Fixtures for the toxicity tests: the shipped demo content, loaded into the test database."""

from __future__ import annotations

import pytest


@pytest.fixture
def guidelines(db):
    """The demo guidelines (17 irAEs plus CRS and ICANS), as shipped."""
    from toxicity import demo

    demo.load()
    from toxicity.models import Toxicity

    return Toxicity.objects.published()
