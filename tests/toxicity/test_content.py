"""The shipped clinical content is complete and keeps the exceptions that must not be missed."""

from __future__ import annotations

import pytest

from toxicity.models import Recommendation, Toxicity

EXPECTED = {
    "colitis",
    "hepatitis",
    "pneumonitis",
    "skin-rash",
    "hypophysitis",
    "hypothyroidism",
    "thyrotoxicosis",
    "type-1-diabetes",
    "adrenal-insufficiency",
    "nephritis",
    "myocarditis",
    "myositis",
    "myasthenia-gravis",
    "guillain-barre",
    "encephalitis",
    "arthritis",
    "uveitis",
    "cytokine-release-syndrome",
    "icans",
}


def _recs(slug):
    return Recommendation.objects.filter(toxicity__slug=slug).select_related("source")


def test_every_listed_toxicity_is_published(guidelines):
    assert set(guidelines.values_list("slug", flat=True)) == EXPECTED


def test_every_grade_of_every_scheme_has_a_local_recommendation_with_an_action(guidelines):
    for toxicity in guidelines.select_related("grading_scheme"):
        grades = set(toxicity.grading_scheme.grades.values_list("grade", flat=True))
        assert grades, toxicity.slug
        local = toxicity.recommendations.filter(source__is_local_consensus=True).exclude(action="")
        assert set(local.values_list("grade", flat=True)) == grades, toxicity.slug
        # No recommendation for a grade the scheme does not define (arthritis has no grade 4).
        assert set(toxicity.recommendations.values_list("grade", flat=True)) <= grades


def test_every_recommendation_names_its_source_edition(guidelines):
    for rec in Recommendation.objects.select_related("source").prefetch_related("based_on"):
        assert rec.source.edition
        if rec.source.is_local_consensus:
            # The local consensus says which guideline editions it follows.
            assert rec.based_on.exists(), rec
            assert all(source.edition for source in rec.based_on.all())


def test_every_published_toxicity_has_reviewer_and_review_dates(guidelines):
    for toxicity in guidelines.select_related("reviewer"):
        assert toxicity.reviewer is not None
        assert toxicity.reviewed_on and toxicity.next_review_on > toxicity.reviewed_on


def test_demo_reviewer_is_a_labelled_demo_person(guidelines):
    reviewer = guidelines.first().reviewer
    assert reviewer.is_demo
    assert "not a real person" in reviewer.display_name


def test_demo_load_is_idempotent(guidelines):
    from toxicity import demo

    counts = (Toxicity.objects.count(), Recommendation.objects.count())
    demo.load()
    assert (Toxicity.objects.count(), Recommendation.objects.count()) == counts


def test_myocarditis_is_held_at_every_grade(guidelines):
    recs = _recs("myocarditis")
    assert recs.filter(grade=1).exists()
    assert not recs.filter(action=Recommendation.Action.CONTINUE).exists()


def test_guillain_barre_is_stopped_permanently_at_every_grade(guidelines):
    recs = _recs("guillain-barre")
    assert set(recs.values_list("grade", flat=True)) == {1, 2, 3, 4}
    assert set(recs.values_list("action", flat=True)) == {Recommendation.Action.DISCONTINUE}


def test_no_recommendation_gives_infliximab_for_immune_hepatitis(guidelines):
    hepatitis = Toxicity.objects.get(slug="hepatitis")
    assert "infliximab" in hepatitis.contraindicated_agents
    for rec in _recs("hepatitis"):
        text = f"{rec.treatment} {rec.escalation_agents} {rec.steroid_drug}".lower()
        assert "infliximab" not in text, rec


def test_endocrinopathies_get_hormone_replacement_not_immunosuppression(guidelines):
    endocrine = guidelines.filter(is_endocrinopathy=True)
    assert set(endocrine.values_list("slug", flat=True)) == {
        "hypophysitis",
        "hypothyroidism",
        "thyrotoxicosis",
        "type-1-diabetes",
        "adrenal-insufficiency",
    }
    for rec in Recommendation.objects.filter(toxicity__in=endocrine):
        assert rec.steroid_purpose != Recommendation.SteroidPurpose.IMMUNOSUPPRESSION, rec
        # Endocrinopathies controlled by replacement are no reason to stop for good.
        assert rec.action != Recommendation.Action.DISCONTINUE, rec
    for slug in ("hypophysitis", "adrenal-insufficiency", "type-1-diabetes"):
        assert all(rec.hormones for rec in _recs(slug).filter(grade__gte=2)), slug


def test_thyroxine_is_only_ever_started_after_hydrocortisone(guidelines):
    checked = 0
    for rec in Recommendation.objects.all():
        if "levothyroxine" in rec.hormones and "hydrocortisone" in rec.hormones:
            assert rec.hormones.index("hydrocortisone") < rec.hormones.index("levothyroxine"), rec
            checked += 1
    assert checked >= 4  # the hypophysitis rows at every grade


@pytest.mark.parametrize("scenario", ["", "without_crs"])
def test_tocilizumab_for_icans_only_with_concurrent_crs(guidelines, scenario):
    icans = _recs("icans")
    assert icans.filter(scenario="with_crs").exists()
    for rec in icans.filter(scenario=scenario):
        text = f"{rec.treatment} {rec.escalation_agents}".lower()
        assert "tocilizumab" not in text, rec
    with_tocilizumab = [
        rec for rec in icans if "tocilizumab" in f"{rec.treatment} {rec.escalation_agents}".lower()
    ]
    assert with_tocilizumab
    assert {rec.scenario for rec in with_tocilizumab} == {"with_crs"}


def test_myasthenia_steroid_dose_is_lower_than_for_other_iraes(guidelines):
    rec = _recs("myasthenia-gravis").get(grade=2, source__is_local_consensus=True)
    assert rec.steroid_mg_per_kg_max == 0.5


def test_nephritis_grade_3_shows_the_guidelines_diverging(guidelines):
    actions = {rec.source.key: rec.action for rec in _recs("nephritis").filter(grade=3)}
    assert actions["local"] == "hold"
    assert actions["asco21"] == "discontinue"
