"""One rule for "can this platform handle this sample type": the platform filter and the matching agree."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from collaborations import demo, match_queries
from collaborations.filters import PlatformFilter
from collaborations.matching import CollectionProfile, score_platform
from collaborations.models import Platform, SampleCollection, SampleType, Technique
from ion_portal import demo as core_demo
from tests.factories import make_platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_directory():
    core_demo.load()
    demo.load()


def _filtered(client, query: str) -> set[str]:
    """The platforms the directory's FilterSet (the one the page and the API use) keeps."""
    filterset = PlatformFilter(QueryDict(query), queryset=Platform.objects.published())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("slug", flat=True))


def test_filter_and_matching_agree_for_every_technique_and_sample_type(client, demo_directory):
    vocabulary = match_queries.matching_vocabulary()
    platforms = match_queries.platform_profiles(
        Platform.objects.published().with_relations(), vocabulary
    )
    checked = 0
    for technique in Technique.objects.all():
        for sample_type in SampleType.objects.all():
            # A collection offering only this sample type: the matching pairs it with a platform
            # unless the sample type suits none of the platform's techniques.
            probe = CollectionProfile(
                pk=0,
                name="probe",
                unit_id=0,
                obj=None,
                sample_types=frozenset({sample_type.pk}),
                cancer_types=frozenset(),
                timepoints=frozenset(),
                therapy_classes=frozenset(),
                data_types=frozenset(),
                access_conditions=frozenset(),
            )
            paired = {
                p.obj.slug
                for p in platforms
                if technique.pk in p.techniques and not score_platform(p, [probe], vocabulary)[0][4]
            }
            found = _filtered(client, f"technique={technique.slug}&sample_type={sample_type.slug}")
            assert found == paired, (technique.slug, sample_type.slug)
            checked += 1
    assert checked == Technique.objects.count() * SampleType.objects.count() > 50


def test_flow_cytometry_and_pbmc_finds_the_flow_platforms_matched_with_pbmc_collections(
    client, demo_directory
):
    found = _filtered(client, "technique=flow-cytometry&sample_type=pbmc")
    assert "spectral-flow-cytometry" in found  # declares no sample types: the table decides
    vocabulary = match_queries.matching_vocabulary()
    platforms = match_queries.platform_profiles(
        Platform.objects.published().with_relations().filter(techniques__slug="flow-cytometry"),
        vocabulary,
    )
    pbmc = SampleCollection.objects.published().with_relations().filter(sample_types__slug="pbmc")
    assert pbmc.exists()
    collections = match_queries.collection_profiles(pbmc)
    paired = {
        row[0].obj.slug
        for row in match_queries.match_all(
            platforms=platforms, collections=collections, vocabulary=vocabulary
        )
        if not row[4]
    }
    assert found == paired
    api = client.get("/api/v1/platforms/?technique=flow-cytometry&sample_type=pbmc").json()
    assert {row["slug"] for row in api["results"]} == found
    # The HTML directory shows the same platforms.
    page = client.get(
        reverse("collaborations:platform_list") + "?technique=flow-cytometry&sample_type=pbmc"
    ).content.decode()
    for slug in found:
        assert reverse("collaborations:platform_detail", args=[slug]) in page


def test_declared_sample_types_narrow_the_table(client, lab):
    # Flow cytometry accepts PBMC and whole blood in the table; this platform declares PBMC only.
    make_platform(lab, slug="narrow", techniques=["flow-cytometry"], sample_types=["pbmc"])
    make_platform(lab, slug="broad", techniques=["flow-cytometry"], sample_types=[])
    assert _filtered(client, "sample_type=pbmc") == {"narrow", "broad"}
    assert _filtered(client, "sample_type=whole-blood") == {"broad"}
    # A type the technique cannot take is never handled, even when declared.
    make_platform(lab, slug="odd", techniques=["flow-cytometry"], sample_types=["ffpe-tissue"])
    assert "odd" not in _filtered(client, "sample_type=ffpe-tissue")


def test_both_detail_pages_list_what_is_ruled_out_and_why(client, lab, clinic):
    make_platform(lab, slug="fee", name="Fee-for-service flow", not_met=["joint-project"])
    make_platform(lab, slug="ihc", name="Multiplex IHC", techniques=["multiplex-ihc"])
    make_platform(lab, slug="ok", name="Open CyTOF")
    from tests.factories import make_collection

    collection = make_collection(clinic, access=["joint-project"], sample_types=["pbmc"])
    page = client.get(collection.get_absolute_url()).content.decode()
    ruled_out = page.split('id="exclusions-heading"', 1)[1]
    assert "Fee-for-service flow" in ruled_out and "cannot meet" in ruled_out
    assert "Multiplex IHC" in ruled_out
    assert "none of the collection" in ruled_out and "sample types suits" in ruled_out
    assert "Open CyTOF" not in ruled_out  # matched, so listed with the matches instead
    platform_page = client.get(reverse("collaborations:platform_detail", args=["fee"]))
    ruled_out = platform_page.content.decode().split('id="exclusions-heading"', 1)[1]
    assert collection.name in ruled_out and "cannot meet" in ruled_out
