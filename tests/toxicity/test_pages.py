# ruff: noqa: RUF001, RUF003 -- en dashes are part of the page text under test.
"""The toxicity pages: index, guideline, task force, patient card, service worker."""

from __future__ import annotations

from django.urls import reverse

from toxicity.models import ConsultRequest, OnCallShift, TaskForceMember, Toxicity

DISCLAIMER = "does not replace clinical judgement"


def test_section_appears_in_the_header(guidelines, client):
    response = client.get("/")
    assert reverse("toxicity:index") in response.content.decode()


def test_index_shows_search_organ_grid_and_exceptions(
    guidelines, client, django_assert_num_queries
):
    # Fixed queries whatever the number of guidelines: organ systems with counts, exceptions panel,
    # the A–Z list (the anonymous session costs none).
    with django_assert_num_queries(3):
        response = client.get("/toxicity/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in page
    assert "?organ=endocrine" in page
    for text in (
        "hold immunotherapy at any grade",
        "stop immunotherapy permanently at any grade",
        "No infliximab in immune hepatitis",
        "Hormone replacement, not immunosuppression",
        "thyroxine only after",
        "tocilizumab only when CRS",
    ):
        assert text in page, text
    assert DISCLAIMER in page


def test_search_without_javascript_lists_results(guidelines, client):
    response = client.get("/toxicity/", {"q": "loose stools"})
    assert reverse("toxicity:detail", args=["colitis"]) in response.content.decode()


def test_search_fragment_for_live_search_returns_only_the_results(
    guidelines, client, django_assert_num_queries
):
    with django_assert_num_queries(1):  # one query: the matching published toxicities
        response = client.get("/toxicity/", {"q": "diarrhea", "fragment": "results"})
    page = response.content.decode()
    assert "<html" not in page
    assert "Diarrhoea and colitis" in page


def test_nonsense_search_says_nothing_matches(guidelines, client):
    response = client.get("/toxicity/", {"q": "xyzzy"})
    page = response.content.decode()
    assert "Nothing matches “xyzzy”" in page
    assert reverse("toxicity:detail", args=["colitis"]) + '" class="tox-result' not in page


def test_organ_filter_lists_that_organs_toxicities(guidelines, client):
    page = client.get("/toxicity/", {"organ": "endocrine"}).content.decode()
    assert "Hypophysitis" in page and 'class="tox-result-list__link">Pneumonitis' not in page


def test_guideline_page_has_one_row_per_grade(guidelines, client, django_assert_num_queries):
    # Toxicity with organ, scheme, source and reviewer; grades; recommendations; based-on sources.
    with django_assert_num_queries(4):
        response = client.get("/toxicity/colitis/")
    page = response.content.decode()
    assert response.status_code == 200
    for grade in (1, 2, 3, 4):
        assert f'id="grade-{grade}"' in page
    assert 'id="grade-5"' not in page
    assert "infliximab 5 mg/kg or vedolizumab 300 mg" in page
    assert "Consider stopping anti-CTLA-4" in page
    assert DISCLAIMER in page


def test_guideline_page_shows_sources_editions_version_and_review(guidelines, client):
    page = client.get("/toxicity/nephritis/").content.decode()
    assert (
        'ASCO guideline on irAEs from checkpoint inhibitors</strong>, <span lang="en">2021 update'
        in page
    )
    assert "10.1200/JCO.21.01440" in page
    assert "ESMO levels I–V" in page
    assert "Where the guidelines differ" in page
    assert "0.1-demo" in page and "demo reviewer" in page
    assert "Next review" in page
    assert reverse("toxicity:task_force") in page


def test_guideline_page_without_divergence_has_no_divergence_table(guidelines, client):
    assert "Where the guidelines differ" not in client.get("/toxicity/uveitis/").content.decode()


def test_arthritis_has_three_grades_only(guidelines, client):
    page = client.get("/toxicity/arthritis/").content.decode()
    assert 'id="grade-3"' in page and 'id="grade-4"' not in page


def test_unknown_guideline_is_404(guidelines, client):
    assert client.get("/toxicity/no-such-thing/").status_code == 404


def test_task_force_hides_contacts_from_anonymous_users(guidelines, client):
    page = client.get("/toxicity/task-force/").content.decode()
    member = TaskForceMember.objects.select_related("person").first()
    assert member.person.last_name in page
    assert member.phone not in page
    assert "pager" not in page.lower().replace("pagers", "")
    assert "On call now" not in page
    assert "<textarea" not in page


def test_task_force_hides_contacts_from_users_not_yet_approved(guidelines, client, user):
    client.force_login(user)
    page = client.get("/toxicity/task-force/").content.decode()
    assert TaskForceMember.objects.first().phone not in page


def test_guideline_page_shows_no_task_force_numbers(guidelines, client):
    page = client.get("/toxicity/myocarditis/").content.decode()
    for phone in TaskForceMember.objects.values_list("phone", flat=True):
        assert phone not in page


def test_members_see_phone_pager_and_who_is_on_call(
    guidelines, member_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = member_client.get("/toxicity/task-force/").content.decode()
    shift = OnCallShift.objects.current().select_related("member").first()
    assert "On call now" in page
    assert shift.member.phone in page
    assert shift.member.pager in page


def test_member_consult_request_emails_the_specialist_on_call(
    guidelines, member_client, member, mailoutbox, django_capture_on_commit_callbacks
):
    on_call = OnCallShift.objects.current().get(member__specialty="cardiology").member
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            "/toxicity/task-force/",
            {
                "specialty": "cardiology",
                "toxicity": Toxicity.objects.get(slug="myocarditis").pk,
                "grade": "1",
                "urgency": "urgent",
                "question": "Troponin doubled after cycle 2 of nivolumab, no symptoms.",
                "callback_phone": "+32 9 000 99 99",
            },
        )
    assert response.status_code == 302
    consult = ConsultRequest.objects.get()
    assert consult.requested_by == member
    assert consult.status == ConsultRequest.Status.NOTIFIED
    assert consult.notified_member == on_call
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [on_call.person.email]
    assert "Troponin doubled" in mailoutbox[0].body
    assert "+32 9 000 99 99" in mailoutbox[0].body


def test_consult_without_anyone_on_call_goes_to_the_contact_address(
    guidelines, member_client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    OnCallShift.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            "/toxicity/task-force/",
            {
                "specialty": "neurology",
                "urgency": "today",
                "question": "Ptosis?",
                "callback_phone": "1234",
            },
        )
    assert mailoutbox[0].to == [settings.CONTACT_EMAIL]
    assert ConsultRequest.objects.get().status == ConsultRequest.Status.NO_ONE_ON_CALL


def test_invalid_consult_keeps_what_was_typed(guidelines, member_client, mailoutbox):
    response = member_client.post(
        "/toxicity/task-force/",
        {
            "specialty": "neurology",
            "urgency": "today",
            "question": "Ptosis and diplopia",
            "callback_phone": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ptosis and diplopia" in page
    assert not ConsultRequest.objects.exists()
    assert mailoutbox == []


def test_anonymous_consult_post_is_refused(guidelines, client):
    response = client.post("/toxicity/task-force/", {"specialty": "neurology", "question": "x"})
    assert response.status_code == 302
    assert not ConsultRequest.objects.exists()


def test_curators_see_consult_requests_in_admin(guidelines, curator_client, member):
    consult = ConsultRequest.objects.create(
        requested_by=member,
        specialty="dermatology",
        urgency="routine",
        question="Blisters",
        callback_phone="1",
    )
    response = curator_client.get("/admin/toxicity/consultrequest/")
    assert response.status_code == 200
    assert f"#{consult.pk}" in response.content.decode()


def test_patient_card_shows_drugs_symptoms_and_the_24_7_number(guidelines, client, settings):
    settings.HOSPITAL_24_7_PHONE = "+32 9 123 45 67"
    response = client.get(
        "/toxicity/patient-card/", {"drugs": ["pembrolizumab", "ipilimumab"], "language": "en"}
    )
    page = response.content.decode()
    assert "pembrolizumab, ipilimumab" in page
    assert "+32 9 123 45 67" in page
    assert "I am treated with immunotherapy" in page
    assert 'lang="en"' in page


def test_patient_card_in_dutch(guidelines, client):
    page = client.get(
        "/toxicity/patient-card/", {"drugs": ["nivolumab"], "language": "nl"}
    ).content.decode()
    assert 'class="tox-card" lang="nl"' in page
    assert "Ik word behandeld met immunotherapie" in page


def test_patient_card_without_drugs_asks_for_one(guidelines, client):
    page = client.get("/toxicity/patient-card/", {"language": "en"}).content.decode()
    assert "Pick at least one drug." in page
    assert 'class="tox-card"' not in page


def test_service_worker_lists_every_published_page_and_may_control_the_section(guidelines, client):
    Toxicity.objects.filter(slug="uveitis").update(status=Toxicity.Status.DRAFT)
    response = client.get("/toxicity/sw.js")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/toxicity/"
    assert '"/toxicity/colitis/"' in body and '"/toxicity/task-force/"' in body
    assert "/toxicity/uveitis/" not in body


def test_pages_carry_no_inline_scripts(guidelines, client):
    for url in ("/toxicity/", "/toxicity/colitis/", "/toxicity/task-force/"):
        page = client.get(url).content.decode()
        assert "<script>" not in page and " style=" not in page


def test_sitemap_lists_published_guidelines_only(guidelines, client):
    Toxicity.objects.filter(slug="uveitis").update(status=Toxicity.Status.DRAFT)
    body = client.get("/sitemap.xml").content.decode()
    assert "/toxicity/colitis/" in body
    assert "/toxicity/uveitis/" not in body


def test_trials_can_link_a_therapy_class_to_its_toxicities(guidelines):
    ctla4 = list(Toxicity.objects.published().for_therapy_class("anti-CTLA-4"))
    assert ctla4[0].slug in {"colitis", "hypophysitis"} and ctla4[0].higher_risk
    car_t = set(
        Toxicity.objects.published().for_therapy_class("CAR-T").values_list("slug", flat=True)
    )
    assert car_t == {"cytokine-release-syndrome", "icans"}
    assert not Toxicity.objects.published().for_therapy_class("cancer vaccine").exists()
