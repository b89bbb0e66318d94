"""One immunotherapy-class code and one meaning of `cancer_type` across trials, collaborations, toxicity
and education, in the pages, the API and the QuerySets."""

from __future__ import annotations

import pytest
from django.utils import timezone

from collaborations.models import SampleCollection
from education.models import Resource
from ion_portal.immunotherapy import TherapyFamily, family_of
from ion_portal.models import CancerType, Unit
from tests.factories import make_detailed_trial
from toxicity.models import Toxicity

pytestmark = pytest.mark.django_db

# The one code, collaborations' old spelling, toxicity's old spelling.
SPELLINGS = ["anti-pd-1", "anti_pd1", "antipd1"]


def _collection(slug, *, classes, cancer=("melanoma",)) -> SampleCollection:
    unit, _ = Unit.objects.get_or_create(
        slug="biobank", defaults={"name": "Biobank", "kind": Unit.Kind.BIOBANK}
    )
    collection = SampleCollection.objects.create(
        slug=slug,
        name=f"Collection {slug}",
        unit=unit,
        summary="Blood of patients on immunotherapy.",
        size_band=1,
        therapy_classes=list(classes),
        status=SampleCollection.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    collection.cancer_types.set(CancerType.objects.filter(slug__in=cancer))
    return collection


def _slugs(response, key="slug"):
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


@pytest.fixture
def pd1_world(db):
    from toxicity import demo

    demo.load()
    pd1_trial = make_detailed_trial(drugs=("pembrolizumab",))
    make_detailed_trial(drugs=("tisagenlecleucel",))
    _collection("pd1-blood", classes=["anti-pd-1", "anti-ctla-4"])
    _collection("car-t-blood", classes=["car-t"])
    return pd1_trial


def test_one_class_code_finds_the_same_trials_collections_and_guidelines(client, pd1_world):
    # One world (demo guidelines loaded once), every spelling: the code and both old spellings.
    for spelling in SPELLINGS:
        _check_spelling(client, pd1_world, spelling)


def _check_spelling(client, pd1_world, spelling):
    trials = client.get("/api/v1/trials/", {"immunotherapy_class": spelling})
    assert _slugs(trials, "nct_id") == [pd1_world.nct_id]
    trial_page = client.get("/trials/", {"immunotherapy_class": spelling})
    assert trial_page.status_code == 200
    assert [t.nct_id for t in trial_page.context["trials"]] == [pd1_world.nct_id]
    collections = client.get("/api/v1/collections/", {"therapy_class": spelling})
    assert _slugs(collections) == ["pd1-blood"]
    page = client.get("/collaborations/collections/", {"therapy_class": spelling})
    assert page.status_code == 200
    assert [c.slug for c in page.context["object_list"]] == ["pd1-blood"]
    assert page.context["filter"].form.cleaned_data["therapy_class"] == ["anti-pd-1"]

    # Toxicity: the guidelines of the class's family (checkpoint inhibitors), whatever the spelling.
    assert family_of(spelling) == TherapyFamily.CHECKPOINT
    guidelines = Toxicity.objects.published().for_therapy_class(spelling)
    expected = Toxicity.objects.published().filter(
        therapy_families__contains="|checkpoint-inhibitor|"
    )
    assert guidelines.exists()
    assert set(guidelines.values_list("slug", flat=True)) == set(
        expected.values_list("slug", flat=True)
    )
    assert not guidelines.filter(slug="cytokine-release-syndrome").exists()


def test_an_unknown_class_code_is_a_400_naming_the_one_codes(client, db):
    response = client.get("/api/v1/collections/", {"therapy_class": "anti-pd-9"})
    assert response.status_code == 400
    assert "anti-pd-1" in str(response.json())
    assert "anti_pd1" not in str(response.json())


def test_collections_store_only_the_core_codes(db):
    from django.core.exceptions import ValidationError

    from collaborations.models import validate_therapy_classes

    validate_therapy_classes(["anti-pd-1", "car-t"])
    with pytest.raises(ValidationError):
        validate_therapy_classes(["anti_pd1"])


def test_openapi_documents_the_old_spellings_as_deprecated(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path, name in [
        ("/api/v1/collections/", "therapy_class"),
        ("/api/v1/trials/", "immunotherapy_class"),
    ]:
        parameter = next(p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name)
        assert "Deprecated" in parameter["description"]
        assert "anti_pd1" in parameter["description"]


def test_a_broader_cancer_type_finds_narrower_ones_in_every_app(client, db):
    nsclc = "non-small-cell-lung-cancer"
    trial = make_detailed_trial(drugs=("pembrolizumab",), cancer_types=(nsclc,))
    _collection("nsclc-tissue", classes=["anti-pd-1"], cancer=(nsclc,))
    _collection("melanoma-blood", classes=["anti-pd-1"])
    resource = Resource.objects.create(
        slug="nsclc-leaflet",
        title="NSCLC leaflet",
        summary="For patients.",
        audience="patients",
        topic=Resource.Topic.SIDE_EFFECTS,
        status="published",
        published_at=timezone.now(),
    )
    resource.cancer_types.set(CancerType.objects.filter(slug=nsclc))
    # The trial is linked to NSCLC only: the broader type must find it by the hierarchy.
    assert list(trial.cancer_types.values_list("slug", flat=True)) == [nsclc]

    lung = {"cancer_type": "lung-cancer"}
    assert _slugs(client.get("/api/v1/trials/", lung), "nct_id") == [trial.nct_id]
    assert _slugs(client.get("/api/v1/collections/", lung)) == ["nsclc-tissue"]
    assert _slugs(client.get("/api/v1/resources/", lung)) == ["nsclc-leaflet"]
    page = client.get("/resources/", lung)
    assert [r.slug for r in page.context["object_list"]] == ["nsclc-leaflet"]
    # A narrower type does not find the broader one's rows.
    assert _slugs(client.get("/api/v1/collections/", {"cancer_type": "melanoma"})) == [
        "melanoma-blood"
    ]
    assert _slugs(client.get("/api/v1/resources/", {"cancer_type": "melanoma"})) == []
