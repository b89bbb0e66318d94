"""Search that understands: class expansion, Dutch and French cancer-type names, "did you mean",
why a result matched, and the count of matches hidden by the default open view.

The 73 real records are imported once for the module (read-only here)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from ion_portal.immunotherapy import TherapyFamily, classes_in_family
from trials.filters import invalidate_facet_cache
from trials.models import Trial
from trials.search import classes_named, did_you_mean, understand

LIST = reverse("trials:list")


@pytest.fixture(scope="module")
def records(django_db_setup, django_db_blocker, _imported_snapshot):
    """The 73 records imported and published (tests/trials/conftest.py), copied in once for the module
    inside a transaction that is rolled back when the module ends; each test rolls its own changes back."""
    with django_db_blocker.unblock(), transaction.atomic():
        _imported_snapshot.restore()
        yield
        transaction.set_rollback(True)


def found(client, q, **params) -> set[str]:
    response = client.get(LIST, {"q": q, "status": "all", **params})
    assert response.status_code == 200
    return {t.nct_id for t in response.context["paginator"].object_list}


def with_class(*codes) -> set[str]:
    trials = Trial.objects.published().with_immunotherapy_class(*codes)
    return set(trials.values_list("nct_id", flat=True))


def with_cancer_type(slug) -> set[str]:
    return set(
        Trial.objects.published().filter(cancer_types__slug=slug).values_list("nct_id", flat=True)
    )


def test_phrases_name_classes_and_families():
    assert classes_named("PD-1") == ("anti-pd-1",)
    assert classes_named("anti-PD-1") == ("anti-pd-1",)
    assert classes_named("CAR-T") == ("car-t",)
    assert classes_named("checkpoint inhibitors") == tuple(
        classes_in_family(TherapyFamily.CHECKPOINT)
    )
    assert classes_named("other") == ()
    terms = understand("anti PD-1 cancer du poumon")
    assert [(t.text, t.classes, t.cancer_types) for t in terms] == [
        ("anti PD-1", ("anti-pd-1",), ()),
        ("cancer du poumon", (), ("lung-cancer",)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["PD-1", "anti-PD-1", "anti PD-1"])
def test_class_names_find_the_trials_of_that_class(client, records, q):
    expected = with_class("anti-pd-1")
    assert expected
    assert expected <= found(client, q)


@pytest.mark.django_db
def test_checkpoint_inhibitor_finds_every_checkpoint_class(client, records):
    expected = with_class(*classes_in_family(TherapyFamily.CHECKPOINT))
    assert expected - with_class("anti-pd-1")  # more than anti-PD-1 alone
    assert expected <= found(client, "checkpoint inhibitor")


@pytest.mark.django_db
def test_car_t_finds_car_t_trials(client, records):
    trial = Trial.objects.published().first()
    Trial.objects.filter(pk=trial.pk).update(immunotherapy_classes="|car-t|")
    invalidate_facet_cache()
    assert found(client, "CAR-T") >= {trial.nct_id}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("longkanker", "lung-cancer"),
        ("melanoom", "melanoma"),
        ("borstkanker", "breast-cancer"),
        ("cancer du sein", "breast-cancer"),
        ("mélanome", "melanoma"),
    ],
)
def test_dutch_and_french_cancer_names_find_trials(client, records, q, slug):
    expected = with_cancer_type(slug)
    assert expected
    assert expected <= found(client, q)


@pytest.mark.django_db
def test_cancer_type_labels_in_the_filters_are_translated(client, records):
    with translation.override("nl"):  # the request activates Dutch; the override restores
        url = reverse("trials:list")
        assert url.startswith("/nl/")
        response = client.get(url, {"status": "all"})
    labels = {i["value"]: i["label"] for i in response.context["facets"]["cancer_type"]}
    assert labels["lung-cancer"] == "Longkanker"
    assert labels["melanoma"] == "Melanoom"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "meant"), [("pembrolizumb", "pembrolizumab"), ("melanomma", "melanoma")]
)
def test_did_you_mean_suggests_a_vocabulary_word(client, records, typed, meant):
    assert did_you_mean(typed) == meant
    response = client.get(LIST, {"q": "melanomma", "status": "all"})
    assert response.context["result_count"] == 0
    assert "Did you mean:" in response.text
    assert "q=melanoma" in response.context["suggestion_query"]


@pytest.mark.django_db
def test_did_you_mean_keeps_known_words():
    assert did_you_mean("melanoma") is None
    assert did_you_mean("NCT01234567") is None


@pytest.mark.django_db
def test_results_say_why_they_matched(client, records):
    response = client.get(LIST, {"q": "melanoma", "status": "all"})
    trials = list(response.context["trials"])
    assert trials
    for trial in trials:
        assert trial.match_reasons, trial.nct_id
    assert "<mark>Melanoma</mark>" in response.text or "<mark>melanoma</mark>" in response.text

    response = client.get(LIST, {"q": "longkanker", "status": "all"})
    assert "Cancer type: <mark>Lung cancer</mark>" in response.text

    response = client.get(LIST, {"q": "Keytruda", "status": "all"})
    assert "<mark>Keytruda</mark>" in response.text


@pytest.mark.django_db
def test_default_view_says_how_many_more_match_in_other_statuses(client, records):
    everything = found(client, "nivolumab")
    response = client.get(LIST, {"q": "nivolumab"})
    shown = response.context["result_count"]
    hidden = len(everything) - shown
    assert hidden > 0
    assert response.context["hidden_by_status"] == hidden
    assert f"{hidden} more trials match in other statuses" in response.text
    assert "status=all" in response.context["show_all_query"]
    # Nothing is hidden once every status is shown.
    assert client.get(LIST, {"q": "nivolumab", "status": "all"}).context["hidden_by_status"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "code"), [("PD-1", "anti-pd-1"), ("checkpoint inhibitor", None)])
def test_the_api_search_understands_classes(client, records, q, code):
    classes = [code] if code else classes_in_family(TherapyFamily.CHECKPOINT)
    expected = with_class(*classes)
    response = client.get("/api/v1/trials/", {"q": q, "page_size": 100})
    assert response.status_code == 200
    assert expected <= {t["nct_id"] for t in response.json()["results"]}


@pytest.mark.django_db
def test_the_api_search_understands_dutch_cancer_names(client, records):
    response = client.get("/api/v1/trials/", {"q": "longkanker", "page_size": 100})
    assert with_cancer_type("lung-cancer") <= {t["nct_id"] for t in response.json()["results"]}
