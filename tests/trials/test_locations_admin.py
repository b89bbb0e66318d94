"""Admin for network sites proposed from locations: review, confirm, reject; recognition re-run; pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from ion_portal.models import Unit
from trials.models import Drug, Trial, TrialSite
from trials.services import import_paths

from .conftest import CTGOV_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Other tests of the suite may leave Dutch active; these assert English admin labels.
    with translation.override("en"):
        yield


@pytest.fixture
def proposed():
    Unit.objects.create(
        name="Oncology UZA",
        slug="uza",
        kind="clinical",
        institution="UZA",
        aliases="Universitair Ziekenhuis Antwerpen",
    )
    import_paths(paths=[CTGOV_DIR / "NCT01029262.xml"])
    return TrialSite.all_objects.get()


def test_the_trial_list_filters_trials_with_a_site_to_review(admin_client, proposed):
    import_paths(paths=[CTGOV_DIR / "NCT00184067.json"])
    page = admin_client.get(reverse("admin:trials_trial_changelist"), {"proposed_site": "yes"}).text
    assert "NCT01029262" in page and "NCT00184067" not in page


def test_the_trial_page_in_admin_shows_the_proposal_with_its_location(admin_client, proposed):
    page = admin_client.get(reverse("admin:trials_trial_change", args=[proposed.trial_id])).text
    assert "Proposed by an import (to review)" in page
    assert "Universitair Ziekenhuis Antwerpen" in page


@pytest.mark.parametrize(("action", "state"), [("confirm", "confirmed"), ("reject", "rejected")])
def test_confirm_and_reject_actions_set_the_state_and_are_recorded(
    admin_client, proposed, action, state
):
    response = admin_client.post(
        reverse("admin:trials_trialsite_changelist"),
        {"action": action, "_selected_action": [proposed.pk]},
        follow=True,
    )

    assert response.status_code == 200 and "1 site updated." in response.text
    proposed.refresh_from_db()
    assert proposed.state == state
    assert proposed.history.first().state == state
    assert Trial.objects.get().sites.exists() == (state == "confirmed")


def test_the_recognise_action_follows_a_vocabulary_change(admin_client):
    import_paths(paths=[CTGOV_DIR / "NCT00184067.json"])
    trial = Trial.objects.get()
    Drug.objects.filter(name="montanide isa 51").update(immunotherapy_class="vaccine")

    response = admin_client.post(
        reverse("admin:trials_trial_changelist"),
        {"action": "recognise", "_selected_action": [trial.pk]},
        follow=True,
    )

    assert "0 created, 1 updated, 0 unchanged, 0 failed" in response.text
    trial.refresh_from_db()
    assert trial.immunotherapy_class_list == ["vaccine"]


def test_the_admin_form_marks_classes_a_curator_changed():
    from trials.admin import TrialAdminForm

    import_paths(paths=[CTGOV_DIR / "NCT00184067.json"])
    trial = Trial.objects.get()
    form = TrialAdminForm(instance=trial)
    assert form.fields["therapy_classes"].initial == ["peptide-vaccine"]
    assert not trial.classes_overridden

    form.cleaned_data = {"therapy_classes": ["peptide-vaccine"]}  # unchanged: still recognised
    form.save(commit=False)
    assert not trial.classes_overridden
    form.cleaned_data = {"therapy_classes": ["cytokine"]}
    form.save(commit=False)
    assert trial.classes_overridden and trial.immunotherapy_classes == "|cytokine|"


def test_locations_and_unit_admin_pages_load(admin_client, proposed):
    assert admin_client.get(reverse("admin:trials_triallocation_changelist")).status_code == 200
    page = admin_client.get(
        reverse("admin:trials_triallocation_changelist"), {"q": "Antwerpen"}
    ).text
    assert "Universitair Ziekenhuis Antwerpen" in page
    assert (
        admin_client.get(
            reverse("admin:ion_portal_unit_change", args=[proposed.unit_id])
        ).status_code
        == 200
    )
