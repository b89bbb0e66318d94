"""The Dutch and French catalogues are complete, keep every placeholder, and their compiled .mo files
match the .po files."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
LANGUAGES = ["nl", "fr"]
# %-placeholders, {}-fields and HTML tags: a translation must carry exactly the msgid's.
TAGS = "a|abbr|b|br|code|em|i|kbd|li|mark|p|small|span|strong|sup|time|ul"
PLACEHOLDER = re.compile(rf"%\([^)]+\)[sdifr]|%[sdif]|\{{[^{{}}\s]*\}}|</?(?:{TAGS})\b[^>]*>")


def _catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def _entries(language: str):
    return [entry for entry in polib.pofile(str(_catalogue(language))) if not entry.obsolete]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_interface_language_has_a_catalogue():
    assert [code for code, _name in settings.LANGUAGES] == ["en", *LANGUAGES]
    for language in LANGUAGES:
        assert _catalogue(language).exists(), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(language):
    missing = [entry.msgid for entry in _entries(language) if not entry.translated()]
    fuzzy = [entry.msgid for entry in _entries(language) if "fuzzy" in entry.flags]
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert fuzzy == [], f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_and_tag(language):
    wrong = []
    for entry in _entries(language):
        if entry.msgid_plural:
            # The singular may drop the number ("un essai"); the plural must keep it.
            pairs = [(entry.msgid_plural, entry.msgstr_plural[1])]
            singular = entry.msgstr_plural[0]
            if not set(_placeholders(singular)) <= set(_placeholders(entry.msgid)):
                wrong.append(entry.msgid)
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        wrong += [source for source, text in pairs if _placeholders(source) != _placeholders(text)]
    assert wrong == [], f"{language}: {len(wrong)} with other placeholders, e.g. {wrong[:5]}"


def test_the_placeholder_check_can_fail():
    assert _placeholders("%(count)s <strong>trials</strong>") != _placeholders("%(nombre)s essais")
    assert _placeholders("Page %(number)s of %(total)s") == _placeholders(
        "Page %(number)s sur %(total)s"
    )


def test_french_plural_rule_is_belgian_french():
    # One for 0 and 1 ("0 essai", "1 essai"), the plural from 2.
    catalogue = polib.pofile(str(_catalogue("fr")))
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    with translation.override("fr"):
        forms = [translation.ngettext("%(n)d day", "%(n)d days", n) % {"n": n} for n in (0, 1, 2)]
    assert forms == ["0 jour", "1 jour", "2 jours"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(language):
    # A stale .mo (po edited, compilemessages forgotten) would serve English or old translations.
    stale = []
    with translation.override(language):
        for entry in _entries(language):
            if entry.msgid_plural:
                got = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
                expected = entry.msgstr_plural[0]
            elif entry.msgctxt:
                got, expected = translation.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
            else:
                got, expected = translation.gettext(entry.msgid), entry.msgstr
            if got != expected:
                stale.append(entry.msgid)
    assert stale == [], (
        f"{language}: {len(stale)} entries differ from the .mo, e.g. {stale[:5]}: run make messages"
    )
