"""Structured criteria in the registry: proposed on import, kept through re-imports once curated,
reviewed by curators in admin, and read by partners through the API (confirmed ones only)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_trial
from trials.criteria.sync import propose_criteria
from trials.models import EligibilityCriterion, Trial
from trials.models_criteria import CriterionStatus
from trials.services import import_paths

from .conftest import CTGOV_DIR

pytestmark = pytest.mark.django_db

RECORD = CTGOV_DIR / "NCT04267848.json"
ECOG_SENTENCE = "Eastern Cooperative Oncology Group (ECOG) performance status (PS): 0-1"


def _import(tmp_path=None, change=None):
    if change is None:
        return import_paths(paths=[RECORD])
    record = json.loads(RECORD.read_text())
    elig = record["protocolSection"]["eligibilityModule"]
    elig["eligibilityCriteria"] = change(elig["eligibilityCriteria"])
    path = tmp_path / "NCT04267848.json"
    path.write_text(json.dumps(record))
    return import_paths(paths=[path])


def _criterion(kind, **filters):
    return EligibilityCriterion.objects.get(trial__nct_id="NCT04267848", kind=kind, **filters)


def test_import_proposes_criteria_with_their_exact_sentence():
    _import()
    trial = Trial.objects.get(nct_id="NCT04267848")
    criteria = list(trial.criteria.all())
    assert len(criteria) >= 10
    assert all(c.status == CriterionStatus.PROPOSED for c in criteria)
    for c in criteria:
        assert trial.eligibility_criteria[c.source_start : c.source_end] == c.source_sentence
        assert c.extractor_version
    ecog = _criterion("ecog")
    assert (ecog.operator, ecog.value) == ("range", {"min": 0, "max": 1})
    assert ECOG_SENTENCE in ecog.source_sentence
    assert not EligibilityCriterion.objects.confirmed().exists()


def test_reimport_keeps_confirmed_criteria_and_regenerates_proposals(tmp_path, curator):
    _import()
    ecog = _criterion("ecog")
    ecog.confirm(curator)
    rejected = (
        _criterion("measurable_disease")
        if EligibilityCriterion.objects.filter(kind="measurable_disease").exists()
        else _criterion("pregnancy")
    )
    rejected.reject(curator)
    proposed_before = set(EligibilityCriterion.objects.proposed().values_list("kind", flat=True))

    # Upstream adds a sentence before the ECOG one: offsets shift, the sentence is unchanged.
    _import(tmp_path, lambda text: "* Known HIV-negative status\n" + text)
    ecog.refresh_from_db()
    assert ecog.status == CriterionStatus.CONFIRMED and ecog.confirmed_by == curator
    assert not ecog.source_changed
    trial = ecog.trial
    assert trial.eligibility_criteria[ecog.source_start : ecog.source_end] == ecog.source_sentence
    rejected.refresh_from_db()
    assert rejected.status == CriterionStatus.REJECTED
    # A rejected proposal does not come back as a new proposal for the same sentence.
    assert (
        not EligibilityCriterion.objects.proposed()
        .filter(kind=rejected.kind, source_sentence=rejected.source_sentence)
        .exists()
    )
    assert proposed_before - {rejected.kind} <= set(
        EligibilityCriterion.objects.proposed().values_list("kind", flat=True)
    )


def test_reimport_flags_confirmed_criteria_whose_sentence_changed(tmp_path, curator):
    _import()
    ecog = _criterion("ecog")
    ecog.confirm(curator)
    _import(tmp_path, lambda text: text.replace("(PS): 0-1", "(PS): 0-2"))
    ecog.refresh_from_db()
    assert ecog.status == CriterionStatus.CONFIRMED
    assert ecog.source_changed
    assert ecog.value == {"min": 0, "max": 1}  # the curator's value is kept until reviewed
    # The new sentence is proposed for review next to the flagged one.
    new = EligibilityCriterion.objects.proposed().get(kind="ecog")
    assert new.value == {"min": 0, "max": 2}


def test_unchanged_proposals_are_not_rewritten():
    _import()
    trial = Trial.objects.get(nct_id="NCT04267848")
    ids = set(trial.criteria.values_list("pk", flat=True))
    result = propose_criteria(trial)
    assert result.created == 0 and result.deleted == 0
    assert set(trial.criteria.values_list("pk", flat=True)) == ids


def test_extract_criteria_command_and_unknown_trial(capsys):
    trial = make_trial(
        eligibility_criteria="Inclusion Criteria:\n\n- ECOG 0-1\n- Age >= 18 years\n"
    )
    call_command("extract_criteria")
    assert "1 trials: 2 proposed criteria" in capsys.readouterr().out
    assert trial.criteria.count() == 2
    with pytest.raises(Exception, match="Unknown trials: NCT99999999"):
        call_command("extract_criteria", "NCT99999999")


def test_evaluate_criteria_command_prints_the_table(capsys):
    call_command("evaluate_criteria")
    out = capsys.readouterr().out
    assert "annotated trials" in out and "| **overall** |" in out
    with pytest.raises(Exception, match="Overall precision"):
        call_command("evaluate_criteria", "--min-precision", "1.01")


# --- Admin ---------------------------------------------------------------------------------------------


def test_curator_reviews_highlighted_text_and_confirms(client, curator):
    _import()
    client.force_login(curator)
    trial = Trial.objects.get(nct_id="NCT04267848")
    ecog = _criterion("ecog")
    url = reverse("admin:trials_eligibilitycriterion_review", args=[trial.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<mark id="sentence-' in html and "criterion-proposed" in html
    assert "not yet reviewed" in html.lower()
    decide = reverse("admin:trials_eligibilitycriterion_decide", args=[ecog.pk])
    response = client.post(decide, {"decision": "confirm"})
    assert response.status_code == 302 and response.url.endswith(f"#criterion-{ecog.pk}")
    ecog.refresh_from_db()
    assert ecog.status == CriterionStatus.CONFIRMED
    assert ecog.confirmed_by == curator and ecog.confirmed_at
    assert "criterion-confirmed" in client.get(url).content.decode()
    client.post(decide, {"decision": "reject"})
    ecog.refresh_from_db()
    assert ecog.status == CriterionStatus.REJECTED
    client.post(decide, {"decision": "reopen"})
    ecog.refresh_from_db()
    assert ecog.status == CriterionStatus.PROPOSED and ecog.confirmed_by is None
    client.post(decide, {"decision": "bogus"})
    ecog.refresh_from_db()
    assert ecog.status == CriterionStatus.PROPOSED
    # Confirm every proposal at once.
    client.post(decide, {"decision": "confirm", "all_proposed": "1"})
    assert not trial.criteria.proposed().exists()
    # The trial's change page links to the review.
    change = client.get(reverse("admin:trials_trial_change", args=[trial.pk])).content.decode()
    assert url in change


def test_changelist_actions_and_edit_form_validate_the_value(client, curator):
    _import()
    client.force_login(curator)
    ecog = _criterion("ecog")
    changelist = reverse("admin:trials_eligibilitycriterion_changelist")
    assert client.get(changelist, {"status": "proposed"}).status_code == 200
    client.post(changelist, {"action": "confirm_selected", "_selected_action": [ecog.pk]})
    ecog.refresh_from_db()
    assert ecog.status == CriterionStatus.CONFIRMED and ecog.confirmed_by == curator
    client.post(changelist, {"action": "reject_selected", "_selected_action": [ecog.pk]})
    ecog.refresh_from_db()
    assert ecog.status == CriterionStatus.REJECTED

    change = reverse("admin:trials_eligibilitycriterion_change", args=[ecog.pk])
    form = {
        "trial": ecog.trial_id,
        "section": "inclusion",
        "kind": "ecog",
        "operator": "range",
        "value": '{"min": 2, "max": 1}',
        "curator_note": "",
    }
    bad = client.post(change, form)
    assert bad.status_code == 200 and "must not be greater" in bad.content.decode()
    bad = client.post(change, {**form, "operator": "excluded", "value": '{"min": 0, "max": "x"}'})
    assert "operator must be one of" in bad.content.decode()
    ecog.refresh_from_db()
    assert ecog.value == {"min": 0, "max": 1}  # nothing lost
    ok = client.post(change, {**form, "value": '{"min": 0, "max": 2}'})
    assert ok.status_code == 302
    ecog.refresh_from_db()
    assert ecog.value == {"min": 0, "max": 2}
    assert ecog.status == CriterionStatus.CONFIRMED and ecog.confirmed_by == curator


def test_members_cannot_review(member_client):
    trial = make_trial()
    url = reverse("admin:trials_eligibilitycriterion_review", args=[trial.pk])
    assert member_client.get(url).status_code == 302  # to the admin login


# --- API -----------------------------------------------------------------------------------------------


def _api(client, nct="NCT04267848"):
    return client.get(f"/api/v1/trials/{nct}/criteria/")


def test_api_lists_confirmed_criteria_only(client, curator, django_assert_num_queries):
    _import()
    trial = Trial.objects.get(nct_id="NCT04267848")
    trial.status = Trial.Status.PUBLISHED
    trial.save()
    assert _api(client).json() == []
    ecog, hiv = _criterion("ecog"), _criterion("hiv")
    ecog.confirm(curator)
    hiv.confirm(curator)
    _criterion("pregnancy").reject(curator)
    with django_assert_num_queries(2):  # the published trial, its confirmed criteria
        response = _api(client)
    assert response.status_code == 200
    body = response.json()
    assert [c["kind"] for c in body] == ["ecog", "hiv"] or {c["kind"] for c in body} == {
        "ecog",
        "hiv",
    }
    row = next(c for c in body if c["kind"] == "ecog")
    assert row["value"] == {"min": 0, "max": 1} and row["operator"] == "range"
    assert row["section"] == "inclusion" and row["source_changed"] is False
    text = trial.eligibility_criteria
    assert text[row["source_start"] : row["source_end"]] == row["source_sentence"]
    assert "confirmed_by" not in row  # curators' identities stay private


def test_api_404_for_unpublished_and_unknown_trials(client, curator):
    draft = make_trial("NCT00000002", publish=False, eligibility_criteria="- ECOG 0-1")
    propose_criteria(draft)
    draft.criteria.get().confirm(curator)
    assert _api(client, "NCT00000002").status_code == 404
    assert _api(client, "NCT09999999").status_code == 404
    assert _api(client, "NCT0000").status_code == 404


def test_api_schema_documents_the_criteria_endpoint(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/trials/{nct_id}/criteria/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    component = schema["components"]["schemas"]["EligibilityCriterion"]
    assert {"kind", "operator", "value", "source_sentence", "section"} <= set(
        component["properties"]
    )
    assert "ecog" in json.dumps(component)


def test_demo_confirms_criteria_that_match_the_annotations():
    from ion_portal import demo as core_demo
    from trials import demo

    core_demo.load()
    counts = demo.load()
    assert counts["criteria confirmed"] > 10
    again = demo.load()
    assert again["criteria confirmed"] == 0  # idempotent
    confirmed = EligibilityCriterion.objects.confirmed()
    assert confirmed.filter(trial__nct_id="NCT01642004", kind="prior_immunotherapy").exists()
    assert EligibilityCriterion.objects.proposed().exists()


def test_review_page_and_changelist_queries_do_not_grow_with_the_criteria(client, curator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(curator)
    few = make_trial("NCT00000011", eligibility_criteria="- ECOG 0-1\n- Age >= 18 years\n")
    many = make_trial(
        "NCT00000012",
        eligibility_criteria="".join(
            f"- Platelets >= {n}00,000/mm^3\n- ECOG 0-{n % 3}\n- Age >= {18 + n} years\n"
            for n in range(1, 8)
        ),
    )
    for trial in (few, many):
        propose_criteria(trial)
        trial.criteria.first().confirm(curator)
    assert many.criteria.count() > 3 * few.criteria.count()

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    review = "admin:trials_eligibilitycriterion_review"
    assert count(reverse(review, args=[few.pk])) == count(reverse(review, args=[many.pk]))
    changelist = reverse("admin:trials_eligibilitycriterion_changelist")
    assert count(f"{changelist}?trial__id__exact={few.pk}") == count(
        f"{changelist}?trial__id__exact={many.pk}"
    )
