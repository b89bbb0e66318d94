"""Every message of the education pages (templates/education and the education app) is in Dutch and
in French.

The messages are extracted the way makemessages does it: Django's `templatize` turns each template into
gettext calls, and the Python modules are read with `ast`. Each one must have a non-fuzzy translation
in locale/nl/LC_MESSAGES/django.po and locale/fr/LC_MESSAGES/django.po.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = {
    language: ROOT / "locale" / language / "LC_MESSAGES" / "django.po" for language in ("nl", "fr")
}
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext"}
TEMPLATE_CALL = re.compile(r"\b(?:gettext|pgettext|ngettext)\(\s*(u?'(?:[^'\\]|\\.)*')")


def _template_messages() -> set[str]:
    found = set()
    for path in (ROOT / "templates" / "education").rglob("*.html"):
        source = templatize(path.read_text(), origin=str(path))
        for literal in TEMPLATE_CALL.findall(source):
            found.add(ast.literal_eval(literal.removeprefix("u")))
    return found


def _python_messages() -> set[str]:
    found = set()
    for path in (ROOT / "education").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_NAMES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_the_extractor_finds_the_education_messages():
    # Guards the test below against silently checking nothing.
    messages = _template_messages() | _python_messages()
    assert "Add to calendar (.ics)" in messages
    assert "Journal club" in messages
    assert any(message.startswith("T cells are white blood cells") for message in messages)
    assert len(messages) > 150


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_no_education_message_is_untranslated(language):
    entries = polib.pofile(str(CATALOGUES[language]))
    catalogue = {entry.msgid: entry for entry in entries if not entry.obsolete}
    problems = []
    for message in sorted(_template_messages() | _python_messages()):
        entry = catalogue.get(message)
        if entry is None:
            problems.append(f"missing: {message!r}")
        elif not entry.translated() or "fuzzy" in entry.flags:
            problems.append(f"untranslated or fuzzy: {message!r}")
    assert problems == [], "\n".join(problems[:20])
