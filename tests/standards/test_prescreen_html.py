"""The pre-screen's result pages (answers sent by POST, so not in the sitemap-driven page list of
test_html.py), in English and Dutch, checked by the same Nu HTML Checker run: 0 errors."""

from __future__ import annotations

import pytest
from django.utils import translation

from ion_portal.models import MEMBERS_GROUP
from tests.factories import make_user
from tests.trials.test_prescreen_pages import ANSWERS, criterion, site, trials  # noqa: F401
from trials.prescreen import queries

from .test_html import _check

pytestmark = pytest.mark.django_db


def test_prescreen_result_pages_have_no_html_errors(client, site, tmp_path):  # noqa: F811
    queries.clear_cache()
    client.force_login(make_user("html-prescreen@example.org", groups=(MEMBERS_GROUP,)))
    pages = {}
    with translation.override("en"):  # the /nl/ requests activate Dutch; the override restores
        _render(client, site, pages)
    assert _check(pages, tmp_path) == []


def _render(client, site, pages):  # noqa: F811
    for prefix in ("", "/nl"):
        response = client.post(f"{prefix}/trials/pre-screen/", {**ANSWERS, "ecog": "3"})
        assert response.status_code == 200 and b"prescreen-result" in response.content
        pages[f"{prefix}/trials/pre-screen/#results"] = response.content
        response = client.post(f"{prefix}/trials/pre-screen/", {"cancer_type": "nonsense"})
        assert response.status_code == 400
        pages[f"{prefix}/trials/pre-screen/#errors"] = response.content
        response = client.post(
            f"{prefix}/trials/pre-screen/refer/",
            {**ANSWERS, "trial": site.trial.nct_id, "site": site.pk, "note": "MRN 1234567"},
        )
        assert response.status_code == 400
        pages[f"{prefix}/trials/pre-screen/refer/#errors"] = response.content
        response = client.post(
            f"{prefix}/trials/find-a-trial/",
            {"cancer_type": "melanoma", "age": "60", "province": "namur", "treated_now": "no"},
        )
        assert response.status_code == 200
        pages[f"{prefix}/trials/find-a-trial/#results"] = response.content
