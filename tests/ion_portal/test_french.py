"""The portal in French (/fr/): every section renders in French on the demo data, the switcher and the
hreflang alternates offer French, the sitemap lists the French pages, the patient card and the site
pages exist in French, and content that exists only in English or Dutch is marked with its language."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.utils import translation

from education.models import NewsItem
from ion_portal.models import SitePage
from trials.models import Trial

pytestmark = pytest.mark.django_db

# The site chrome's English words: none may be left on a French page.
ENGLISH_CHROME = ["Skip to main content", "Change language", "Search the site", "About the network"]
FRENCH_CHROME = ["Aller au contenu principal", "Changer de langue", "Rechercher sur le site"]


@pytest.fixture
def demo(seeded_demo):
    yield
    translation.activate("en")  # a /fr/ request leaves French active in this thread


def _french_page(client, path: str, **params) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.status_code)
    html = unescape(response.content.decode())
    assert '<html lang="fr">' in html, path
    for english in ENGLISH_CHROME:
        assert english not in html, (path, english)
    for french in FRENCH_CHROME:
        assert french in html, (path, french)
    return html


def _a_trial() -> Trial:
    return Trial.objects.published().order_by("nct_id").first()


SECTIONS = [
    ("/fr/", {}, ["Par où commencer", "Patients et proches", "Cliniciens", "Chercheurs"]),
    ("/fr/about/", {}, ["Nos objectifs", "Comité de pilotage"]),
    ("/fr/contact/", {}, ["Contacter le réseau", "Envoyer le message"]),
    ("/fr/partners/", {}, ["Accès et limites", "Points d'accès"]),
    ("/fr/trials/", {"status": "all"}, ["Rechercher des essais", "Recrutement", "Trier par"]),
    ("/fr/toxicity/", {}, ["Effets indésirables liés à l'immunité : que faire maintenant"]),
    (
        "/fr/toxicity/colitis/",
        {},
        ["Prise en charge par grade", "Appeler le groupe de travail"],
    ),
    ("/fr/toxicity/task-force/", {}, ["Le groupe de travail irAE"]),
    ("/fr/toxicity/patient-card/", {}, ["Carte d'alerte patient", "Créer la carte"]),
    ("/fr/collaborations/", {}, ["Plateformes technologiques", "Collections d'échantillons"]),
    ("/fr/collaborations/platforms/", {}, ["Plateformes technologiques des laboratoires"]),
    ("/fr/events/", {}, ["Événements", "S'abonner"]),
    ("/fr/news/", {}, ["Actualités", "S'abonner aux actualités (flux Atom)"]),
    ("/fr/resources/", {}, ["Supports d'information"]),
    ("/fr/patients/immuno-oncology/", {}, ["Qu'est-ce que l'immuno-oncologie ?"]),
    ("/fr/patients/side-effects/", {}, ["Appelez immédiatement le 112 si vous avez"]),
    ("/fr/search/", {"q": "melanoma"}, ["Résultats pour « melanoma », par rubrique."]),
    ("/fr/accounts/login/", {}, ["Créer un compte"]),
    ("/fr/accounts/signup/", {}, ["Affiliation"]),
    ("/fr/privacy/", {}, ["Déclaration de confidentialité", "Vos droits"]),
]


def test_each_section_is_in_french(demo, client):
    # One test over every section: the demo data is loaded once.
    missing = []
    for path, params, french in SECTIONS:
        html = _french_page(client, path, **params)
        missing += [(path, text) for text in french if text not in html]
    assert missing == []


def test_a_trial_page_is_in_french_with_its_registry_text_marked_english(demo, client):
    trial = _a_trial()
    html = _french_page(client, f"/fr/trials/{trial.nct_id}/")
    assert "En bref" in html and "Qui peut participer" in html and "Comment participer" in html
    assert f'<h1><span lang="en">{unescape(trial.brief_title)}</span>' in html
    assert '<span class="language-note" lang="fr">(en anglais)</span></h1>' in html
    assert "Les textes du registre sur cette page" in html
    if trial.brief_summary:
        assert '<div lang="en">' in html


def test_english_pages_carry_no_language_note(demo, client):
    trial = _a_trial()
    html = client.get(f"/trials/{trial.nct_id}/").content.decode()
    assert "language-note" not in html and "notice--language" not in html
    assert "language-note" not in client.get("/toxicity/colitis/").content.decode()


def test_dutch_pages_mark_english_content_in_dutch(demo, client):
    html = unescape(client.get("/nl/toxicity/colitis/").content.decode())
    assert "De klinische inhoud van de richtlijnen" in html
    assert '<span class="language-note" lang="nl">(in het Engels)</span>' in html
    translation.activate("en")


def test_the_guideline_page_says_its_clinical_content_is_english(demo, client):
    html = _french_page(client, "/fr/toxicity/colitis/")
    assert '<h1 lang="en">Diarrhoea and colitis</h1>' in html
    assert "Le contenu clinique des recommandations" in html
    index = _french_page(client, "/fr/toxicity/")
    assert (
        'Toutes les recommandations <span class="language-note" lang="fr">(en anglais)</span>'
        in (index)
    )


def test_news_in_dutch_or_english_is_marked_on_french_pages(demo, client):
    dutch = NewsItem.objects.published().filter(language="nl").first()
    english = NewsItem.objects.published().filter(language="en").first()
    assert dutch is not None and english is not None  # the demo has both
    listing = _french_page(client, "/fr/news/")
    assert '<article class="news-card" lang="nl">' in listing
    assert "(en néerlandais)" in listing and "(en anglais)" in listing
    detail = _french_page(client, f"/fr/news/{dutch.slug}/")
    assert '<article class="news-article" lang="nl">' in detail
    assert (
        f'{unescape(dutch.title)} <span class="language-note" lang="fr">(en néerlandais)</span>'
        in (detail)
    )
    # Dutch news on a Dutch page: no note.
    translation.activate("en")
    nl_detail = unescape(client.get(f"/nl/news/{dutch.slug}/").content.decode())
    assert "language-note" not in nl_detail.split("<article", 1)[1].split("</h1>", 1)[0]


def test_a_french_news_item_is_not_marked_on_the_french_page(demo, client):
    item = NewsItem.objects.published().first()
    NewsItem.objects.filter(pk=item.pk).update(language="fr")
    detail = _french_page(client, f"/fr/news/{item.slug}/")
    assert '<article class="news-article" lang="fr">' in detail
    assert "language-note" not in detail.split("<article", 1)[1].split("</h1>", 1)[0]


def test_the_patient_card_prints_in_french(demo, client):
    html = _french_page(
        client,
        "/fr/toxicity/patient-card/",
        drugs=["pembrolizumab", "axicabtagene ciloleucel"],
        language="fr",
    )
    card = html.split('<div class="tox-card" lang="fr">', 1)[1]
    for text in (
        "Je suis traité(e) par immunothérapie",
        "Équipe traitante",
        "Appelez immédiatement si vous avez :",
        "diarrhée, sang dans les selles ou mal au ventre",
        "fièvre de 38 °C ou plus",
        "ne pas conduire ni utiliser de machines pendant 8 semaines",
        "Pour les médecins",
    ):
        assert text in card, text
    assert "I am treated with immunotherapy" not in card


def test_the_card_language_is_independent_of_the_page_and_defaults_to_it(demo, client):
    # An English page can print a French card ...
    english_page = unescape(
        client.get(
            "/toxicity/patient-card/", {"drugs": ["nivolumab"], "language": "fr"}
        ).content.decode()
    )
    assert '<div class="tox-card" lang="fr">' in english_page
    assert "Je suis traité(e) par immunothérapie" in english_page
    assert "Card preview" in english_page  # the page around it stays English
    # ... and the French form offers French first.
    form = _french_page(client, "/fr/toxicity/patient-card/")
    assert re.search(r'<option value="fr"[^>]*selected>Français</option>', form), form
    translation.activate("en")
    assert re.search(
        r'<option value="en"[^>]*selected>', client.get("/toxicity/patient-card/").content.decode()
    )


def test_an_unknown_card_language_is_refused_with_a_clear_error(demo, client):
    html = _french_page(client, "/fr/toxicity/patient-card/", drugs=["nivolumab"], language="de")
    assert 'class="tox-card"' not in html
    assert "Sélectionnez un choix valide" in html  # Django's own French message


def test_every_page_lists_the_french_alternate(demo, client):
    trial = _a_trial()
    html = client.get(f"/trials/{trial.nct_id}/").content.decode()
    for code, prefix in (("en", ""), ("nl", "/nl"), ("fr", "/fr")):
        assert (
            f'<link rel="alternate" hreflang="{code}" '
            f'href="http://testserver{prefix}/trials/{trial.nct_id}/">' in html
        ), code
    french = client.get("/fr/about/").content.decode()
    assert '<link rel="alternate" hreflang="en" href="http://testserver/about/">' in french
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/fr/about/">' in french


def test_the_sitemap_lists_french_pages_with_alternates(demo, client, settings):
    settings.SITE_URL = "https://portal.example.net"
    body = client.get("/sitemap.xml").content.decode()
    locs = set(re.findall(r"<loc>([^<]+)</loc>", body))
    site = settings.SITE_URL
    trial = _a_trial()
    for path in ("/", "/trials/", f"/trials/{trial.nct_id}/", "/toxicity/colitis/", "/events/"):
        for prefix in ("", "/nl", "/fr"):
            assert f"{site}{prefix}{path}" in locs, prefix + path
    assert f'hreflang="fr" href="{site}/fr/trials/{trial.nct_id}/"' in body
    assert len([loc for loc in locs if loc.startswith(f"{site}/fr/")]) == len(
        [loc for loc in locs if loc.startswith(f"{site}/nl/")]
    )


def test_the_switcher_offers_french_and_keeps_the_page(demo, client):
    html = client.get("/about/").content.decode()
    assert '<option value="fr" lang="fr">Français</option>' in html
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/about/"})
    assert response.status_code == 302 and response["Location"] == "/fr/about/"
    back = client.post(
        "/i18n/setlang/", {"language": "nl", "next": "/fr/about/"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert back["Location"] == "/nl/about/"
    switcher = unescape(client.get("/fr/about/").content.decode())
    assert '<option value="fr" lang="fr" selected>Français</option>' in switcher
    assert '<option value="nl" lang="nl">Nederlands</option>' in switcher


def test_robots_txt_keeps_french_private_pages_out(client):
    body = client.get("/robots.txt").content.decode()
    for path in ("/fr/admin/", "/fr/accounts/", "/fr/account/"):
        assert f"Disallow: {path}\n" in body


def test_site_pages_are_in_french_and_fall_back_to_marked_english(demo, client):
    for kind, path, title in (
        ("privacy", "/fr/privacy/", "Déclaration de confidentialité"),
        ("cookies", "/fr/cookies/", "Cookies"),
        ("accessibility", "/fr/accessibility/", "Déclaration d'accessibilité"),
        ("legal", "/fr/legal-notice/", "Mentions légales"),
    ):
        page = SitePage.objects.get(kind=kind)
        assert page.title_fr == title and "émonstration" in page.body_fr
        html = _french_page(client, path)
        assert f"<h1>{title}</h1>" in html and "language-note" not in html
    # A curator's own page without a French text yet: the English one, marked.
    SitePage.objects.filter(kind="legal").update(
        title_en="Legal notice", body_en="Our own text.", title_fr="", body_fr="", is_demo=False
    )
    html = _french_page(client, "/fr/legal-notice/")
    assert (
        '<h1><span lang="en">Legal notice</span> '
        '<span class="language-note" lang="fr">(en anglais)</span></h1>' in html
    )
    assert '<div class="site-page__body" lang="en"><p>Our own text.</p></div>' in html


def test_the_migration_gives_existing_demo_pages_their_french_text():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("ion_portal.migrations.0008_sitepage_french")
    SitePage.objects.create(
        kind="cookies",
        title_en="Cookies",
        body_en="x",
        title_nl="Cookies",
        body_nl="x",
        is_demo=True,
    )
    SitePage.objects.create(
        kind="legal", title_en="Ours", body_en="x", title_nl="Ons", body_nl="x", is_demo=False
    )
    migration.french_demo_texts(apps, None)
    cookies, legal = SitePage.objects.get(kind="cookies"), SitePage.objects.get(kind="legal")
    assert cookies.title_fr == "Cookies" and cookies.body_fr.startswith("Texte de démonstration")
    assert legal.title_fr == "" and legal.body_fr == ""  # a curator's page is left alone
