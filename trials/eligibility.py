"""Eligibility as a reader needs it: the record's markdown rendered to safe HTML, split into inclusion
and exclusion criteria, and registered ages ("18 Years") in the reader's language ("18 jaar").

ClinicalTrials.gov writes the criteria as markdown with escapes (`Age \\>= 18 years`, `\\[RNA\\]`,
`*` bullets). markdown-it renders it with raw HTML disabled (so any `<tag>` in a record stays text),
and nh3 then keeps only the handful of tags a list of criteria needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "br", "code", "blockquote"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")

# "Inclusion Criteria:", "INCLUSION CRITERIA", "**Key Exclusion Criteria:**" on a line of their own.
_HEADING = re.compile(
    r"^[ \t]*[*_#]*[ \t]*(?:key[ \t]+)?(inclusion|exclusion)(?:[ \t]+criteria)?"
    r"[ \t]*:?[ \t]*[*_]*[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class CriteriaSection:
    kind: str  # inclusion / exclusion / other
    title: str
    html: SafeString


def render_markdown(text: str) -> SafeString:
    """Safe HTML of a markdown text from a registry record."""
    html = _markdown.render(text or "")
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes={}))  # noqa: S308 (sanitised)


def criteria_sections(text: str) -> list[CriteriaSection]:
    """The criteria split at their "Inclusion Criteria" / "Exclusion Criteria" headings; text before
    the first heading (or all of it, when there is none) is one section of kind "other"."""
    titles = {"inclusion": _("Inclusion criteria"), "exclusion": _("Exclusion criteria")}
    text = text or ""
    sections: list[CriteriaSection] = []
    matches = list(_HEADING.finditer(text))
    head = text[: matches[0].start()] if matches else text
    if head.strip():
        sections.append(CriteriaSection("other", str(_("Criteria")), render_markdown(head)))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end() : end]
        kind = match.group(1).lower()
        if body.strip():
            sections.append(CriteriaSection(kind, str(titles[kind]), render_markdown(body)))
    return sections


_AGE = re.compile(r"^\s*(\d+)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)


def age_display(text: str) -> str:
    """A registered age ("18 Years", "6 Months") in the active language; other text unchanged."""
    match = _AGE.match(text or "")
    if not match:
        return text
    n, unit = int(match.group(1)), match.group(2).lower()
    forms = {
        "year": ngettext("%(n)d year", "%(n)d years", n),
        "month": ngettext("%(n)d month", "%(n)d months", n),
        "week": ngettext("%(n)d week", "%(n)d weeks", n),
        "day": ngettext("%(n)d day", "%(n)d days", n),
        "hour": ngettext("%(n)d hour", "%(n)d hours", n),
        "minute": ngettext("%(n)d minute", "%(n)d minutes", n),
    }
    return forms[unit] % {"n": n}
