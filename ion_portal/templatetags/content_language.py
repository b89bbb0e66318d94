"""Marking content that is not in the page's language.

Clinical guidelines, trial records from ClinicalTrials.gov and some news items exist only in English (or only
in Dutch). On a page in another language such content keeps its own `lang` attribute (screen readers switch
voice, browsers hyphenate correctly) and gets a visible note, "(en anglais)", so nobody mistakes it for a
missing translation:

    {% load content_language %}
    <h1><span lang="en">{{ trial.brief_title }}</span>{% language_note "en" %}</h1>
    {% if item.language|is_foreign %}…{% endif %}
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

register = template.Library()


def _in(code: str) -> str:
    """ "(in English)" in the active language; other languages by their translated name."""
    notes = {"en": _("(in English)"), "nl": _("(in Dutch)"), "fr": _("(in French)")}
    if code in notes:
        return notes[code]
    try:
        name = get_language_info(code)["name_translated"]
    except KeyError:
        name = code
    return _("(in %(language)s)") % {"language": name}


def differs(code: str | None) -> bool:
    """True when content in `code` is shown on a page in another language."""
    active = (get_language() or "en").split("-")[0]
    return bool(code) and code.split("-")[0] != active


@register.simple_tag
def language_note(code: str | None) -> str:
    """A visible "(in English)" after content in `code`, on pages in any other language; else nothing."""
    if not differs(code):
        return ""
    # The note itself is in the page's language, also when it sits inside the foreign element.
    return format_html(
        ' <span class="language-note" lang="{}">{}</span>', get_language() or "en", _in(code)
    )


@register.filter
def is_foreign(code: str | None) -> bool:
    """{% if item.language|is_foreign %}: the content's language is not the page's."""
    return differs(code)
