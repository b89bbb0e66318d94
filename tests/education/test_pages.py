"""The pages of the education section: lists with their filters, details, patient pages, home block, SEO."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from education.models import Event, Resource, ResourceVariant
from ion_portal.models import CancerType
from tests.factories import make_event, make_news, make_resource

pytestmark = pytest.mark.django_db


def test_agenda_shows_upcoming_events_soonest_first_and_past_ones_in_the_archive(client):
    now = timezone.now()
    make_event("later", start=now + datetime.timedelta(days=20))
    make_event("sooner", start=now + datetime.timedelta(days=2))
    make_event("finished", start=now - datetime.timedelta(days=3))

    upcoming = client.get("/events/").content.decode()
    archive = client.get("/events/past/").content.decode()

    assert upcoming.index("Event sooner") < upcoming.index("Event later")
    assert "Event finished" not in upcoming
    assert "Event finished" in archive
    assert "Event sooner" not in archive


def test_an_event_in_progress_is_still_upcoming(client):
    make_event("running", start=timezone.now() - datetime.timedelta(hours=1), hours=3)

    assert "Event running" in client.get("/events/").content.decode()


def test_agenda_filters_by_type_and_audience(client):
    make_event("patients-webinar", event_type=Event.Type.WEBINAR, audience="patients")
    make_event("pro-webinar", event_type=Event.Type.WEBINAR, audience="professionals")
    make_event("patients-session", event_type=Event.Type.PATIENT_SESSION, audience="patients")

    html = client.get("/events/?type=webinar&audience=patients").content.decode()

    assert "Event patients-webinar" in html
    assert "Event pro-webinar" not in html
    assert "Event patients-session" not in html


def test_agenda_with_an_unknown_filter_value_says_so_and_shows_the_whole_list(client):
    # The one rule of ion_portal.listing: name the filter that was not understood, show everything.
    make_event("seminar")
    make_event("webinar", audience="patients")

    response = client.get("/events/?type=party&audience=patients")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Some filters were not understood, so the whole list is shown" in html
    assert "party" in html
    assert "Event seminar" in html and "Event webinar" in html


def test_event_detail_shows_time_in_the_event_time_zone_and_accreditation(client):
    start = datetime.datetime(2030, 1, 14, 17, 0, tzinfo=datetime.UTC)
    make_event(
        "seminar",
        start=start,
        accreditation_system=Event.Accreditation.RIZIV,
        accreditation_points=1.5,
        registration_url="https://example.org/register",
    )

    html = client.get("/events/seminar/").content.decode()

    assert "18:00" in html  # 17:00 UTC is 18:00 in Brussels in January
    assert "1.5 RIZIV/INAMI credit points" in html
    assert 'href="/events/seminar/calendar.ics"' in html
    assert 'href="https://example.org/register"' in html


def test_news_list_and_detail(client):
    make_news("older", published_at=timezone.now() - datetime.timedelta(days=3))
    make_news("newer", title="Newest news", language="nl")

    listing = client.get("/news/").content.decode()
    detail = client.get("/news/newer/").content.decode()

    assert listing.index("News newer".replace("News newer", "Newest news")) < listing.index(
        "News older"
    )
    assert '<article class="news-article" lang="nl">' in detail
    assert "<p>Second paragraph.</p>" in detail


def test_resource_library_filters_by_audience_topic_cancer_type_and_language(client):
    melanoma = CancerType.objects.get(slug="melanoma")
    leaflet = make_resource("melanoma-leaflet", languages=("en", "fr"))
    leaflet.cancer_types.add(melanoma)
    make_resource("pro-slides", audience="professionals", topic=Resource.Topic.TREATMENT)
    make_resource("dutch-only", languages=("nl",))

    def titles(query):
        html = client.get(f"/resources/?{query}").content.decode()
        return {slug for slug in ("melanoma-leaflet", "pro-slides", "dutch-only") if slug in html}

    assert titles("audience=professionals") == {"pro-slides"}
    assert titles("topic=treatment") == {"pro-slides"}
    assert titles("cancer_type=melanoma") == {"melanoma-leaflet"}
    assert titles("language=fr") == {"melanoma-leaflet"}
    assert titles("language=nl&audience=patients") == {"dutch-only"}


def test_each_resource_lists_its_languages(client):
    resource = make_resource("guide", languages=("en", "nl"))
    ResourceVariant.objects.create(resource=resource, language="pl", url="https://example.org/pl")

    listing = client.get("/resources/").content.decode()
    detail = client.get("/resources/guide/").content.decode()

    assert 'href="/resources/guide/en/file/" hreflang="en">English</a>' in listing
    assert 'href="https://example.org/pl" hreflang="pl">Polish</a>' in listing
    for language in ("English", "Dutch", "Polish"):
        assert f'<th scope="row">{language}</th>' in detail


def test_patient_pages_link_to_resources_and_side_effects(client):
    about = client.get("/patients/immuno-oncology/").content.decode()
    side_effects = client.get("/patients/side-effects/").content.decode()

    assert "T cells" in about
    assert 'href="/patients/side-effects/"' in about
    assert "Call 112" in side_effects
    assert "/resources/?audience=patients&amp;topic=side-effects" in side_effects


def test_side_effects_page_links_to_the_toxicity_section(client):
    from django.urls import reverse

    html = client.get("/patients/side-effects/").content.decode()
    assert f'href="{reverse("toxicity:index")}"' in html


def test_side_effects_page_lists_published_patient_leaflets_about_side_effects(client):
    make_resource("colitis-leaflet", title="Colitis leaflet")
    make_resource("draft-leaflet", title="Draft leaflet", status="draft")

    html = client.get("/patients/side-effects/").content.decode()

    assert "Colitis leaflet" in html
    assert "Draft leaflet" not in html


def test_home_page_shows_latest_news_and_next_events(client):
    make_news("hello", title="Hello network")
    make_event("next-seminar", title="Next seminar")
    make_event(
        "old-seminar", title="Old seminar", start=timezone.now() - datetime.timedelta(days=5)
    )

    html = client.get("/").content.decode()

    assert "Hello network" in html
    assert "Next seminar" in html
    assert "Old seminar" not in html


def test_pages_have_meta_description_and_open_graph_tags(client):
    make_event("seminar", summary="A seminar about checkpoint inhibitors.")

    html = client.get("/events/seminar/").content.decode()

    assert '<meta name="description" content="A seminar about checkpoint inhibitors.">' in html
    assert '<meta property="og:title" content="Event seminar">' in html
    assert '<meta property="og:url" content="http://testserver/events/seminar/">' in html
    assert 'hreflang="nl"' in html


def test_sitemap_lists_published_items_with_language_alternates(client):
    make_news("hello")
    make_event("seminar")
    make_resource("leaflet")

    xml = client.get("/sitemap.xml").content.decode()

    for path in (
        "/news/hello/",
        "/events/seminar/",
        "/resources/leaflet/",
        "/patients/side-effects/",
    ):
        assert f"{path}</loc>" in xml
    assert '/nl/events/seminar/"' in xml
    assert "draft" not in xml


def test_dutch_pages_are_translated(client):
    html = client.get("/nl/events/").content.decode()

    assert "<h1>Agenda</h1>" in html
    assert "Binnenkort" in html
    assert "Filters toepassen" in html


@pytest.mark.parametrize("count", [1, 12])
def test_news_list_query_count_does_not_grow_with_items(client, django_assert_num_queries, count):
    for index in range(count):
        make_news(f"news-{index}")
    # 1 count for the paginator + 1 page of items with their author (select_related).
    with django_assert_num_queries(2):
        assert client.get("/news/").status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_agenda_query_count_does_not_grow_with_events(client, django_assert_num_queries, count):
    for index in range(count):
        make_event(f"event-{index}")
    # 1 count for the paginator + 1 page of events.
    with django_assert_num_queries(2):
        assert client.get("/events/").status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_resource_list_query_count_does_not_grow_with_resources(
    client, django_assert_num_queries, count
):
    for index in range(count):
        make_resource(f"resource-{index}", languages=("en", "nl"))
    # count + page + prefetched cancer types + prefetched variants + the cancer types of the filter form.
    with django_assert_num_queries(5):
        assert client.get("/resources/").status_code == 200
