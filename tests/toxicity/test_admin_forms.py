"""The guideline admin's recommendation form and formset: plain fields per row, clear errors that keep
what was typed, every shipped row still valid; the admin change form posts and saves; in Dutch under /nl/."""

from __future__ import annotations

import re

import pytest
from django.forms import inlineformset_factory

from tests.admin_helpers import admin_form_data
from toxicity.admin_forms import RecommendationForm, RecommendationFormSet
from toxicity.models import GuidelineSource, Recommendation, Toxicity

pytestmark = pytest.mark.django_db


def _row_data(rec: Recommendation) -> dict:
    """What the admin would post for `rec` unchanged (the unbound form's values)."""
    form = RecommendationForm(instance=rec)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "hormones":
            value = form.fields[name].prepare_value(value)
        data[name] = "" if value is None else value
    return data


def _bound(rec: Recommendation, **changes) -> RecommendationForm:
    return RecommendationForm(data={**_row_data(rec), **changes}, instance=rec)


@pytest.fixture
def grade_2(guidelines):
    return Recommendation.objects.get(
        toxicity__slug="colitis", grade=2, source__is_local_consensus=True
    )


def test_every_shipped_recommendation_is_valid_in_the_admin_form(guidelines):
    invalid = {}
    for rec in Recommendation.objects.select_related("toxicity", "source"):
        form = _bound(rec)
        if not form.is_valid():
            invalid[str(rec)] = form.errors.as_data()
    assert invalid == {}


def test_an_unchanged_row_has_no_changes(grade_2):
    assert _bound(grade_2).has_changed() is False


def test_hormones_are_one_per_line_and_saved_as_a_list_in_order(grade_2):
    form = _bound(grade_2, hormones="hydrocortisone\n\n  levothyroxine  \n")
    assert form.is_valid(), form.errors
    form.save()
    grade_2.refresh_from_db()
    assert grade_2.hormones == ["hydrocortisone", "levothyroxine"]
    assert RecommendationForm(instance=grade_2)["hormones"].value() == (
        "hydrocortisone\nlevothyroxine"
    )
    assert 'rows="2"' in str(RecommendationForm(instance=grade_2)["hormones"])


def test_a_hormone_line_too_long_is_refused_and_kept(grade_2):
    typed = "hydrocortisone\n" + "x" * 61
    form = _bound(grade_2, hormones=typed)
    assert not form.is_valid()
    assert "at most 60 characters" in form.errors["hormones"][0]
    assert form["hormones"].value() == typed


def test_highest_dose_below_lowest_is_refused_with_both_numbers_and_kept(grade_2):
    form = _bound(grade_2, steroid_mg_per_kg_min="2", steroid_mg_per_kg_max="1")
    assert not form.is_valid()
    message = form.errors["steroid_mg_per_kg_max"][0]
    assert "below the lowest" in message
    assert "1 mg/kg/day" in message
    assert "2 mg/kg/day" in message
    assert form["steroid_mg_per_kg_min"].value() == "2"
    assert form["steroid_mg_per_kg_max"].value() == "1"


def test_a_steroid_dose_without_the_steroid_named_is_refused(grade_2):
    form = _bound(grade_2, steroid_drug="", steroid_dose="1 mg/kg/day", steroid_route="oral")
    assert not form.is_valid()
    message = form.errors["steroid_drug"][0]
    assert message.startswith("Name the steroid")
    assert "steroid dose" in message
    assert "route" in message
    assert form["steroid_dose"].value() == "1 mg/kg/day"


def test_a_course_of_zero_weeks_is_refused(grade_2):
    form = _bound(grade_2, steroid_taper_weeks="0")
    assert not form.is_valid()
    assert "at least one week" in form.errors["steroid_taper_weeks"][0]


def test_a_missing_choice_names_the_field(grade_2):
    form = _bound(grade_2, action="", setting="")
    assert not form.is_valid()
    assert set(form.errors) == {"action", "setting"}


RecommendationFormSetFactory = inlineformset_factory(
    Toxicity,
    Recommendation,
    form=RecommendationForm,
    formset=RecommendationFormSet,
    extra=0,
)


def _formset_data(toxicity: Toxicity, row_changes: dict) -> dict:
    formset = RecommendationFormSetFactory(instance=toxicity)
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-INITIAL_FORMS": str(len(formset.forms)),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, form in enumerate(formset.forms):
        row = {**_row_data(form.instance), **row_changes.get(i, {})}
        for name, value in row.items():
            data[f"{form.prefix}-{name}"] = value
        data[f"{form.prefix}-id"] = str(form.instance.pk)
        data[f"{form.prefix}-toxicity"] = str(toxicity.pk)
    return data


def test_formset_refuses_two_rows_for_the_same_grade_source_and_scenario(guidelines):
    colitis = Toxicity.objects.get(slug="colitis")
    recs = list(colitis.recommendations.all())
    first, second = recs[0], recs[1]
    assert (first.grade, first.source_id) != (second.grade, second.source_id)
    data = _formset_data(
        colitis,
        {1: {"grade": str(first.grade), "source": str(first.source_id), "scenario": ""}},
    )
    formset = RecommendationFormSetFactory(data=data, instance=colitis)
    assert not formset.is_valid()
    errors = formset.forms[1].errors["grade"]
    assert f"already a row for grade {first.grade} from {first.source.short_name}" in errors[0]
    # What was typed stays in the row.
    assert formset.forms[1]["grade"].value() == str(first.grade)
    assert formset.non_form_errors() == []


def test_formset_with_a_deleted_duplicate_is_valid(guidelines):
    colitis = Toxicity.objects.get(slug="colitis")
    first = colitis.recommendations.all()[0]
    data = _formset_data(
        colitis,
        {
            1: {
                "grade": str(first.grade),
                "source": str(first.source_id),
                "scenario": "",
                "DELETE": "on",
            }
        },
    )
    formset = RecommendationFormSetFactory(data=data, instance=colitis)
    assert formset.is_valid(), formset.errors


def test_curator_saves_a_grade_in_the_admin_and_a_bad_row_keeps_what_was_typed(
    guidelines, curator_client
):
    colitis = Toxicity.objects.get(slug="colitis")
    published_at = colitis.published_at
    url = f"/admin/toxicity/toxicity/{colitis.pk}/change/"
    response = curator_client.get(url)
    data = admin_form_data(response)
    prefix = next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.endswith("-id")
        and str(value)
        == str(colitis.recommendations.get(grade=3, source__is_local_consensus=True).pk)
    )
    bad = {
        **data,
        f"{prefix}-steroid_mg_per_kg_min": "2",
        f"{prefix}-steroid_mg_per_kg_max": "1",
        f"{prefix}-evidence_level": "typed by the curator",
    }
    refused = curator_client.post(url, bad)
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "below the lowest" in page
    assert 'value="typed by the curator"' in page

    good = {**data, f"{prefix}-evidence_level": "V, C", f"{prefix}-hormones": "hydrocortisone"}
    saved = curator_client.post(url, good)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    rec = colitis.recommendations.get(grade=3, source__is_local_consensus=True)
    assert rec.evidence_level == "V, C"
    assert rec.hormones == ["hydrocortisone"]
    # Nothing else moved: the families are still the checkpoint inhibitors only.
    colitis.refresh_from_db()
    assert colitis.therapy_families == "|checkpoint-inhibitor|"
    assert colitis.published_at == published_at.replace(microsecond=0)  # as the admin shows it


def test_guideline_form_shows_checkboxes_and_no_raw_json_or_pipes(guidelines, curator_client):
    colitis = Toxicity.objects.get(slug="colitis")
    page = curator_client.get(f"/admin/toxicity/toxicity/{colitis.pk}/change/").content.decode()
    assert 'name="families"' in page
    assert 'type="checkbox"' in page
    assert 'name="therapy_families"' not in page
    assert 'name="higher_risk_classes"' not in page
    assert "|checkpoint-inhibitor|" not in page
    # No JSON list in any input or text area.
    assert not re.search(r"<textarea[^>]*>\s*[\[{]", page)
    assert not re.search(r'<input[^>]*value="[\[{]', page)


def test_guideline_admin_is_in_dutch_under_nl(guidelines, curator_client):
    colitis = Toxicity.objects.get(slug="colitis")
    page = curator_client.get(f"/nl/admin/toxicity/toxicity/{colitis.pk}/change/").content.decode()
    for dutch in [
        "Nazicht en publicatie",  # Review and publication
        "Klinische inhoud",  # Clinical content
        "Aanbevelingen",  # recommendations
        "Hormoonsubstitutie, in volgorde van opstarten",
        "Immuuncheckpointremmers",  # the family checkbox
        "Opslaan",  # Django's own Save
    ]:
        assert dutch in page, dutch
    listing = curator_client.get("/nl/admin/toxicity/toxicity/").content.decode()
    assert "Datum volgend nazicht" in listing


def test_source_choices_are_the_editions(guidelines):
    form = RecommendationForm()
    assert form.fields["based_on"].queryset.count() == GuidelineSource.objects.count()
