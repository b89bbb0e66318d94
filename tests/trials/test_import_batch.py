"""Batched import (#14): queries per batch do not grow with the number of records, a record the database
refuses in the middle of a batch fails alone with nothing of it written, and a re-import in a batch keeps
(and flags) the curators' criteria."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trials.import_prepare import legacy_fingerprint, prepare
from trials.models import Trial, TrialLocation, TrialSite
from trials.models_criteria import CriterionStatus, EligibilityCriterion
from trials.recognition import Recogniser
from trials.services import import_records, parse_payload

from .conftest import CTGOV_DIR

SOURCE = "NCT04267848"


def _study(nct_id: str, **changes) -> dict:
    study = json.loads((CTGOV_DIR / f"{SOURCE}.json").read_text())
    protocol = study["protocolSection"]
    protocol["identificationModule"]["nctId"] = nct_id
    for path, value in changes.items():
        module, key = path.split(".")
        protocol[module][key] = value
    return study


def _page(studies: list[dict]) -> list:
    return parse_payload(json.dumps({"studies": studies}), label="page")


def _copies(count: int, start: int = 0) -> list:
    """Copies of one record with new NCT ids, each with 20 of its 1,150 locations (on SQLite, a
    bulk insert is split every 1,000 rows: the statements grow with the rows, not the records)."""
    studies = [_study(f"NCT0{9000000 + start + i:07d}") for i in range(count)]
    for study in studies:
        module = study["protocolSection"]["contactsLocationsModule"]
        module["locations"] = module["locations"][:20]
    return _page(studies)


RECOGNISER = 3  # the vocabularies, read once per import: cancer types, drugs, network units
# Read the fingerprints, savepoint, lock and read the trials, insert them and their history rows,
# interventions, their drugs, arms, their interventions, locations (PostgreSQL: a COPY, not counted),
# cancer-type links, search vectors (PostgreSQL only), read and insert criteria, release the savepoint.
WRITE_BATCH = {"sqlite": 14, "postgresql": 14}
# At the end of the import (trials/facets.py, once, not per batch): savepoint, claim the trials the
# triggers queued (DELETE … RETURNING), rebuild their facet rows, delete rows of unpublished ones, write
# the rows' new token and prune old tokens (trials/facet_index.py: each process's copy knows it is old),
# release.
FACET_REFRESH = 7


def _queries(records) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        report = import_records(records)
    return len(captured), report


@pytest.mark.django_db
def test_queries_per_batch_do_not_grow_with_the_number_of_records():
    import_records(_copies(1, start=900))  # warm-up: the first query of a connection, caches
    first_10, report_10 = _queries(_copies(10))
    first_40, report_40 = _queries(_copies(40, start=100))
    again_10, again_report_10 = _queries(_copies(10))
    again_40, again_report_40 = _queries(_copies(40, start=100))

    assert report_10.count("created") == 10 and report_40.count("created") == 40
    assert again_report_10.count("unchanged") == 10 and again_report_40.count("unchanged") == 40
    # One batch: the same statements for 10 and for 40 records (the old import made ~17 per record).
    assert first_40 == first_10
    assert first_40 == RECOGNISER + WRITE_BATCH[connection.vendor] + FACET_REFRESH
    # An unchanged re-import reads the batch's fingerprints in one query and writes nothing.
    assert again_40 == again_10 == RECOGNISER + 1
    assert Trial.objects.count() == 51
    assert TrialLocation.objects.filter(trial__nct_id="NCT09000139").count() == 20


REFUSED = "Refused by the database"


@pytest.fixture
def refusing_database(db):
    """A database that refuses one intervention name and one location facility (triggers, so the
    refusal comes from the database itself, after the batch's trial rows were written)."""
    with connection.cursor() as cursor:
        for table, column in (
            ("trials_intervention", "name"),
            ("trials_triallocation", "facility"),
        ):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"CREATE FUNCTION refuse_{table}() RETURNS trigger AS $$ BEGIN "
                    f"IF NEW.{column} = '{REFUSED}' THEN RAISE EXCEPTION 'refused'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    f"CREATE TRIGGER refuse BEFORE INSERT ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                    f"WHEN NEW.{column} = '{REFUSED}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )


def _rows_of(nct_id: str) -> dict:
    """What the import writes for one trial, as comparable values."""
    trial = Trial.objects.get(nct_id=nct_id)
    return {
        "trial": (trial.brief_title, trial.updated_at, trial.import_fingerprint),
        "history": Trial.history.filter(nct_id=nct_id).count(),
        "interventions": list(trial.interventions.values_list("pk", "name")),
        "arms": list(trial.arm_groups.values_list("pk", "label")),
        "locations": list(trial.locations.values_list("pk", flat=True)),
        "sites": list(TrialSite.all_objects.filter(trial=trial).values_list("pk", flat=True)),
        "criteria": list(trial.criteria.values_list("pk", flat=True)),
    }


@pytest.mark.parametrize("refused", ["intervention", "location"])
def test_a_record_the_database_refuses_mid_batch_fails_alone_and_writes_nothing(
    refusing_database, refused
):
    bad = _study("NCT09000002")
    if refused == "intervention":
        bad["protocolSection"]["armsInterventionsModule"]["interventions"][0]["name"] = REFUSED
    else:  # the last location: PostgreSQL writes locations with COPY
        bad["protocolSection"]["contactsLocationsModule"]["locations"][-1]["facility"] = REFUSED
    good = [_study("NCT09000001"), _study("NCT09000003"), _study("NCT09000004")]

    report = import_records(_page([good[0], bad, good[1], good[2]]))

    assert [r.outcome for r in report.results] == ["created", "failed", "created", "created"]
    assert "The database refused the record" in report.results[1].message
    assert report.results[1].nct_id == "NCT09000002"
    assert not Trial.objects.filter(nct_id="NCT09000002").exists()
    assert Trial.history.filter(nct_id="NCT09000002").count() == 0
    for nct_id in ("NCT09000001", "NCT09000003", "NCT09000004"):
        trial = Trial.objects.get(nct_id=nct_id)
        assert trial.interventions.count() == len(
            good[0]["protocolSection"]["armsInterventionsModule"]["interventions"]
        )
        assert trial.criteria.exists() and trial.search_terms
    # Refreshing a stored trial with the refused record changes nothing of it either.
    before = _rows_of("NCT09000003")
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT09000003"
    bad["protocolSection"]["identificationModule"]["briefTitle"] = "Changed"
    report = import_records(_page([bad, _study("NCT09000005")]))
    assert [r.outcome for r in report.results] == ["failed", "created"]
    assert _rows_of("NCT09000003") == before
    assert Trial.objects.count() == 4


@pytest.mark.django_db
def test_a_batched_reimport_keeps_confirmed_criteria_and_flags_a_changed_sentence():
    import_records(_page([_study("NCT09000001"), _study("NCT09000002")]))
    confirmed = {}
    for nct_id in ("NCT09000001", "NCT09000002"):
        criterion = EligibilityCriterion.objects.filter(trial__nct_id=nct_id, kind="ecog").get()
        criterion.status = CriterionStatus.CONFIRMED
        criterion.value = {"min": 0, "max": 1}
        criterion.save()
        confirmed[nct_id] = criterion
    text = _study("x")["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    sentence = confirmed["NCT09000002"].source_sentence
    assert sentence in text

    report = import_records(
        _page(
            [
                _study("NCT09000001", **{"identificationModule.briefTitle": "Retitled"}),
                _study(
                    "NCT09000002",
                    **{"eligibilityModule.eligibilityCriteria": text.replace(sentence, "")},
                ),
            ]
        )
    )

    assert [r.outcome for r in report.results] == ["updated", "updated"]
    kept = EligibilityCriterion.objects.get(pk=confirmed["NCT09000001"].pk)
    assert kept.status == CriterionStatus.CONFIRMED and not kept.source_changed
    assert kept.value == {"min": 0, "max": 1}
    flagged = EligibilityCriterion.objects.get(pk=confirmed["NCT09000002"].pk)
    assert flagged.status == CriterionStatus.CONFIRMED and flagged.source_changed
    assert flagged.value == {"min": 0, "max": 1}
    assert Trial.objects.get(nct_id="NCT09000001").brief_title == "Retitled"


@pytest.mark.django_db
def test_a_trial_stored_with_the_old_fingerprint_is_unchanged_and_gets_the_new_one():
    records = _page([_study("NCT09000001")])
    import_records(records)
    prepared = prepare(
        study=records[0].study,
        raw=records[0].raw,
        source=records[0].source,
        label="",
        recogniser=Recogniser(),
        validated=True,
    )
    Trial.objects.filter(nct_id="NCT09000001").update(
        import_fingerprint=legacy_fingerprint(prepared.derived)
    )
    history = Trial.history.count()

    report = import_records(records)

    assert [r.outcome for r in report.results] == ["unchanged"]
    assert Trial.history.count() == history
    trial = Trial.objects.get(nct_id="NCT09000001")
    assert trial.import_fingerprint == prepared.derived.fingerprint
    # A changed record with the old fingerprint is a normal update.
    Trial.objects.filter(pk=trial.pk).update(
        import_fingerprint=legacy_fingerprint(prepared.derived)
    )
    changed = _study("NCT09000001", **{"identificationModule.briefTitle": "Retitled"})
    assert [r.outcome for r in import_records(_page([changed])).results] == ["updated"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="column compression is PostgreSQL's")
def test_the_raw_record_is_compressed_with_lz4_and_reads_back_the_same():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute WHERE attrelid = 'trials_trial'::regclass "
            "AND attname = 'raw_record'"
        )
        assert cursor.fetchone()[0] == "l"  # trials 0015 (the default, pglz, is "")
    path = next(p for p in sorted(CTGOV_DIR.iterdir()) if p.suffix == ".json")
    records = list(parse_payload(path.read_text(encoding="utf-8-sig"), label=path.name))
    assert not import_records(records).failed
    expected = records[0].raw if records[0].raw is not None else records[0].study
    assert Trial.objects.get(nct_id=path.stem).raw_record == expected
