"""A guideline cannot be published without a reviewer and a review date; changes keep history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from toxicity.models import Toxicity


@pytest.fixture
def draft(guidelines):
    toxicity = Toxicity.objects.get(slug="colitis")
    Toxicity.objects.filter(pk=toxicity.pk).update(
        status=Toxicity.Status.DRAFT, reviewer=None, reviewed_on=None, next_review_on=None
    )
    toxicity.refresh_from_db()
    return toxicity


def test_publishing_without_reviewer_is_refused_by_validation(draft):
    draft.status = Toxicity.Status.PUBLISHED
    with pytest.raises(ValidationError, match="reviewer and a review date"):
        draft.full_clean()


def test_publishing_without_reviewer_is_refused_by_the_database(draft):
    draft.status = Toxicity.Status.PUBLISHED
    draft.reviewed_on = dt.date(2026, 1, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_publishing_without_review_date_is_refused(draft, guidelines):
    draft.status = Toxicity.Status.PUBLISHED
    draft.reviewer = Toxicity.objects.exclude(pk=draft.pk).first().reviewer
    with pytest.raises(ValidationError):
        draft.full_clean()


def test_unreviewed_draft_is_hidden_from_the_public(draft, client):
    assert client.get("/toxicity/colitis/").status_code == 404
    assert client.get("/api/v1/toxicities/colitis/").status_code == 404


def test_admin_publish_action_refuses_unreviewed_guidelines(draft, curator_client):
    response = curator_client.post(
        "/admin/toxicity/toxicity/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Toxicity.Status.DRAFT
    assert "reviewer and review date are needed" in response.content.decode()


def test_reviewed_draft_can_be_published_and_history_is_kept(draft, guidelines):
    reviewer = Toxicity.objects.exclude(pk=draft.pk).first().reviewer
    draft.reviewer, draft.reviewed_on = reviewer, dt.date(2026, 1, 1)
    draft.status = Toxicity.Status.PUBLISHED
    draft.full_clean()
    draft.save()
    assert draft.is_published
    assert draft.history.count() >= 2
    assert draft.history.first().status == Toxicity.Status.PUBLISHED


def test_next_review_must_follow_the_review(draft):
    draft.reviewed_on = dt.date(2026, 5, 1)
    draft.next_review_on = dt.date(2026, 4, 1)
    with pytest.raises(ValidationError, match="next review date"):
        draft.full_clean()


def test_curators_edit_guidelines_with_recommendations_and_history_in_admin(
    guidelines, curator_client
):
    toxicity = Toxicity.objects.get(slug="icans")
    change = curator_client.get(f"/admin/toxicity/toxicity/{toxicity.pk}/change/")
    assert change.status_code == 200
    assert "With concurrent CRS" in change.content.decode()
    assert curator_client.get(f"/admin/toxicity/toxicity/{toxicity.pk}/history/").status_code == 200
