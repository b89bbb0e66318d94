"""Locations and the network's own sites (#13 §1): imported from both formats, shown by country, proposed
network sites that a curator confirms, the country filter, and the public "how to take part" block."""

from __future__ import annotations

import copy
import json
import re

import pytest
from django.urls import reverse

from ion_portal.models import Person, Unit
from trials.filters import invalidate_facet_cache
from trials.models import Trial, TrialLocation, TrialSite
from trials.services import import_paths

from .conftest import CTGOV_DIR

pytestmark = pytest.mark.django_db


def _unit(
    name="Medical oncology", slug="uza-onc", aliases="Universitair Ziekenhuis Antwerpen\nUZA"
):
    return Unit.objects.create(
        name=name, slug=slug, kind="clinical", institution="UZA", aliases=aliases
    )


def _publish(nct_id):
    Trial.objects.filter(nct_id=nct_id).update(
        status=Trial.Status.PUBLISHED, published_at="2020-01-01T00:00:00Z"
    )


def test_legacy_xml_locations_are_imported_with_their_address():
    import_paths(paths=[CTGOV_DIR / "NCT00056407.xml"])
    trial = Trial.objects.get(nct_id="NCT00056407")
    text = (CTGOV_DIR / "NCT00056407.xml").read_text()

    assert trial.locations.count() == text.count("<location>") == 932
    assert trial.locations.filter(country__in=["Belgium", "Netherlands"]).count() == 34
    first = trial.locations.first()
    assert (first.facility, first.city, first.state, first.zip, first.country) == (
        "GSK Investigational Site",
        "Birmingham",
        "Alabama",
        "35209",
        "United States",
    )


def test_v2_locations_keep_status_geo_point_and_only_public_contacts(tmp_path):
    record = json.loads((CTGOV_DIR / "NCT04267848.json").read_text())
    registered = record["protocolSection"]["contactsLocationsModule"]["locations"]
    import_paths(paths=[CTGOV_DIR / "NCT04267848.json"])
    trial = Trial.objects.get(nct_id="NCT04267848")

    assert trial.locations.count() == len(registered) == 1148
    assert trial.locations.filter(latitude__isnull=False).count() == sum(
        1 for loc in registered if loc.get("geoPoint")
    )
    stored = trial.locations.get(position=0)
    assert stored.facility == registered[0]["facility"]
    assert stored.status == registered[0].get("status", "")
    assert stored.latitude == registered[0]["geoPoint"]["lat"]
    for location in trial.locations.exclude(contacts=[]):
        assert all(
            set(c) <= {"name", "role", "phone", "phoneExt", "email"} for c in location.contacts
        )


def test_a_location_matching_a_units_alias_proposes_a_site_that_stays_hidden_until_confirmed(
    client,
):
    unit = _unit()
    import_paths(paths=[CTGOV_DIR / "NCT01029262.xml"])
    _publish("NCT01029262")
    trial = Trial.objects.get(nct_id="NCT01029262")

    proposed = TrialSite.all_objects.get(trial=trial)
    assert proposed.state == TrialSite.State.PROPOSED and proposed.unit == unit
    assert "Universitair Ziekenhuis Antwerpen" in proposed.proposed_from
    assert not trial.sites.exists()  # the public relation sees confirmed sites only
    page = client.get(trial.get_absolute_url()).content.decode()
    assert "network site</span>" not in page
    assert client.get("/api/v1/trials/NCT01029262/").json()["sites"] == []

    proposed.state = TrialSite.State.CONFIRMED
    proposed.save()
    page = client.get(trial.get_absolute_url()).content.decode()
    assert "network site</span>" in page
    assert len(client.get("/api/v1/trials/NCT01029262/").json()["sites"]) == 1


def test_a_confirmed_site_keeps_local_status_pi_and_referral_across_reimports(tmp_path):
    unit = _unit()
    pi = Person.objects.create(first_name="An", last_name="Peeters", email="an@example.org")
    import_paths(paths=[CTGOV_DIR / "NCT01029262.xml"])
    site = TrialSite.all_objects.get(trial__nct_id="NCT01029262")
    site.state = TrialSite.State.CONFIRMED
    site.local_status = "SUSPENDED"
    site.principal_investigator = site.referral_contact = pi
    site.save()

    text = (CTGOV_DIR / "NCT01029262.xml").read_text()
    changed = text.replace("<brief_title>", "<brief_title>Updated: ", 1)
    (tmp_path / "again.xml").write_text(changed)
    report = import_paths(paths=[tmp_path / "again.xml"])

    assert [r.outcome for r in report.results] == ["updated"]
    site = TrialSite.all_objects.get(trial__nct_id="NCT01029262")
    assert (site.state, site.local_status, site.principal_investigator, site.referral_contact) == (
        TrialSite.State.CONFIRMED,
        "SUSPENDED",
        pi,
        pi,
    )
    assert TrialSite.all_objects.filter(unit=unit).count() == 1


def test_a_rejected_proposal_is_not_proposed_again_and_a_vanished_location_withdraws_it(tmp_path):
    _unit()
    import_paths(paths=[CTGOV_DIR / "NCT01029262.xml"])
    TrialSite.all_objects.update(state=TrialSite.State.REJECTED)
    text = (CTGOV_DIR / "NCT01029262.xml").read_text()
    (tmp_path / "a.xml").write_text(text.replace("<brief_title>", "<brief_title>v2 ", 1))
    import_paths(paths=[tmp_path / "a.xml"])
    assert list(TrialSite.all_objects.values_list("state", flat=True)) == ["rejected"]

    TrialSite.all_objects.update(state=TrialSite.State.PROPOSED)
    without = re.sub(
        r"<location>(?:(?!</location>).)*Universitair Ziekenhuis Antwerpen.*?</location>",
        "",
        text,
        flags=re.S,
    )
    (tmp_path / "a.xml").write_text(without.replace("<brief_title>", "<brief_title>v3 ", 1))
    import_paths(paths=[tmp_path / "a.xml"])
    assert not TrialSite.all_objects.exists()


def _record_with_locations(countries):
    record = json.loads((CTGOV_DIR / "NCT00184067.json").read_text())
    record = copy.deepcopy(record)
    record["protocolSection"]["contactsLocationsModule"] = {
        "locations": [
            {
                "facility": f"{facility} hospital",
                "city": "City",
                "country": country,
                "status": "RECRUITING",
            }
            for facility, country in countries
        ]
    }
    return record


def test_the_page_groups_locations_by_country_network_sites_then_belgium_first(tmp_path, client):
    unit = _unit(name="Oncology", slug="amc", aliases="Amsterdam Academic hospital")
    record = _record_with_locations(
        [
            ("Paris", "France"),
            ("Leuven", "Belgium"),
            ("Amsterdam Academic", "Netherlands"),
            ("Berlin", "Germany"),
            ("Utrecht", "Netherlands"),
        ]
    )
    (tmp_path / "r.json").write_text(json.dumps(record))
    import_paths(paths=[tmp_path / "r.json"])
    trial = Trial.objects.get(nct_id="NCT00184067")
    TrialSite.all_objects.filter(unit=unit).update(state=TrialSite.State.CONFIRMED)
    _publish("NCT00184067")

    groups = trial.locations_by_country()
    assert [country for country, _ in groups] == ["Netherlands", "Belgium", "France", "Germany"]
    assert [loc.facility for loc in groups[0][1]] == [
        "Amsterdam Academic hospital",
        "Utrecht hospital",
    ]
    page = client.get(trial.get_absolute_url()).content.decode()
    assert (
        page.index("Netherlands (2 locations)")
        < page.index("Belgium (1 location)")
        < page.index("France")
    )


def test_the_country_filter_works_on_the_list_and_in_the_api(client):
    import_paths(paths=[CTGOV_DIR / "NCT01029262.xml", CTGOV_DIR / "NCT00184067.json"])
    Trial.objects.update(status=Trial.Status.PUBLISHED, published_at="2020-01-01T00:00:00Z")
    invalidate_facet_cache()  # the contract of every bulk write (an update sends no signal)

    api = client.get("/api/v1/trials/", {"country": "belgium", "status": "all"}).json()
    assert [t["nct_id"] for t in api["results"]] == ["NCT01029262"]
    page = client.get(
        reverse("trials:list"), {"country": "Belgium", "status": "all"}
    ).content.decode()
    assert "NCT01029262" in page and "NCT00184067" not in page
    assert TrialLocation.objects.filter(country="Belgium").exists()


@pytest.mark.parametrize(
    ("language", "heading", "doctor"),
    [
        ("en", "How to take part", "Talk to your doctor first"),
        ("nl", "Hoe deelnemen", "Praat eerst met uw arts"),
    ],
)
def test_every_trial_page_says_how_to_take_part_in_both_languages(
    client, language, heading, doctor
):
    unit = _unit()
    import_paths(paths=[CTGOV_DIR / "NCT01029262.xml"])
    _publish("NCT01029262")
    TrialSite.all_objects.update(
        state=TrialSite.State.CONFIRMED,
        public_phone="+32 3 821 30 00",
        public_email="trials@example.org",
    )
    url = Trial.objects.get(nct_id="NCT01029262").get_absolute_url()
    if language == "nl":
        url = "/nl" + url

    page = client.get(url).content.decode()

    assert heading in page and doctor in page
    assert 'href="tel:+3238213000"' in page and "mailto:trials@example.org" in page
    assert unit.name in page
