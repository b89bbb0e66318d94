"""Search finds a guideline by name, alias, spelling, lay or nurse word (English and Dutch), organ, CTCAE
term, MedDRA code, drug or class; ranks the obvious one first; corrects typos; opens at a grade."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from toxicity.models import Toxicity
from toxicity.search import VocabularyError, fold, load_vocabulary, normalise, search, stem


@pytest.fixture(autouse=True)
def _english_urls():
    # A request to /nl/ leaves Dutch active in this thread, and reverse() would then give /nl/ paths.
    with translation.override("en"):
        yield


def slugs(query, language="en"):
    return [hit.toxicity.slug for hit in search(query, language=language).hits]


# --- normalisation ----------------------------------------------------------------------------------
def test_british_and_american_spellings_normalise_alike_in_english():
    assert normalise("Diarrhoea", "en") == normalise("diarrhea", "en")
    assert normalise("oedema", "en") == normalise("edema", "en")
    assert normalise("haemorrhage", "en") == normalise("hemorrhage", "en")
    assert normalise("Diarrhœa", "en") == normalise("diarrhea", "en")


def test_no_english_spelling_rule_touches_dutch():
    # The old rule turned "moe" (tired) into "me" and matched four unrelated guidelines.
    assert normalise("moe", "nl") == ["moe"]
    assert normalise("hoest", "nl") == ["hoest"]
    assert stem("toes", "en") == "toe"  # and English everyday words keep their "oe"


def test_dutch_plurals_diminutives_and_adjectives_meet_their_base_form():
    assert stem("ogen", "nl") == stem("oog", "nl")
    assert stem("blaren", "nl") == stem("blaar", "nl")
    assert stem("gele", "nl") == stem("geel", "nl")
    assert stem("vlekjes", "nl") == stem("vlek", "nl")
    assert stem("kortademigheid", "nl") == stem("kortademig", "nl")
    assert stem("spieren", "nl") == "spier"


def test_english_endings_meet_their_base_form():
    assert stem("itching", "en") == stem("itchy", "en") == stem("itch", "en")
    assert stem("dizziness", "en") == stem("dizzy", "en")
    assert stem("stools", "en") == stem("stool", "en")
    assert stem("colitis", "en") == "colitis"  # -is is not a plural


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Guillain-Barré") == "guillain barre"
    assert fold("Bijnierinsufficiëntie!") == "bijnierinsufficientie"


# --- matching ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("diarrhoea", "colitis"),
        ("diarrhea", "colitis"),
        ("loose stools", "colitis"),
        ("rash", "skin-rash"),
        ("itching", "skin-rash"),
        ("short of breath", "pneumonitis"),
        ("dyspnoea", "pneumonitis"),
        ("hyperglycaemia", "type-1-diabetes"),
        ("liver", "hepatitis"),
        ("thyroid", "hypothyroidism"),
        ("Guillain-Barre", "guillain-barre"),
        ("guillain barré", "guillain-barre"),
        ("Pneumonitis", "pneumonitis"),  # the CTCAE term
        ("10028606", "myocarditis"),  # the MedDRA code
        ("kortademig", "pneumonitis"),
        ("diarr", "colitis"),  # a prefix, as typed in the live search
    ],
)
def test_each_alias_and_spelling_finds_its_toxicity(demo_guidelines, db, query, slug):
    assert slug in slugs(query)


def test_every_alias_finds_its_own_toxicity(demo_guidelines, db):
    for toxicity in Toxicity.objects.published():
        for alias in toxicity.alias_list:
            assert toxicity.slug in slugs(alias), (alias, toxicity.slug)


def test_words_match_whole_or_as_prefix_never_as_substring(demo_guidelines, db):
    # "ten" (the TEN of SJS/TEN) is inside "tendinitis", "attention" and "often": none of those count.
    assert "arthritis" not in slugs("ten")
    # "moe" must not match "moeite" (trouble): it finds the guidelines where tiredness is a symptom.
    found = slugs("moe", "nl")
    assert found and "myasthenia-gravis" not in found and "icans" not in found


def test_dutch_moe_finds_tiredness_guidelines_only(demo_guidelines, db):
    found = set(slugs("moe", "nl"))
    assert found <= {
        "hypothyroidism",
        "adrenal-insufficiency",
        "hypophysitis",
        "hepatitis",
        "myocarditis",
    }


def test_dutch_compounds_are_split_into_known_parts(demo_guidelines, db):
    assert slugs("buikpijn", "nl")[0] == "colitis"
    assert slugs("pijn in de buik", "nl")[0] == "colitis"
    assert slugs("ademhalingsproblemen", "nl")[0] == "pneumonitis"
    assert not slugs("hartstikke", "nl")  # "hart" + "stikke" is no compound of the vocabulary


def test_not_refines_a_phrase_but_finds_nothing_alone(demo_guidelines, db):
    assert slugs("not weeing much")[0] == "nephritis"
    assert slugs("passing much urine")[0] == "type-1-diabetes"
    assert not slugs("not well")


@pytest.mark.parametrize("query", ["xyzzy", "qwertyuiop", "of the"])
def test_nonsense_finds_nothing(demo_guidelines, db, query):
    assert not search(query).hits


def test_unknown_words_beside_a_symptom_do_not_hide_it(demo_guidelines, db):
    # Patients add words the vocabulary does not know; the symptom still counts.
    assert slugs("diarrhoea xyzzy")[0] == "colitis"


def test_search_never_returns_drafts(demo_guidelines, db):
    Toxicity.objects.filter(slug="colitis").update(status=Toxicity.Status.DRAFT)
    assert "colitis" not in slugs("diarrhoea")
    assert not Toxicity.objects.published().search("diarrhoea").filter(slug="colitis").exists()


def test_queryset_search_keeps_the_ranking(demo_guidelines, db):
    ranked = list(Toxicity.objects.published().search("red eye").values_list("slug", flat=True))
    assert ranked == slugs("red eye")


# --- multi-word queries and ranking -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "language", "first"),
    [
        ("red eye", "en", "uveitis"),
        ("chest pain", "en", "myocarditis"),
        ("pijn op de borst", "nl", "myocarditis"),
        ("pijn in de buik", "nl", "colitis"),  # "buikpijn" split into its parts
        ("yellow skin", "en", "hepatitis"),
        ("grade 3 colitis", "en", "colitis"),
        ("dunne ontlasting", "nl", "colitis"),
        ("verwardheid", "nl", "encephalitis"),
    ],
)
def test_the_obvious_guideline_comes_first(demo_guidelines, db, query, language, first):
    assert slugs(query, language)[0] == first


def test_red_eye_ranks_uveitis_before_hepatitis(demo_guidelines, db):
    found = slugs("red eye")
    assert found[0] == "uveitis"
    assert "hepatitis" not in found[:1]


def test_a_grade_in_the_query_opens_the_guideline_at_that_grade(demo_guidelines, db, client):
    for query in ("grade 3 colitis", "colitis G3", "colitis graad 3", "colitis grade III"):
        outcome = search(query)
        assert outcome.grade == 3, query
        assert outcome.hits[0].toxicity.slug == "colitis"
        assert outcome.hits[0].url == reverse("toxicity:detail", args=["colitis"]) + "#grade-3"
    # The anchor exists on the guideline page.
    page = client.get(reverse("toxicity:detail", args=["colitis"]))
    assert 'id="grade-3"' in page.content.decode()


# --- drugs and classes ------------------------------------------------------------------------------
CHECKPOINT_COUNT = 17


@pytest.mark.parametrize(
    "query", ["pembrolizumab", "Keytruda", "MK-3475", "nivolumab", "anti-PD-1"]
)
def test_a_checkpoint_inhibitor_lists_the_checkpoint_guidelines(demo_guidelines, db, query):
    found = slugs(query)
    assert len(found) == CHECKPOINT_COUNT
    assert "cytokine-release-syndrome" not in found and "icans" not in found


def test_ipilimumab_lists_its_higher_risk_guidelines_first(demo_guidelines, db):
    outcome = search("ipilimumab")
    first_two = {hit.toxicity.slug for hit in outcome.hits[:2]}
    assert first_two == {"colitis", "hypophysitis"}  # anti-CTLA-4: higher risk for both
    assert all(hit.higher_risk for hit in outcome.hits[:2])
    assert not any(hit.higher_risk for hit in outcome.hits[2:])
    assert outcome.drugs == ["ipilimumab"]
    assert len(outcome.hits) == CHECKPOINT_COUNT


@pytest.mark.parametrize(
    "query", ["CAR-T", "car t", "Yescarta", "axicabtagene ciloleucel", "Kymriah"]
)
def test_car_t_lists_crs_and_icans(demo_guidelines, db, query):
    assert set(slugs(query)) == {"cytokine-release-syndrome", "icans"}


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("checkpoint inhibitors", CHECKPOINT_COUNT),
        ("BiTE", 2),
        ("bispecific", 2),
        ("ICI", CHECKPOINT_COUNT),
    ],
)
def test_a_therapy_family_or_class_acronym_lists_its_guidelines(demo_guidelines, db, query, count):
    assert len(slugs(query)) == count


def test_an_everyday_word_is_not_read_as_a_class(demo_guidelines, db):
    assert not search("insect bite").drugs


def test_a_drug_with_a_symptom_prefers_that_drugs_guidelines(demo_guidelines, db):
    assert slugs("confusion after CAR-T")[0] == "icans"
    assert slugs("confusion")[0] == "encephalitis"
    assert slugs("diarrhoea on ipilimumab")[0] == "colitis"


def test_a_drug_name_prefix_counts(demo_guidelines, db):
    assert len(slugs("pembro")) == CHECKPOINT_COUNT


# --- typos and "did you mean" -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "language", "suggestion", "slug"),
    [
        ("colitus", "en", "colitis", "colitis"),
        ("pnemonitis", "en", "pneumonitis", "pneumonitis"),
        ("diaree", "nl", "diarree", "colitis"),
        ("uveitus", "en", "uveitis", "uveitis"),
        ("pembrolizumap", "en", "pembrolizumab", "colitis"),
    ],
)
def test_a_typo_is_corrected_and_offered(demo_guidelines, db, query, language, suggestion, slug):
    outcome = search(query, language=language)
    assert outcome.suggestion == suggestion
    if slug:
        assert outcome.hits[0].toxicity.slug == slug


def test_a_correct_query_offers_no_correction(demo_guidelines, db):
    assert search("colitis").suggestion == ""


def test_a_symptom_search_runs_one_query_and_a_drug_search_two(
    demo_guidelines, db, django_assert_num_queries
):
    # One for the published guidelines (the index itself is cached); the drug vocabulary only when a
    # word is not a guideline word.
    search("loose stools")
    with django_assert_num_queries(1):
        search("loose stools")
    with django_assert_num_queries(2):
        search("Keytruda")


# --- the vocabulary files ----------------------------------------------------------------------------
def test_every_vocabulary_entry_names_a_guideline(demo_guidelines, db):
    known = set(Toxicity.objects.values_list("slug", flat=True))
    for language in ("en", "nl"):
        vocabulary = load_vocabulary(language)
        assert set(vocabulary) <= known, set(vocabulary) - known
        assert set(vocabulary) == known, known - set(vocabulary)  # every guideline has words


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list\n", r"nl\.yaml: the file must map guideline slugs"),
        (
            "colitis:\n  lay: [diarree]\n  typo: [x]\n",
            r"nl\.yaml: entry 'colitis': unknown field 'typo'",
        ),
        ("colitis:\n  lay: diarree\n", r"nl\.yaml: entry 'colitis', field 'lay': must be a list"),
        ("colitis:\n  lay: [diarree, '']\n", r"entry 'colitis', field 'lay', item 2"),
        ("Colitis Bad:\n  lay: [x]\n", r"entry 'Colitis Bad': the key must be a guideline slug"),
        ("colitis: [\n", r"nl\.yaml: not valid YAML"),
    ],
)
def test_a_broken_vocabulary_file_names_the_file_and_entry(tmp_path, text, message):
    (tmp_path / "nl.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(VocabularyError, match=message):
        load_vocabulary("nl", directory=tmp_path)


# --- pages: the card's words, the help texts, no-JS and live search ----------------------------------
class _ListItems(HTMLParser):
    """Collects the text of the <li> elements inside the element with a given class."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class, self.depth, self.items, self.current = css_class, 0, [], None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += 1
            if tag == "li":
                self.current = []
        elif self.css_class in classes:
            self.depth = 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "li" and self.current is not None:
            self.items.append(" ".join("".join(self.current).split()))
            self.current = None
        self.depth -= 1

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


# Which guideline(s) a symptom phrase of the card points to, by the words it contains (every matching
# rule counts: "gele huid of ogen" is hepatitis or an eye guideline). A phrase the card
# prints that none of these rules knows fails the test: add its rule (and words) when the card changes.
CARD_RULES = [
    (r"diarr|ontlasting|stool|buikpijn|stomach", {"colitis"}),
    (r"hoest|cough|kortadem|breath", {"pneumonitis"}),
    (r"uitslag|rash|jeuk|itch|blaren|blister", {"skin-rash"}),
    (r"gele|geel|yellow|donkere urine|dark urine", {"hepatitis", "myositis"}),
    (r"vermoeid|tired|moe", {"hypothyroidism", "adrenal-insufficiency", "hypophysitis"}),
    (r"hoofdpijn|headache", {"hypophysitis", "encephalitis"}),
    (r"duizel|dizz", {"hypophysitis", "adrenal-insufficiency"}),
    (r"borst|chest", {"myocarditis"}),
    (r"hartklop|palpit", {"myocarditis", "thyrotoxicosis"}),
    (
        r"spierzwak|spieren|spierpijn|muscle weak|weak or painful muscles|muscles",
        {"myositis", "myasthenia-gravis", "guillain-barre"},
    ),
    (r"woord|word|handschrift|handwriting|schrijven|writing", {"icans"}),
    (r"verward|confus|suf|drows|aanval|seizure", {"encephalitis", "icans"}),
    (r"koorts|fever", {"cytokine-release-syndrome"}),
    (r"oog|ogen|eye|zicht|vision|zien", {"uveitis", "myasthenia-gravis"}),
    (r"ooglid|eyelid|dubbel|double|slik|swallow", {"myasthenia-gravis"}),
    (r"dorst|thirst|veel plassen|much urine|a lot of urine", {"type-1-diabetes"}),
    (r"minder plassen|minder urine|less urine", {"nephritis"}),
    (r"autorijden|driving", {"icans"}),  # advice after CAR-T, if the card lists it with the signs
]


def _card_phrases(client, language):
    page = client.get(
        reverse("toxicity:patient_card"), {"drugs": _card_drugs(client), "language": language}
    )
    parser = _ListItems("tox-card__symptoms")
    parser.feed(page.content.decode())
    assert parser.items, "the card shows no symptoms"
    return [phrase.strip() for item in parser.items for phrase in item.split(",") if phrase.strip()]


def _card_drugs(client):
    form = client.get(reverse("toxicity:patient_card")).content.decode()
    return re.findall(r'name="drugs" value="([^"]+)"', form)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_symptom_on_the_patient_card_finds_its_guideline(
    demo_guidelines, db, client, language
):
    phrases = _card_phrases(client, language)
    for phrase in phrases:
        expected = set()
        for pattern, guideline_slugs in CARD_RULES:
            if re.search(pattern, phrase.lower()):
                expected |= guideline_slugs
        assert expected, f"card phrase {phrase!r} has no rule in CARD_RULES"
        found = slugs(phrase, language)[:3]
        assert expected & set(found), (phrase, expected, found)
        for part in re.split(r"\b(?:of|or|en|and)\b", phrase):
            if any(len(key) >= 3 and key.isalpha() for key in normalise(part, language)):
                assert slugs(part, language), (part, phrase)  # every symptom on its own finds one


def test_the_words_the_help_texts_suggest_find_a_guideline(demo_guidelines, db, client):
    for prefix, language in (("", "en"), ("/nl", "nl")):
        page = client.get(prefix + reverse("toxicity:index"), {"q": "xyzzy"}).content.decode()
        help_text = re.search(r'<p class="form__help">[^:]*:([^<]*)</p>', page).group(1)
        examples = [word.strip(" .") for word in help_text.split(",")]
        empty = re.search(r"tox-results__empty\">(.*?)<a", page, re.S).group(1)
        examples += [
            w.strip() for group in re.findall(r"\(([^)]*)\)", empty) for w in group.split(",")
        ]
        assert len(examples) >= 8, examples
        for example in examples:
            assert slugs(example, language), (language, example)


def test_no_js_search_shows_did_you_mean_with_a_link(demo_guidelines, db, client):
    page = client.get(reverse("toxicity:index"), {"q": "colitus"}).content.decode()
    assert "Did you mean:" in page
    assert 'href="/toxicity/?q=colitis#tox-results"' in page
    assert reverse("toxicity:detail", args=["colitis"]) in page


def test_live_search_fragment_ranks_and_links_at_the_grade(demo_guidelines, db, client):
    fragment = client.get(
        reverse("toxicity:index"), {"q": "grade 3 colitis", "fragment": "results"}
    ).content.decode()
    assert "<html" not in fragment
    assert reverse("toxicity:detail", args=["colitis"]) + "#grade-3" in fragment


def test_dutch_page_search_finds_dutch_words(demo_guidelines, db, client):
    page = client.get("/nl" + reverse("toxicity:index"), {"q": "pijn op de borst"}).content.decode()
    assert reverse("toxicity:detail", args=["myocarditis"]) in page
    assert "Bedoelde u:" not in page


def test_a_drug_query_says_higher_risk_first(demo_guidelines, db, client):
    page = client.get(reverse("toxicity:index"), {"q": "ipilimumab"}).content.decode()
    assert "Higher risk with this drug" in page
    assert page.index("/toxicity/colitis/") < page.index("/toxicity/pneumonitis/")
