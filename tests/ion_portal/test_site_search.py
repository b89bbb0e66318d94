"""/search/: one results page across the sections, published items only, never a member-only field."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation

from ion_portal.models import Person
from ion_portal.search import SECTIONS, site_search
from tests.factories import (
    make_collection,
    make_event,
    make_news,
    make_platform,
    make_resource,
    make_toxicity,
    make_trial,
    make_unit,
)
from trials.models import TrialSite

pytestmark = pytest.mark.django_db

WORD = "zebrafinch"


@pytest.fixture
def searchable():
    """In every section one published item with WORD, one draft with WORD, and where a section has
    member-only fields, a published item with WORD only in such a field."""
    today = timezone.localdate()
    reviewer = Person.objects.create(first_name="Rita", last_name="Reviewer")
    secret = Person.objects.create(
        first_name="Sam", last_name="Contact", email=f"{WORD}@hospital.example"
    )
    found = {
        "trials": make_trial(brief_title=f"Pembrolizumab in {WORD} melanoma"),
        "guidelines": make_toxicity(
            name=f"{WORD.capitalize()} dermatitis",
            status="published",
            reviewer=reviewer,
            reviewed_on=today - datetime.timedelta(days=10),
        ),
        "platforms": make_platform(name=f"{WORD.capitalize()} cytometry", status="published"),
        "collections": make_collection(summary=f"Blood of {WORD} patients", status="published"),
        "news": make_news(title=f"{WORD.capitalize()} award", status="published"),
        "events": make_event(summary=f"A seminar on {WORD} biology"),
        "resources": make_resource(title=f"{WORD.capitalize()} leaflet", languages=()),
    }
    # Drafts and scheduled items never appear.
    make_trial(brief_title=f"Draft {WORD} trial", status="draft")
    make_toxicity(name=f"Draft {WORD} colitis")
    make_platform(name=f"Draft {WORD} platform", published=False)
    make_collection(name=f"Draft {WORD} collection", published=False)
    make_news(
        title=f"Scheduled {WORD} news",
        status="published",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )
    make_event(title=f"Draft {WORD} event", status="draft")
    make_resource(title=f"Draft {WORD} resource", status="draft", languages=())
    # Member-only fields: a platform's contact, a trial site's referral address.
    make_platform(name="Imaging core", status="published", contact=secret)
    hidden_trial = make_trial(brief_title="A trial about something else")
    TrialSite.objects.create(
        trial=hidden_trial,
        unit=make_unit(),
        local_status="RECRUITING",
        referral_email=f"{WORD}-desk@hospital.example",
        referral_contact=secret,
    )
    return found


def test_finds_the_published_item_of_every_section_and_nothing_else(searchable):
    results = {found.section.key: found.results for found in site_search(WORD)}
    assert set(results) == {section.key for section in SECTIONS}
    for key, item in searchable.items():
        assert results[key] == [item], key


def test_results_page_groups_by_section_with_links(client, searchable):
    html = client.get("/search/", {"q": WORD}).content.decode()
    for key, item in searchable.items():
        assert f'data-section="{key}"' in html
        assert f'href="{item.get_absolute_url()}"' in html
    assert "Draft" not in html and "Scheduled" not in html
    assert "hospital.example" not in html
    assert html.index('data-section="trials"') < html.index('data-section="resources"')


def test_results_page_in_dutch(client, searchable):
    with translation.override("en"):
        html = client.get("/nl/search/", {"q": WORD}).content.decode()
    assert "Zoeken op de site" in html
    assert 'data-section="guidelines"' in html
    assert '<h2 id="results-guidelines">Richtlijnen bijwerkingen</h2>' in html


def test_header_on_every_page_has_the_search_form(client):
    for url in ("/", "/about/", "/contact/", "/trials/"):
        html = client.get(url).content.decode()
        assert 'role="search"' in html and 'action="/search/"' in html, url
        assert '<label class="visually-hidden" for="site-search-q">' in html, url


def test_empty_or_unmatched_query(client, searchable):
    assert client.get("/search/").status_code == 200
    html = client.get("/search/", {"q": "nothingmatchesthis"}).content.decode()
    assert "Nothing found for" in html


def test_each_section_costs_one_query(searchable, django_assert_num_queries):
    # One query per section, however many rows match: the results are links and summaries only. The
    # guidelines cost one more: their ranked search reads the published guidelines to score them, then
    # returns the hits as a QuerySet in rank order. On PostgreSQL the trial search also looks up drug
    # names that resemble the words (trigram, in the small Drug table), as on the trials page.
    with django_assert_num_queries(len(SECTIONS) + 1 + (connection.vendor == "postgresql")):
        site_search(WORD)
