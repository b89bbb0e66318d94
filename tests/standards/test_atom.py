"""Every Atom feed of the portal checked against RFC 4287 by tools we did not write:

- lxml's RELAX NG validator (libxml2) with the RFC's Appendix B schema (converted from the compact
  syntax by the `rnc2rng` package; no package ships the schema itself, so tests/standards/schemas/
  holds it, typed in from the RFC);
- `rfc3987-syntax` for "atom:id is an IRI" (RFC 4287 §4.2.6) and `rfc3339-validator` for the dates
  (§3.3);
- the RFC's Schematron rule the RELAX NG schema cannot say: every entry has an author (§4.1.2).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import rnc2rng
from lxml import etree
from rfc3339_validator import validate_rfc3339
from rfc3987_syntax import is_valid_syntax_iri

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = Path(__file__).parent / "schemas" / "rfc4287.rnc"
FEEDS = ["/trials/feed/", "/news/feed/", "/events/feed/"]


@cache
def _relaxng() -> etree.RelaxNG:
    rng = rnc2rng.dumps(rnc2rng.loads(SCHEMA.read_text()))
    # `namespace local = ""` becomes xmlns:local="", which XML forbids; nsName ns="" stays.
    return etree.RelaxNG(etree.fromstring(rng.replace(' xmlns:local=""', "").encode()))


def _check(xml: bytes) -> list[str]:
    """Every RFC 4287 problem of one feed document, as sentences."""
    document = etree.fromstring(xml)
    schema = _relaxng()
    problems = [str(e) for e in schema.error_log] if not schema.validate(document) else []
    feed_has_author = document.find(f"{ATOM}author") is not None
    for element in document.iter(f"{ATOM}id"):
        if not is_valid_syntax_iri(element.text or ""):
            problems.append(f"atom:id {element.text!r} is not an IRI")
    for name in ("updated", "published"):
        for element in document.iter(f"{ATOM}{name}"):
            if not validate_rfc3339(element.text or ""):
                problems.append(f"atom:{name} {element.text!r} is not an RFC 3339 date")
    for entry in document.iter(f"{ATOM}entry"):
        if entry.find(f"{ATOM}author/{ATOM}name") is None and not feed_has_author:
            problems.append(f"entry {entry.findtext(f'{ATOM}id')} has no author")
    return problems


def test_the_checker_finds_what_rfc_4287_forbids():
    """The checks can fail: an old-style feed (bare NCT ID as id, no author, a date without a
    zone, an unknown element) gives one problem for each."""
    bad = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>http://x.example/</id>
    <updated>2026-01-01T10:00:00</updated>
    <entry><title>e</title><id>NCT01234567</id><updated>2026-01-01T10:00:00Z</updated>
    <bogus/></entry></feed>"""
    problems = _check(bad)
    assert any("NCT01234567" in p and "IRI" in p for p in problems)
    assert any("has no author" in p for p in problems)
    assert any("RFC 3339" in p for p in problems)
    assert any("bogus" in p.lower() or "Element" in p for p in problems)


@pytest.mark.django_db
def test_every_feed_is_rfc_4287_atom_in_both_languages(client, seeded_demo):
    for path in FEEDS:
        for language in ("", "/nl"):
            response = client.get(language + path)
            assert response.status_code == 200
            assert response["Content-Type"].startswith("application/atom+xml")
            document = etree.fromstring(response.content)
            entries = document.findall(f"{ATOM}entry")
            assert entries, f"the demo data gives {path} entries"
            assert _check(response.content) == [], language + path
            for entry in entries:
                assert entry.findtext(f"{ATOM}id").startswith("tag:")
                assert entry.findtext(f"{ATOM}author/{ATOM}name").strip()
                assert "." not in entry.findtext(f"{ATOM}updated")  # whole seconds
        # An entry keeps its id whatever the language of the feed.
        ids = [
            [
                e.findtext(f"{ATOM}id")
                for e in etree.fromstring(client.get(lang + path).content).iter(f"{ATOM}entry")
            ]
            for lang in ("", "/nl")
        ]
        assert ids[0] == ids[1]
    trial_ids = [
        e.findtext(f"{ATOM}id")
        for e in etree.fromstring(client.get("/trials/feed/").content).iter(f"{ATOM}entry")
    ]
    assert all(",2025:trial/NCT" in i for i in trial_ids)
