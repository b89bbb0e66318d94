"""Directory pages and the API: privacy of contacts and sizes, drafts, filters, query counts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from collaborations.models import SampleCollection
from tests.factories import make_collection, make_platform

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(lab, clinic, lab_contact, clinic_contact):
    platform = make_platform(lab, contact=lab_contact, cancer_types=["melanoma"])
    collection = make_collection(clinic, contact=clinic_contact, donor_count=437)
    return platform, collection


SECRETS = [
    "lena.labhead@lab.example",
    "+32 9 111 22 33",
    "carl.clinician@hospital.example",
    "+32 9 444 55 66",
]


def test_header_shows_the_collaborations_section(client):
    page = client.get("/").content.decode()
    assert 'href="/collaborations/"' in page


def test_public_pages_never_show_contacts_or_exact_counts(client, user, directory):
    platform, collection = directory
    urls = [
        reverse("collaborations:index"),
        reverse("collaborations:platform_list"),
        reverse("collaborations:collection_list"),
        platform.get_absolute_url(),
        collection.get_absolute_url(),
        "/api/v1/platforms/",
        "/api/v1/collections/",
        f"/api/v1/collections/{collection.slug}/",
        f"/api/v1/platforms/{platform.slug}/matches/",
    ]
    for who in (None, user):  # a visitor, and a signed-in user not yet approved
        if who:
            client.force_login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            for secret in SECRETS:
                assert secret not in body, (url, secret)
            # As a number on its own: CSRF tokens may contain the digits by chance.
            assert not re.search(r"(?<![A-Za-z0-9])437(?![A-Za-z0-9])", body), url
    page = client.get(collection.get_absolute_url()).content.decode()
    assert "100 to 1,000 donors" in page
    api = client.get(f"/api/v1/collections/{collection.slug}/").json()
    # The band is a code with its label beside it; the code is the same in every language.
    assert api["size_band"] == 2
    assert api["size_band_label"] == "100 to 1,000 donors"
    dutch = client.get(
        f"/api/v1/collections/{collection.slug}/", headers={"accept-language": "nl"}
    ).json()
    assert dutch["size_band"] == 2
    # `url` is the API resource, `page` the web page, as in every app's API.
    assert api["url"] == f"http://testserver/api/v1/collections/{collection.slug}/"
    assert api["page"] == f"http://testserver{collection.get_absolute_url()}"
    assert not {"contact", "donor_count", "email"} & set(api)


def test_members_see_contacts_and_exact_counts(member_client, directory):
    platform, collection = directory
    page = member_client.get(collection.get_absolute_url()).content.decode()
    assert "carl.clinician@hospital.example" in page and "437 donors" in page
    page = member_client.get(platform.get_absolute_url()).content.decode()
    assert "lena.labhead@lab.example" in page
    assert "Request a collaboration" in page


def test_detail_pages_show_matches_with_reasons(client, directory):
    platform, collection = directory
    page = client.get(platform.get_absolute_url()).content.decode()
    assert "Collections this platform could analyse" in page
    assert collection.name in page
    assert "Both cover Melanoma." in page
    page = client.get(collection.get_absolute_url()).content.decode()
    assert "Platforms that could work with these samples" in page
    assert "PBMC (viable) for Mass cytometry (CyTOF)" in page


def test_drafts_never_leak(client, lab, clinic):
    draft = make_collection(clinic, slug="secret-cohort", name="Secret cohort", published=False)
    draft_platform = make_platform(
        lab, slug="secret-platform", name="Secret platform", published=False
    )
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(draft_platform.get_absolute_url()).status_code == 404
    assert "Secret" not in client.get(reverse("collaborations:collection_list")).content.decode()
    assert "Secret" not in client.get(reverse("collaborations:platform_list")).content.decode()
    assert client.get("/api/v1/collections/").json()["count"] == 0
    assert client.get(f"/api/v1/platforms/{draft_platform.slug}/").status_code == 404
    assert client.get(f"/api/v1/platforms/{draft_platform.slug}/matches/").status_code == 404
    assert "secret" not in client.get("/sitemap.xml").content.decode()


def test_collection_filters_follow_the_cancer_hierarchy_and_techniques(client, clinic):
    make_collection(
        clinic,
        slug="nsclc",
        name="NSCLC tissue",
        sample_types=["ffpe-tissue"],
        cancer_types=["non-small-cell-lung-cancer"],
        therapy_classes=["anti-pd-1"],
    )
    make_collection(
        clinic,
        slug="mel",
        name="Melanoma blood",
        sample_types=["pbmc"],
        cancer_types=["melanoma"],
        therapy_classes=["anti-ctla-4"],
    )

    def names(query):
        return [c["name"] for c in client.get(f"/api/v1/collections/?{query}").json()["results"]]

    assert names("cancer_type=lung-cancer") == ["NSCLC tissue"]
    assert names("technique=multiplex-ihc") == ["NSCLC tissue"]
    assert names("technique=mass-cytometry") == ["Melanoma blood"]
    assert names("therapy_class=anti-ctla-4") == ["Melanoma blood"]
    assert names("sample_type=pbmc&sample_type=ffpe-tissue") == ["Melanoma blood", "NSCLC tissue"]
    assert names("q=tissue") == ["NSCLC tissue"]
    page = client.get(reverse("collaborations:collection_list") + "?cancer_type=lung-cancer")
    assert "NSCLC tissue" in page.content.decode() and "Melanoma blood" not in page.content.decode()


def test_bad_page_filter_says_so_and_shows_the_whole_directory(client, clinic):
    # The one rule of ion_portal.listing, as on the education pages: say which filter, list everything.
    make_collection(clinic, slug="nsclc", name="NSCLC tissue", cancer_types=["lung-cancer"])
    make_collection(clinic, slug="mel", name="Melanoma blood", cancer_types=["melanoma"])
    response = client.get(
        reverse("collaborations:collection_list"), {"technique": "telepathy", "q": "Melanoma"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some filters were not understood, so the whole list is shown" in html
    assert "Suits technique" in html and "telepathy" in html
    assert [c.name for c in response.context["object_list"]] == ["Melanoma blood", "NSCLC tissue"]


def test_bad_api_filter_is_a_400_with_a_reason(client):
    response = client.get("/api/v1/platforms/?technique=telepathy")
    assert response.status_code == 400
    body = response.json()
    assert "telepathy" in body["errors"]["technique"][0]
    assert "flow-cytometry" in body["allowed"]["technique"]


def test_api_matches_carry_reasons(client, directory):
    platform, collection = directory
    (row,) = client.get(f"/api/v1/platforms/{platform.slug}/matches/").json()
    assert row["slug"] == collection.slug
    assert 0 < row["score"] <= 1
    assert {r["part"] for r in row["reasons"]} == {
        "sample_types",
        "cancer_types",
        "timepoints",
        "therapy_classes",
        "data_types",
    }


def _many(lab, clinic, count):
    for i in range(count):
        make_platform(lab, slug=f"p{i}", name=f"Platform {i}")
        make_collection(clinic, slug=f"c{i}", name=f"Collection {i}")


@pytest.mark.parametrize("count", [3, 12])
def test_list_pages_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, lab, clinic, count
):
    _many(lab, clinic, count)
    # Platforms: session-less visitor; count + page + 3 prefetches (sample types, cancer types,
    # techniques) + the facets (tests/collaborations/test_facets.py): the rows once, each facet's
    # links and choice list, the compatibility table and the cancer-type hierarchy.
    with django_assert_num_queries(18):
        client.get(reverse("collaborations:platform_list"))
    # Collections: count + page + 2 prefetches + the facets (rows once, links and choice lists of
    # technique, sample type, cancer type, therapy class, timepoint, quality label and unit).
    with django_assert_num_queries(19):
        client.get(reverse("collaborations:collection_list"))


@pytest.mark.parametrize("count", [3, 12])
def test_api_lists_run_a_fixed_number_of_queries(
    client, django_assert_num_queries, lab, clinic, count
):
    _many(lab, clinic, count)
    # count + page (unit joined) + one prefetch per vocabulary list the serializer shows (5),
    # and for collections one more for the linked trials; never one query per row.
    with django_assert_num_queries(7):
        client.get("/api/v1/platforms/")
    with django_assert_num_queries(8):
        client.get("/api/v1/collections/")


def test_nct_ids_are_validated_and_normalised(clinic):
    from django.core.exceptions import ValidationError

    collection = make_collection(clinic)
    collection.other_nct_ids = "nct01234567, NCT7654"
    with pytest.raises(ValidationError, match="NCT7654"):
        collection.full_clean()
    collection.other_nct_ids = "nct01234567\nNCT07654321, NCT01234567"
    collection.full_clean()
    collection.save()
    assert SampleCollection.objects.get().nct_ids == ["NCT01234567", "NCT07654321"]


def test_linking_trials_relates_registry_trials_and_keeps_the_others_as_text(clinic):
    from collaborations.services import collection_link_trials
    from tests.factories import make_trial

    in_registry = make_trial("NCT01234567")
    collection = make_collection(clinic)
    collection_link_trials(collection=collection, nct_ids="NCT09999999, nct01234567")
    collection.refresh_from_db()
    assert list(collection.linked_trials.all()) == [in_registry]
    assert list(in_registry.sample_collections.all()) == [collection]
    assert collection.other_nct_ids == "NCT09999999"
    assert collection.nct_ids == ["NCT01234567", "NCT09999999"]
    # Once the registry has the other trial, linking again moves it onto the relation.
    make_trial("NCT09999999")
    collection_link_trials(collection=collection, nct_ids=collection.nct_ids)
    collection.refresh_from_db()
    assert collection.linked_trials.count() == 2 and collection.other_nct_ids == ""


def test_size_band_follows_the_exact_count(clinic):
    for count, band in [(5, 0), (10, 1), (99, 1), (100, 2), (2400, 3), (15000, 4)]:
        collection = make_collection(clinic, slug=f"s{count}", donor_count=count)
        assert collection.size_band == band


def test_curator_sees_suggested_pairs_and_members_do_not(client, member, curator, directory):
    client.force_login(member)
    assert client.get(reverse("collaborations:suggested_pairs")).status_code == 403
    client.force_login(curator)
    page = client.get(reverse("collaborations:suggested_pairs")).content.decode()
    platform, collection = directory
    assert platform.name in page and collection.name in page


def test_demo_data_loads_twice_without_duplicates():
    from collaborations import demo
    from collaborations.models import Platform
    from ion_portal import demo as core_demo

    core_demo.load()
    first = demo.load()
    demo.load()
    assert first["platforms"] >= 10 and first["sample collections"] >= 10
    assert Platform.objects.published().count() == first["platforms"]
    assert SampleCollection.objects.published().count() == first["sample collections"]


def test_sitemap_lists_published_platforms_and_collections(client, directory):
    platform, collection = directory
    body = client.get("/sitemap.xml").content.decode()
    assert platform.get_absolute_url() in body
    assert collection.get_absolute_url() in body
    assert "/collaborations/platforms/" in body


def test_admin_pages_render_for_staff(client, directory):
    from ion_portal.models import User
    from tests.factories import give_second_factor

    admin = User.objects.create_superuser(email="admin@example.org", password="x-long-password-1")
    give_second_factor(admin)
    client.force_login(admin)
    platform, collection = directory
    for url in [
        "/admin/collaborations/platform/",
        f"/admin/collaborations/platform/{platform.pk}/change/",
        "/admin/collaborations/samplecollection/",
        f"/admin/collaborations/samplecollection/{collection.pk}/change/",
        "/admin/collaborations/technique/",
        "/admin/collaborations/techniquesampletype/",
        "/admin/collaborations/collaborationrequest/",
        "/admin/collaborations/savedsearch/",
        "/admin/collaborations/accesscondition/",
    ]:
        assert client.get(url).status_code == 200, url


def test_curators_curate_vocabularies_and_resources_in_admin(client, curator, directory):
    client.force_login(curator)
    platform, _collection = directory
    for url in [
        "/admin/collaborations/techniquesampletype/",
        "/admin/collaborations/technique/add/",
        f"/admin/collaborations/platform/{platform.pk}/change/",
    ]:
        assert client.get(url).status_code == 200, url


def test_linked_trials_open_in_the_registry_when_published(client, clinic):
    from collaborations.services import collection_link_trials
    from tests.factories import make_trial

    make_trial("NCT01234567", brief_title="Adjuvant nivolumab in melanoma")
    make_trial("NCT07654321", publish=False)
    collection = make_collection(clinic)
    collection_link_trials(collection=collection, nct_ids="NCT01234567, NCT07654321, NCT05550001")

    html = client.get(collection.get_absolute_url()).content.decode()

    assert 'href="/trials/NCT01234567/"' in html
    assert "Adjuvant nivolumab in melanoma" in html
    # A draft in the registry is not shown: the link goes to ClinicalTrials.gov instead.
    assert 'href="https://clinicaltrials.gov/study/NCT07654321"' in html
    assert "/trials/NCT07654321/" not in html
    # A trial the registry does not have links to ClinicalTrials.gov too.
    assert 'href="https://clinicaltrials.gov/study/NCT05550001"' in html
