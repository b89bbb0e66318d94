"""The Dutch catalogue is complete and its compiled .mo matches the .po."""

from pathlib import Path

import polib
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _entries():
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


def test_every_dutch_entry_is_translated_and_not_fuzzy():
    missing = [entry.msgid for entry in _entries() if not entry.translated()]
    fuzzy = [entry.msgid for entry in _entries() if "fuzzy" in entry.flags]
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_compiled_catalogue_matches_the_po_file():
    # A stale .mo (po edited, compilemessages forgotten) would serve English or old Dutch.
    stale = []
    with translation.override("nl"):
        for entry in _entries():
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
        f"{len(stale)} entries differ from the .mo, e.g. {stale[:5]}: run make messages"
    )
