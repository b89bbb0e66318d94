"""Public pages: list (default view, search, facets, filters, errors), trial page, 404s, CSV, feed, sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.urls import reverse

from ion_portal.models import Person, Unit
from tests.factories import make_trial
from trials.exports import COLUMNS, check_complete
from trials.models import Intervention, Trial, TrialSite

LIST = reverse("trials:list")


def nct_ids(response) -> list[str]:
    return [t.nct_id for t in response.context["trials"]]


@pytest.mark.django_db
def test_default_view_lists_published_trials_open_to_recruitment(client):
    make_trial("NCT00000001", overall_status="RECRUITING")
    make_trial("NCT00000002", overall_status="NOT_YET_RECRUITING")
    make_trial("NCT00000003", overall_status="COMPLETED")
    make_trial("NCT00000004", overall_status="RECRUITING", publish=False)

    response = client.get(LIST)

    assert response.status_code == 200
    assert nct_ids(response) == ["NCT00000001"]
    assert "1 trial found" in response.text


@pytest.mark.django_db
def test_status_groups_and_codes_filter_the_list(client):
    make_trial("NCT00000001", overall_status="RECRUITING")
    make_trial("NCT00000002", overall_status="NOT_YET_RECRUITING")
    make_trial("NCT00000003", overall_status="COMPLETED")

    assert nct_ids(client.get(LIST, {"status": "not_yet_open"})) == ["NCT00000002"]
    assert nct_ids(client.get(LIST, {"status": "closed"})) == ["NCT00000003"]
    assert sorted(nct_ids(client.get(LIST, {"status": "all"}))) == [
        "NCT00000001",
        "NCT00000002",
        "NCT00000003",
    ]
    assert nct_ids(client.get(LIST, {"status": "COMPLETED"})) == ["NCT00000003"]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["pembrolizumab", "Keytruda", "MK-3475", "NCT04267848"])
def test_search_finds_pembrolizumab_trials_by_name_brand_code_and_id(client, imported, term):
    found = nct_ids(client.get(LIST, {"q": term, "status": "all"}))

    assert "NCT04267848" in found
    assert "NCT01642004" not in found  # a nivolumab trial


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram similarity is PostgreSQL-only"
)
def test_search_tolerates_a_misspelt_drug_name_on_postgresql(client, imported):
    assert "NCT04267848" in nct_ids(client.get(LIST, {"q": "pembrolizumb", "status": "all"}))


@pytest.mark.django_db
def test_phase_1_2_trial_matches_phase_1_and_phase_2_filters(client):
    make_trial("NCT00000012", phases=["PHASE1", "PHASE2"])
    make_trial("NCT00000003", phases=["PHASE3"])

    assert nct_ids(client.get(LIST, {"phase": "PHASE1"})) == ["NCT00000012"]
    assert nct_ids(client.get(LIST, {"phase": "PHASE2"})) == ["NCT00000012"]
    assert sorted(nct_ids(client.get(LIST, {"phase": ["PHASE2", "PHASE3"]}))) == [
        "NCT00000003",
        "NCT00000012",
    ]


@pytest.mark.django_db
def test_facet_counts_equal_the_results_behind_them(client, imported):
    response = client.get(LIST, {"status": "all"})
    facets = response.context["facets"]
    checked = 0
    for name in ("status", "phase", "cancer_type", "immunotherapy_class", "site"):
        for item in facets[name]:
            params = {"status": "all", name: item["value"]}
            behind = client.get(LIST, params).context["paginator"].count
            assert behind == item["count"], (name, item)
            checked += 1
    assert checked > 20
    assert any(item["count"] for item in facets["phase"])
    assert any(item["count"] for item in facets["cancer_type"])


@pytest.mark.django_db
def test_facet_counts_follow_the_other_filters(client, imported):
    facets = client.get(LIST, {"status": "all", "q": "nivolumab"}).context["facets"]
    total = client.get(LIST, {"status": "all", "q": "nivolumab"}).context["paginator"].count

    assert next(f for f in facets["status"] if f["value"] == "all")["count"] == total


@pytest.mark.django_db
def test_age_filter_keeps_trials_without_an_upper_limit(client):
    make_trial("NCT00000001", minimum_age_days=18 * 365, maximum_age_days=None)
    make_trial("NCT00000002", minimum_age_days=18 * 365, maximum_age_days=65 * 365)
    make_trial("NCT00000003", minimum_age_days=None, maximum_age_days=17 * 365)

    assert sorted(nct_ids(client.get(LIST, {"age": 70}))) == ["NCT00000001"]
    assert sorted(nct_ids(client.get(LIST, {"age": 65}))) == ["NCT00000001", "NCT00000002"]
    assert sorted(nct_ids(client.get(LIST, {"age": 10}))) == ["NCT00000003"]


@pytest.mark.django_db
def test_sex_filter_keeps_trials_open_to_all(client):
    make_trial("NCT00000001", sex="ALL")
    make_trial("NCT00000002", sex="FEMALE")
    make_trial("NCT00000003", sex="MALE")

    assert sorted(nct_ids(client.get(LIST, {"sex": "FEMALE"}))) == ["NCT00000001", "NCT00000002"]


@pytest.mark.django_db
def test_unknown_filter_values_are_reported_with_the_allowed_values(client):
    make_trial("NCT00000001")

    response = client.get(LIST, {"phase": "PHASE9"})

    assert response.status_code == 200
    assert "Unknown value PHASE9. Allowed values: EARLY_PHASE1, PHASE1, PHASE2" in response.text


@pytest.mark.django_db
def test_an_invalid_filter_shows_the_whole_list_not_a_mix(client):
    # The one rule (ion_portal/listing.py): name the filter and why, show the unfiltered list. A valid
    # filter beside the invalid one is not applied either, and every status is shown.
    make_trial("NCT00000001", phases=["PHASE2"])
    make_trial("NCT00000002", phases=["PHASE3"], overall_status="COMPLETED")

    response = client.get(LIST, {"phase": "PHASE2", "sex": "NOBODY"})

    assert response.status_code == 200
    assert "Some filters were not understood, so the whole list is shown:" in response.text
    assert "Patient&#x27;s sex: " in response.text or "Patient's sex: " in response.text
    assert sorted(nct_ids(response)) == ["NCT00000001", "NCT00000002"]


@pytest.mark.django_db
def test_sorting_by_start_date_and_last_update(client):
    make_trial("NCT00000001", start_date="2020-01-01", last_update_posted="2024-01-01")
    make_trial("NCT00000002", start_date="2022-01-01", last_update_posted="2023-01-01")

    assert nct_ids(client.get(LIST, {"ordering": "start_date"})) == ["NCT00000002", "NCT00000001"]
    assert nct_ids(client.get(LIST, {"ordering": "last_update"})) == ["NCT00000001", "NCT00000002"]


@pytest.mark.django_db
def test_empty_state_explains_what_to_do(client):
    response = client.get(LIST, {"q": "nothing-matches-this"})

    assert "0 trials found" in response.text
    assert "No trials match these filters." in response.text


@pytest.mark.django_db
def test_pagination_keeps_the_filters_in_the_links(client):
    for n in range(25):
        make_trial(f"NCT000000{n:02d}", phases=["PHASE2"])

    response = client.get(LIST, {"phase": "PHASE2"})

    assert len(response.context["trials"]) == 20
    assert 'href="?phase=PHASE2&amp;page=2"' in response.text


@pytest.mark.django_db
def test_the_listing_fragment_is_the_listing_only(client):
    make_trial("NCT00000001")

    response = client.get(LIST, {"fragment": "listing"})

    assert "<html" not in response.text
    assert "NCT00000001" in response.text and "result-count" in response.text


@pytest.mark.django_db
def test_list_page_query_count_is_fixed(client, django_assert_num_queries):
    unit = Unit.objects.create(name="Oncology", slug="onc", kind="clinical", institution="UH")
    for n in range(15):
        trial = make_trial(
            f"NCT000000{n:02d}", phases=["PHASE2"], immunotherapy_classes=["anti-pd-1"]
        )
        TrialSite.objects.create(trial=trial, unit=unit, local_status="RECRUITING")
        Intervention.objects.create(trial=trial, type="DRUG", name="Pembrolizumab")
    # The facet copy's token with the names of cancer types and units (1 statement: the counts
    # come from the in-memory copy of the facet rows, trials/facet_index.py; it was 1 facet
    # statement over the narrow rows, and before that count + 5 facet queries: 10, then 6) + the
    # page's rows by id + 3 prefetches (interventions with drugs, their arms, sites with units);
    # independent of the number of trials shown. The first request after the writes also reads
    # the copy again (its token, the facet rows, the ids in list order, the id pairs: 4).
    with django_assert_num_queries(5 + 4):
        client.get(LIST)
    with django_assert_num_queries(5):
        client.get(LIST, {"phase": "PHASE2"})


@pytest.mark.django_db
def test_search_page_query_count_is_fixed(client, django_assert_num_queries):
    for n in range(15):
        make_trial(
            f"NCT000000{n:02d}",
            brief_title=f"Melanoma trial {n}",
            conditions=["Melanoma"],
            immunotherapy_classes=["anti-pd-1"],
        )
    # The list page's 5 (was 10 with a COUNT and five facet queries, 6 with two) - the arms prefetch (these trials
    # have no interventions) + the cancer-type prefetch that says why each result matched (saying why runs no query
    # per result). The counts and the page's ids come from the facet copy (trials/facet_index.py) and
    # the query's matches (trials/search_matches.py): the first request after the writes reads the copy
    # (4) and matches the query once (1, + on PostgreSQL the trigram look-up of drug names in the
    # small Drug table); every other filter with the same query then costs no search statement.
    with django_assert_num_queries(5 + 4 + 1 + (connection.vendor == "postgresql")):
        response = client.get(LIST, {"q": "PD-1 melanoma"})
    assert len(response.context["trials"]) == 15
    assert all(t.match_reasons for t in response.context["trials"])
    with django_assert_num_queries(5):
        response = client.get(LIST, {"q": "PD-1 melanoma", "age": 50, "sex": "FEMALE"})
    assert response.context["paginator"].count == 15


@pytest.mark.django_db
def test_detail_page_shows_the_trial_with_its_sites_and_json_ld(client):
    from trials.services import import_paths

    from .conftest import CTGOV_DIR

    import_paths(paths=[CTGOV_DIR / "NCT04267848.json"])
    trial = Trial.objects.get()
    trial.status = Trial.Status.PUBLISHED
    trial.save()
    unit = Unit.objects.create(
        name="Respiratory Medicine", slug="resp", kind="clinical", institution="UH"
    )
    pi = Person.objects.create(first_name="Ann", last_name="Lee", email="ann@example.org")
    TrialSite.objects.create(
        trial=trial,
        unit=unit,
        local_status="RECRUITING",
        principal_investigator=pi,
        referral_contact=pi,
    )

    response = client.get(trial.get_absolute_url())

    assert response.status_code == 200
    text = response.text
    assert "Respiratory Medicine" in text and "Ann Lee" in text
    assert "ann@example.org" not in text  # contact details are for members
    assert "https://clinicaltrials.gov/study/NCT04267848" in text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "MedicalTrial"
    assert data["code"]["codeValue"] == "NCT04267848"
    assert data["status"] == "https://schema.org/Recruiting"


@pytest.mark.django_db
def test_members_see_referral_contact_details(member_client):
    trial = make_trial("NCT00000001")
    unit = Unit.objects.create(name="Oncology", slug="onc", kind="clinical", institution="UH")
    pi = Person.objects.create(first_name="Ann", last_name="Lee", email="ann@example.org")
    TrialSite.objects.create(trial=trial, unit=unit, local_status="RECRUITING", referral_contact=pi)

    assert "ann@example.org" in member_client.get(trial.get_absolute_url()).text


@pytest.mark.django_db
def test_eligibility_criteria_are_rendered_safely(client):
    trial = make_trial(
        "NCT00000001", eligibility_criteria="Inclusion:\n* <script>alert(1)</script> adults"
    )

    text = client.get(trial.get_absolute_url()).text

    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.django_db
def test_detail_page_query_count_is_fixed(client, django_assert_num_queries):
    trial = make_trial("NCT00000001")
    unit = Unit.objects.create(name="Oncology", slug="onc", kind="clinical", institution="UH")
    TrialSite.objects.create(trial=trial, unit=unit, local_status="RECRUITING")
    # trial + 4 prefetches (cancer types, interventions with drugs, sites with unit and people,
    # registered locations; arm groups come with the interventions, none here) + the trial's
    # upstream change history (one query, at most HISTORY_SIZE rows).
    with django_assert_num_queries(6):
        client.get(trial.get_absolute_url())


@pytest.mark.django_db
@pytest.mark.parametrize("nct_id", ["NCT99999999", "NCT00000002", "not-an-id"])
def test_unknown_or_unpublished_trial_is_a_404(client, nct_id):
    make_trial("NCT00000002", publish=False)

    assert client.get(f"/trials/{nct_id}/").status_code == 404


@pytest.mark.django_db
def test_csv_has_every_matching_row_not_one_page(client):
    for n in range(25):
        make_trial(f"NCT000000{n:02d}", phases=["PHASE2"], brief_title=f"=cmd|{n}")
    make_trial("NCT00000099", phases=["PHASE3"])
    make_trial("NCT00000098", phases=["PHASE2"], publish=False)

    response = client.get(reverse("trials:csv"), {"phase": "PHASE2"})

    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    assert text.endswith("# end of export: 25 trials\r\n")
    rows = check_complete(text)
    assert rows[0] == COLUMNS
    assert len(rows) == 26
    assert {r[0] for r in rows[1:]} == {f"NCT000000{n:02d}" for n in range(25)}
    assert rows[1][COLUMNS.index("brief_title")].startswith("'=")  # no spreadsheet formulas
    assert rows[1][COLUMNS.index("phases")] == "PHASE2"


@pytest.mark.django_db
def test_feed_is_valid_atom_with_published_trials_only(client):
    make_trial("NCT00000001")
    make_trial("NCT00000002", publish=False)

    response = client.get(reverse("trials:feed"))

    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = root.findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == [
        "NCT00000001: Trial NCT00000001"
    ]
    assert all(
        e.find("a:updated", ns) is not None and e.find("a:id", ns) is not None for e in entries
    )


@pytest.mark.django_db
def test_sitemap_lists_published_trials_only(client):
    make_trial("NCT00000001")
    make_trial("NCT00000002", publish=False)

    text = client.get("/sitemap.xml").text

    assert "/trials/NCT00000001/" in text
    assert "/trials/NCT00000002/" not in text


@pytest.mark.django_db
def test_home_page_shows_the_number_of_open_trials(client):
    make_trial("NCT00000001")
    make_trial("NCT00000002")
    make_trial("NCT00000003", overall_status="COMPLETED")

    assert "2 immunotherapy trials are open to recruitment" in client.get("/").text


@pytest.mark.django_db
def test_cached_facet_counts_follow_a_newly_published_trial(client):
    make_trial("NCT00000001", phases=["PHASE2"])
    first = client.get(LIST).context["facets"]
    draft = make_trial("NCT00000002", phases=["PHASE2"], publish=False)
    assert client.get(LIST).context["facets"] == first  # served from the cache, nothing changed

    draft.status = Trial.Status.PUBLISHED
    draft.save()

    phase2 = next(f for f in client.get(LIST).context["facets"]["phase"] if f["value"] == "PHASE2")
    assert phase2["count"] == 2


@pytest.mark.django_db
def test_eligibility_markdown_is_rendered_and_split_into_inclusion_and_exclusion(client):
    criteria = (
        "Inclusion Criteria:\n\n* Age \\>= 18 years\n* Tumour tissue \\[RNA\\] available\n\n"
        "Exclusion Criteria:\n\n* Prior anti-PD-1 =\\< 7 days before\n* <img src=x onerror=alert(1)>"
    )
    trial = make_trial("NCT00000001", eligibility_criteria=criteria, minimum_age="18 Years")

    text = client.get(trial.get_absolute_url()).text

    inclusion = text[text.index("Inclusion criteria") : text.index("Exclusion criteria")]
    exclusion = text[text.index("Exclusion criteria") :]
    assert "<li>Age &gt;= 18 years</li>" in inclusion
    assert "<li>Tumour tissue [RNA] available</li>" in inclusion
    assert "Prior anti-PD-1 =&lt; 7 days before" in exclusion
    assert "\\&gt;" not in text and "\\[" not in text
    assert "<img" not in text
    assert "18 years and older" in text


@pytest.mark.django_db
def test_age_unit_is_translated(client):
    from django.utils import translation

    trial = make_trial("NCT00000001", minimum_age="18 Years", maximum_age="6 Months")
    with translation.override("nl"):
        url = trial.get_absolute_url()
        assert Trial.objects.get(pk=trial.pk).age_range_display == "18 jaar tot 6 maanden"
        assert "18 jaar" in client.get(url).text
