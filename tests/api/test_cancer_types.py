"""/api/v1/cancer-types/: the vocabulary with broader type, ICD-10 codes and synonyms."""

from __future__ import annotations

import pytest

from ion_portal.models import CancerType

pytestmark = pytest.mark.django_db


def test_cancer_type_list_has_parent_slug_codes_and_synonyms(client):
    lung, _ = CancerType.objects.get_or_create(slug="zz-lung", defaults={"name": "ZZ Lung"})
    CancerType.objects.create(
        name="ZZ NSCLC", slug="zz-nsclc", parent=lung, icd10="C34.0, C34.1", synonyms="NSCLC\n"
    )
    response = client.get("/api/v1/cancer-types/zz-nsclc/")
    assert response.status_code == 200
    assert response.json() == {
        "url": "http://testserver/api/v1/cancer-types/zz-nsclc/",
        "slug": "zz-nsclc",
        "name": "ZZ NSCLC",
        "parent": "zz-lung",
        "icd10": ["C34.0", "C34.1"],
        "synonyms": ["NSCLC"],
    }


def test_cancer_type_list_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    parent = CancerType.objects.create(name="ZZ Parent", slug="zz-parent")
    for i in range(30):
        CancerType.objects.create(name=f"ZZ child {i}", slug=f"zz-child-{i}", parent=parent)
    # COUNT for the paginator + one SELECT joining the parent: constant, however many rows.
    with django_assert_num_queries(2):
        response = client.get("/api/v1/cancer-types/?page_size=100")
    assert response.status_code == 200
    assert response.json()["count"] == CancerType.objects.count()
