"""The pages a hospital site must publish (privacy notice, cookies, accessibility statement, legal
notice): editable `SitePage` rows, their URLs, a small plain-text renderer and the demo texts' loader."""

from __future__ import annotations

from pathlib import Path

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ion_portal.models import SitePage

DEMO_TEXTS = Path(__file__).resolve().parent / "data" / "site_pages"
SLUGS = {
    SitePage.Kind.PRIVACY: "privacy/",
    SitePage.Kind.COOKIES: "cookies/",
    SitePage.Kind.ACCESSIBILITY: "accessibility/",
    SitePage.Kind.LEGAL: "legal-notice/",
}


def render_text(text: str) -> SafeString:
    """Plain text to HTML: blank lines separate blocks; `## ` starts a heading, `- ` a list item.
    Everything is escaped; addresses and links become links."""
    html = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## ") and len(lines) == 1:
            html.append(f"<h2>{escape(lines[0][3:].strip())}</h2>")
        elif all(line.startswith("- ") for line in lines):
            items = "".join(
                f"<li>{urlize(line[2:].strip(), autoescape=True)}</li>" for line in lines
            )
            html.append(f"<ul>{items}</ul>")
        else:
            paragraph = "<br>".join(urlize(line, autoescape=True) for line in lines)
            html.append(f"<p>{paragraph}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 - every piece above is escaped


def site_page(request, kind: str):
    """One of the pages, in the language of the request (English, marked as such, when the page has no
    text in that language)."""
    page = SitePage.objects.filter(kind=kind).first()
    if page is None:
        raise Http404
    language = get_language()
    return render(
        request,
        "ion_portal/site_page.html",
        {
            "page": page,
            "page_language": page.language_in(language),
            "title": page.title_in(language),
            "body": render_text(page.body_in(language)),
        },
    )


urlpatterns = [
    path(slug, site_page, {"kind": kind}, name=f"site_page_{kind}") for kind, slug in SLUGS.items()
]


def _demo_text(kind: str, language: str) -> tuple[str, str]:
    lines = (DEMO_TEXTS / f"{kind}.{language}.txt").read_text(encoding="utf-8").split("\n")
    if not lines[0].startswith("# "):
        raise ValueError(f"{kind}.{language}.txt must start with '# Title'")
    return lines[0][2:].strip(), "\n".join(lines[1:]).strip()


def site_pages_load() -> int:
    """Create the pages that are missing from the demo texts (marked as demo); never touch existing
    ones, which a curator may have edited. Returns how many were created."""
    created = 0
    for kind in SitePage.Kind.values:
        if SitePage.objects.filter(kind=kind).exists():
            continue
        title_en, body_en = _demo_text(kind, "en")
        title_nl, body_nl = _demo_text(kind, "nl")
        title_fr, body_fr = _demo_text(kind, "fr")
        SitePage.objects.create(
            kind=kind,
            title_en=title_en,
            body_en=body_en,
            title_nl=title_nl,
            body_nl=body_nl,
            title_fr=title_fr,
            body_fr=body_fr,
            is_demo=True,
        )
        created += 1
    return created
