"""Directory facets: counts with the other filters applied, show more, no empty-label selects, the
nearest broader search on an empty result, and pinned query counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import make_collection, make_platform

pytestmark = pytest.mark.django_db


def _count(page: str, name: str, value: str) -> int:
    found = re.search(
        rf'name="{name}" value="{value}"[^>]*> <label[^>]*>[^<]+</label> <span class="facet-count">\((\d+)',
        page,
    )
    assert found, (name, value)
    return int(found.group(1))


@pytest.fixture
def platforms(lab):
    make_platform(lab, slug="flow", name="Flow", techniques=["flow-cytometry"])
    make_platform(lab, slug="cytof", name="CyTOF", techniques=["mass-cytometry"])
    make_platform(
        lab,
        slug="ihc",
        name="IHC",
        techniques=["multiplex-ihc"],
        access_model="service",
    )


def test_platform_facets_count_with_the_other_filters(client, platforms):
    url = reverse("collaborations:platform_list")
    page = client.get(url).content.decode()
    assert _count(page, "technique", "flow-cytometry") == 1
    # PBMC: flow and CyTOF handle it through the compatibility table (neither declares types).
    assert _count(page, "sample_type", "pbmc") == 2
    assert _count(page, "sample_type", "ffpe-tissue") == 1
    page = client.get(url + "?technique=flow-cytometry").content.decode()
    # The technique facet ignores its own filter; the others apply it.
    assert _count(page, "technique", "mass-cytometry") == 1
    assert _count(page, "sample_type", "pbmc") == 1
    assert 'name="sample_type" value="ffpe-tissue"' not in page  # nobody left has it
    page = client.get(url + "?access_model=service").content.decode()
    assert _count(page, "access_model", "collaboration") == 2
    assert _count(page, "technique", "multiplex-ihc") == 1
    assert "---------" not in page
    assert "max-height" not in page


def test_collection_facets_and_show_more(client, clinic):
    make_collection(clinic, slug="a", name="A", sample_types=["pbmc", "plasma"])
    make_collection(clinic, slug="b", name="B", sample_types=["ffpe-tissue"])
    page = client.get(reverse("collaborations:collection_list")).content.decode()
    assert _count(page, "sample_type", "pbmc") == 1
    assert _count(page, "technique", "multiplex-ihc") == 1  # B's FFPE suits multiplex IHC
    assert _count(page, "technique", "flow-cytometry") == 1
    assert "---------" not in page
    # More than six techniques suit these samples: the rest sit behind "show more".
    assert re.search(r"<summary>Show \d+ more", page)


def test_empty_result_suggests_dropping_the_most_restrictive_filter(client, platforms):
    url = reverse("collaborations:platform_list")
    page = client.get(url + "?technique=multiplex-ihc&sample_type=pbmc").content.decode()
    assert "No platform matches these filters." in page
    # Without sample_type: 1 (IHC); without technique: 2 (flow, CyTOF) → drop technique.
    assert "Without the “Technique” filter there are 2 results." in page
    assert 'href="/collaborations/platforms/?sample_type=pbmc"' in page
    broader = client.get(url + "?sample_type=pbmc").content.decode()
    assert "2 platforms" in broader


@pytest.mark.parametrize("count", [3, 12])
def test_facet_pages_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, lab, clinic, count
):
    for i in range(count):
        make_platform(lab, slug=f"p{i}", name=f"Platform {i}")
        make_collection(clinic, slug=f"c{i}", name=f"Collection {i}")
    # Session-less visitor: count + page + 3 prefetches, and per facet (5) the ids without it plus
    # its links (the sample-type facet reads techniques, declared types and the compatibility
    # table; cancer types the hierarchy), the filter's term lookups: never one query per row.
    with django_assert_num_queries(22):
        client.get(reverse("collaborations:platform_list") + "?technique=mass-cytometry")
    # Collections: the same, with one more facet (quality labels).
    with django_assert_num_queries(24):
        client.get(reverse("collaborations:collection_list") + "?sample_type=pbmc")
