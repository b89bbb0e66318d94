"""The collaborations admin edits its lists of codes as checkboxes (no raw JSON) and saves lists."""

from __future__ import annotations

import pytest

from tests.admin_helpers import admin_form_data
from tests.factories import make_collection, make_platform

pytestmark = pytest.mark.django_db


def test_platform_therapy_classes_are_checkboxes_and_save_as_a_list(lab, curator_client):
    platform = make_platform(lab, therapy_classes=["anti-pd-1"])
    url = f"/admin/collaborations/platform/{platform.pk}/change/"
    response = curator_client.get(url)
    page = response.content.decode()
    assert 'type="checkbox" name="therapy_classes" value="anti-pd-1"' in page
    assert "[&quot;anti-pd-1&quot;]" not in page
    data = {**admin_form_data(response), "therapy_classes": ["anti-pd-1", "car-t"]}
    saved = curator_client.post(url, data)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    platform.refresh_from_db()
    assert platform.therapy_classes == ["anti-pd-1", "car-t"]


def test_collection_sexes_and_quality_labels_are_checkboxes(lab, curator_client):
    collection = make_collection(lab, sexes=["female"], quality_labels=["sprec"])
    url = f"/admin/collaborations/samplecollection/{collection.pk}/change/"
    response = curator_client.get(url)
    page = response.content.decode()
    assert 'type="checkbox" name="sexes" value="female"' in page
    assert 'type="checkbox" name="quality_labels" value="iso-20387"' in page
    data = {**admin_form_data(response), "sexes": ["female", "male"], "quality_labels": []}
    saved = curator_client.post(url, data)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    collection.refresh_from_db()
    assert collection.sexes == ["female", "male"]
    assert collection.quality_labels == []


def test_a_made_up_class_is_refused_with_the_allowed_choice_named(lab, curator_client):
    platform = make_platform(lab)
    url = f"/admin/collaborations/platform/{platform.pk}/change/"
    data = {**admin_form_data(curator_client.get(url)), "therapy_classes": ["anti-xyz"]}
    refused = curator_client.post(url, data)
    assert refused.status_code == 200
    assert "anti-xyz is not one of the available choices" in refused.content.decode()
