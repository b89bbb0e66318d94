"""The one publishable admin (ion_portal/admin_publishing.py), used by every app's admin."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from education.models import NewsItem
from ion_portal.admin_publishing import PublishableAdminMixin
from ion_portal.models import Publishable


def test_every_admin_of_a_publishable_model_uses_the_one_mixin():
    publishable = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if issubclass(model, Publishable)
    }
    # Trials, collaborations (2), education (3) and toxicity at least.
    assert len(publishable) >= 7
    others = [
        m.__name__ for m, a in publishable.items() if not isinstance(a, PublishableAdminMixin)
    ]
    assert others == []


def _news(slug, *, status, published_at):
    return NewsItem.objects.create(
        slug=slug,
        title=f"News {slug}",
        summary="Summary.",
        body="Body.",
        status=status,
        published_at=published_at,
    )


@pytest.mark.django_db
def test_publish_keeps_an_existing_date_and_unpublish_keeps_it_for_later(curator_client):
    last_year = timezone.now() - datetime.timedelta(days=365)
    old = _news("old", status="draft", published_at=last_year)
    new = _news("new", status="draft", published_at=None)
    already = _news("live", status="published", published_at=last_year)
    url = reverse("admin:education_newsitem_changelist")

    response = curator_client.post(
        url, {"action": "publish", "_selected_action": [old.pk, new.pk, already.pk]}, follow=True
    )
    assert "2 items published." in response.content.decode()
    for item in (old, new, already):
        item.refresh_from_db()
    assert old.is_published and old.published_at == last_year
    assert already.published_at == last_year
    assert new.is_published and timezone.now() - new.published_at < datetime.timedelta(minutes=1)

    curator_client.post(url, {"action": "unpublish", "_selected_action": [old.pk]})
    old.refresh_from_db()
    assert old.status == "draft" and old.published_at == last_year
    assert not NewsItem.objects.published().filter(pk=old.pk).exists()
