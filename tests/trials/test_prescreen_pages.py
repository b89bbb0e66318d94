"""The pre-screen pages: members only, ranked and explained results from confirmed criteria only, open
trials only, pinned queries, the referral carrying the answers, and the public version."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from ion_portal.models import CancerType, Person, Unit
from tests.factories import make_trial
from trials.models import TrialLocation, TrialSite
from trials.models_criteria import EligibilityCriterion
from trials.prescreen import queries

pytestmark = pytest.mark.django_db

URL = "/trials/pre-screen/"
ANSWERS = {"cancer_type": "melanoma", "age": "64", "ecog": "1", "prior_immunotherapy": "none"}


def criterion(
    trial, kind, operator, value=None, *, section="inclusion", status="confirmed", text=""
):
    return EligibilityCriterion.objects.create(
        trial=trial,
        section=section,
        kind=kind,
        operator=operator,
        value=value or {},
        source_sentence=text or f"{section} {kind} {operator}",
        status=status,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    queries.clear_cache()
    yield
    queries.clear_cache()


@pytest.fixture
def trials(db):
    melanoma = CancerType.objects.get(slug="melanoma")
    good = make_trial("NCT00000011", brief_title="Adjuvant melanoma vaccine trial")
    good.cancer_types.add(melanoma)
    criterion(good, "cancer_type", "in", {"cancer_types": ["melanoma"]}, text="Melanoma stage III.")
    criterion(good, "ecog", "range", {"min": 0, "max": 1}, text="ECOG 0-1.")
    unknowns = make_trial("NCT00000012", brief_title="PD-L1 high trial")
    criterion(unknowns, "ecog", "range", {"min": 0, "max": 2})
    criterion(unknowns, "pd_l1_tps", "min", {"value": 50}, text="PD-L1 TPS of 50% or more.")
    excluded = make_trial("NCT00000013", brief_title="Anti-PD-1 naive trial")
    criterion(
        excluded,
        "prior_immunotherapy",
        "excluded",
        {"classes": ["anti-pd-1"]},
        section="exclusion",
        text="Prior treatment with an anti-PD-1 antibody.",
    )
    strict = make_trial("NCT00000014", brief_title="ECOG 0 only trial")
    criterion(strict, "ecog", "range", {"min": 0, "max": 0}, text="ECOG performance status 0.")
    criterion(strict, "hiv", "excluded", status="proposed", text="Known HIV infection.")
    criterion(strict, "age", "range", {"min": 99}, status="rejected")
    closed = make_trial("NCT00000015", overall_status="COMPLETED")
    criterion(closed, "ecog", "range", {"min": 0, "max": 4})
    draft = make_trial("NCT00000016", publish=False)
    criterion(draft, "ecog", "range", {"min": 0, "max": 4})
    make_trial("NCT00000017")  # open, nothing reviewed
    return {"good": good, "unknowns": unknowns, "excluded": excluded, "strict": strict}


def order(response) -> list[str]:
    return [r.nct_id for r in response.context["outcome"].results]


def test_anonymous_visitors_are_sent_to_sign_in_and_non_members_refused(client, user):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, ANSWERS).status_code == 403


def test_a_member_gets_open_trials_ranked_with_reasons(member_client, trials):
    response = member_client.post(URL, ANSWERS)
    assert response.status_code == 200
    # Eligible so far first (no unknown, then one unknown), then the ECOG-0 trial; never the closed
    # trial, the draft or the trial without reviewed criteria.
    assert order(response) == ["NCT00000011", "NCT00000013", "NCT00000012", "NCT00000014"]
    outcome = response.context["outcome"]
    assert (outcome.ranked, outcome.eligible, outcome.not_reviewed) == (4, 3, 1)
    page = response.text
    assert "Melanoma stage III." in page and "ECOG 0-1." in page
    assert "Trial: Melanoma; the patient has Melanoma." in page  # names, not slugs
    assert "Trial: 0\u20131; the patient has 1." in page


def test_an_ineligible_patient_is_shown_why(member_client, trials):
    answers = {**ANSWERS, "ecog": "3", "prior_immunotherapy": "yes", "prior_classes": "anti-pd-1"}
    results = {r.nct_id: r for r in member_client.post(URL, answers).context["outcome"].results}
    assert not results["NCT00000011"].eligible_so_far
    ecog = next(v for v in results["NCT00000011"].verdicts if v.rule.kind == "ecog")
    assert ecog.outcome_code == "not_met" and "the patient has 3" in ecog.reason
    pd1 = results["NCT00000013"].verdicts[0]
    assert pd1.outcome_code == "not_met"
    assert pd1.rule.sentence == "Prior treatment with an anti-PD-1 antibody."
    assert "anti-pd-1" in pd1.reason


def test_unknowns_list_the_questions_that_decide_them(member_client, trials):
    response = member_client.post(URL, ANSWERS)
    result = next(r for r in response.context["outcome"].results if r.nct_id == "NCT00000012")
    assert result.questions == [("What is the tumour's PD-L1 TPS (%)?", "pd_l1_tps")]
    assert ("What is the tumour's PD-L1 TPS (%)?", "pd_l1_tps", 1) in response.context[
        "outcome"
    ].questions
    assert 'href="#id_pd_l1_tps"' in response.text


def test_only_confirmed_criteria_count_unreviewed_ones_are_shown_apart(member_client, trials):
    response = member_client.post(URL, ANSWERS)
    strict = next(r for r in response.context["outcome"].results if r.nct_id == "NCT00000014")
    assert [v.rule.kind for v in strict.verdicts] == [
        "ecog"
    ]  # not the proposed HIV, not the rejected age
    assert [r.sentence for r in strict.unreviewed] == ["Known HIV infection."]
    assert "1 criterion not yet reviewed (not counted)" in response.text


def test_confirming_a_criterion_changes_the_outcome_at_once(member_client, trials, curator):
    answers = {**ANSWERS, "hiv": "active", "ecog": "0"}

    def strict():
        results = member_client.post(URL, answers).context["outcome"].results
        return next(r for r in results if r.nct_id == "NCT00000014")

    assert strict().not_met == 0  # compiled and cached
    EligibilityCriterion.objects.get(kind="hiv").confirm(curator)  # the signal drops the cache
    assert strict().not_met == 1


def test_a_bulk_update_is_seen_once_the_cache_is_old(member_client, trials, monkeypatch):
    answers = {**ANSWERS, "hiv": "active", "ecog": "0"}
    member_client.post(URL, answers)
    EligibilityCriterion.objects.filter(kind="hiv").update(status="confirmed")  # no signal
    monkeypatch.setattr(queries, "CACHE_SECONDS", 0)
    results = member_client.post(URL, answers).context["outcome"].results
    assert next(r for r in results if r.nct_id == "NCT00000014").not_met == 1


def test_without_a_confirmed_cancer_type_the_registered_types_decide(member_client, trials):
    # A lung-cancer trial whose curators confirmed only its ECOG range: never "eligible so far" for a
    # melanoma patient; the reason names the registry's conditions.
    lung = make_trial("NCT00000018", brief_title="Lung cancer trial")
    lung.cancer_types.add(
        *CancerType.objects.filter(slug__in=["lung-cancer", "non-small-cell-lung-cancer"])
    )
    criterion(lung, "ecog", "range", {"min": 0, "max": 1})
    results = {r.nct_id: r for r in member_client.post(URL, ANSWERS).context["outcome"].results}
    assert results["NCT00000018"].not_met == 1
    verdict = next(v for v in results["NCT00000018"].verdicts if v.rule.kind == "cancer_type")
    assert verdict.rule.value == {
        "cancer_types": ["non-small-cell-lung-cancer"]
    }  # the broader type is not asked for
    assert "ClinicalTrials.gov" in verdict.rule.sentence
    assert results["NCT00000011"].not_met == 0  # its own confirmed criterion, melanoma: met
    nsclc = member_client.post(
        URL, {**ANSWERS, "cancer_type": "non-small-cell-lung-cancer"}
    ).context["outcome"]
    assert next(r for r in nsclc.results if r.nct_id == "NCT00000018").not_met == 0
    broad = member_client.post(URL, {**ANSWERS, "cancer_type": "lung-cancer"}).context["outcome"]
    assert next(r for r in broad.results if r.nct_id == "NCT00000018").unknown >= 1


def test_query_counts_are_pinned(member_client, trials, django_assert_num_queries):
    # Session, user and groups (3), the form's cancer types, the cancer-type tree, the open trials'
    # ids, the shown trials with their criteria, cancer types and sites (4); cold, the criteria stamp,
    # compiling, and for trials without a confirmed cancer-type criterion the tree and their links.
    member_client.post(URL, ANSWERS)
    queries.clear_cache()
    with django_assert_num_queries(14):
        member_client.post(URL, ANSWERS)
    with django_assert_num_queries(10):
        member_client.post(URL, ANSWERS)
    for i in range(20):  # more trials: the same number of queries
        trial = make_trial(f"NCT001000{i:02d}")
        criterion(trial, "ecog", "range", {"min": 0, "max": 1})
    member_client.post(URL, ANSWERS)
    with django_assert_num_queries(10):
        response = member_client.post(URL, ANSWERS)
    assert response.context["outcome"].ranked == 24


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("age", "30/07/1985"),
        ("age", "85.07.30-033.28"),
        ("cancer_type", "Jan Janssens"),
        ("ecog", "7"),
    ],
)
def test_identifiers_and_nonsense_are_refused_and_nothing_is_shown(
    member_client, trials, field, value
):
    response = member_client.post(URL, {**ANSWERS, field: value})
    assert response.status_code == 400
    assert response.context["outcome"] is None
    assert field in response.context["form"].errors


def test_the_form_has_no_free_text_field(member_client):
    from trials.prescreen.forms import PrescreenForm

    kinds = {type(f.widget).__name__ for f in PrescreenForm().fields.values()}
    assert kinds <= {"QuickSelect", "QuickNumber", "NumberInput", "CheckboxSelectMultiple"}


@pytest.fixture
def site(trials):
    unit = Unit.objects.create(
        name="Dermato-oncology", slug="derm", kind="clinical", institution="UZ"
    )
    nurse = Person.objects.create(first_name="Sam", last_name="Desk", email="desk@example.org")
    return TrialSite.objects.create(
        trial=trials["good"], unit=unit, local_status="RECRUITING", referral_contact=nurse
    )


def refer(client, site, **extra):
    data = {**ANSWERS, "trial": site.trial.nct_id, "site": site.pk, "consent": "on", **extra}
    return client.post(reverse("trials:prescreen_refer"), data)


def test_the_referral_forms_carry_the_answers_as_hidden_fields(member_client, site):
    # Rendered once for the page, repeated in each trial's referral form.
    answers = {**ANSWERS, "creatinine_value": "120", "creatinine_unit": "umol/L"}
    html = member_client.post(URL, answers).text
    form = html[html.index('class="form prescreen-refer"') :]
    form = form[: form.index("</form>")]
    for hidden in (
        '<input type="hidden" name="cancer_type" value="melanoma">',
        '<input type="hidden" name="age" value="64">',
        '<input type="hidden" name="creatinine_value" value="120">',
        '<input type="hidden" name="creatinine_unit" value="umol/L">',
    ):
        assert hidden in form
    assert ' id="' not in form.split('name="trial"')[0]  # the answers carry no ids


def test_a_referral_carries_the_answers_and_the_verdicts(member_client, member, site, mailoutbox):
    response = member_client.post(URL, ANSWERS)
    assert "Refer with these answers" in response.text
    response = refer(member_client, site, note="Keen to take part.")
    assert response.status_code == 302 and response["Location"] == site.trial.get_absolute_url()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["desk@example.org"] and mail.reply_to == [member.email]
    assert "Cancer type: Melanoma" in mail.body and "ECOG performance status: 1" in mail.body
    assert "[met] ECOG performance status: Trial: 0\u20131; the patient has 1." in mail.body
    assert "Keen to take part." in mail.body
    assert "Patient's age: 64" in mail.body


def test_a_referral_needs_the_consent_and_refuses_identifiers(member_client, site, mailoutbox):
    response = refer(member_client, site, consent="")
    assert response.status_code == 400 and "consent" in response.context["form"].errors
    response = refer(member_client, site, note="MRN 1234567, born 30/07/1985")
    assert response.status_code == 400
    assert "This text may identify the patient and cannot be sent." in response.text
    assert mailoutbox == []
    assert 'value="melanoma"' in response.text  # the answers are kept


def test_a_referral_only_goes_to_an_open_trial_and_only_from_a_member(
    client, user, site, mailoutbox
):
    client.force_login(user)
    assert refer(client, site).status_code == 403
    site.trial.overall_status = "COMPLETED"
    site.trial.save()
    from tests.factories import make_user

    client.force_login(make_user("m2@example.org", groups=("Members",)))
    assert refer(client, site).status_code == 404
    assert mailoutbox == []


# --- The public version -----------------------------------------------------------------------------

PUBLIC = "/trials/find-a-trial/"


def test_the_public_version_needs_no_account_and_lists_nearest_first(client, trials):
    nsclc = CancerType.objects.get(slug="non-small-cell-lung-cancer")
    far = make_trial("NCT00000021", brief_title="Lung trial in Liège", minimum_age_days=18 * 365)
    near = make_trial("NCT00000022", brief_title="Lung trial in Ghent")
    young = make_trial(
        "NCT00000023", brief_title="Lung trial for teenagers", maximum_age_days=19 * 365
    )
    for trial in (far, near, young):
        trial.cancer_types.add(nsclc)
    TrialLocation.objects.create(
        trial=far, city="Liège", country="Belgium", latitude=50.63, longitude=5.57
    )
    TrialLocation.objects.create(
        trial=near, city="Gent", country="Belgium", latitude=51.05, longitude=3.72
    )
    assert client.get(PUBLIC).status_code == 200
    response = client.post(
        PUBLIC,
        {
            "cancer_type": "lung-cancer",
            "age": "60",
            "province": "east-flanders",
            "treated_now": "yes",
        },
    )
    assert response.status_code == 200
    titles = [f.trial.brief_title for f in response.context["found"]]
    assert titles == ["Lung trial in Ghent", "Lung trial in Liège"]  # not the age-limited trial
    assert "About 10 km from the centre of East Flanders: Gent." in response.text
    assert "discuss with your doctor" in response.text
    assert "info@ion-portal.example" in response.text or "mailto:" in response.text


def test_the_public_version_gives_no_clinical_verdict(client, trials):
    response = client.post(
        PUBLIC,
        {"cancer_type": "melanoma", "age": "64", "province": "brussels", "treated_now": "no"},
    )
    page = response.text
    assert [f.trial.nct_id for f in response.context["found"]] == ["NCT00000011"]
    for word in ("eligible", "not met", "ECOG"):
        assert word not in page.split('id="results"')[1]


def test_the_public_version_in_dutch(client, trials):
    with translation.override("nl"):  # the request activates Dutch; the override restores
        response = client.post(
            "/nl" + PUBLIC,
            {
                "cancer_type": "melanoma",
                "age": "64",
                "province": "antwerp",
                "treated_now": "unsure",
            },
        )
    assert response.status_code == 200
    assert "Bespreek" in response.text or "bespreken" in response.text


def test_the_public_version_refuses_missing_answers(client):
    response = client.post(PUBLIC, {"cancer_type": "melanoma"})
    assert response.status_code == 400 and response.context["found"] is None
