"""Property-based tests of the whole API against its own live OpenAPI schema (schemathesis).

The schema is fetched from /api/v1/schema/ through the WSGI application, in-process, and every
operation and parameter it describes (core, every app's endpoints, the trials API and FHIR) is
exercised with generated valid (positive) and invalid (negative) input. Checks: no 5xx, every
status code and content type is documented, every JSON body matches its schema, and schema-valid
input is accepted.

The list of operations is read at collection; each test re-reads the live schema with the test
database in place, because the vocabulary enums (cancer types, drugs, sites) come from the database.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from ion_portal.models import CancerType
from ion_portal.vocabularies import seed_core_vocabularies
from ion_portal.wsgi import application
from tests.factories import make_detailed_trial
from trials.models import Drug
from trials.vocabularies import seed_drugs

SCHEMA_URL = "/api/v1/schema/?format=json"
MAX_EXAMPLES = 40


def _operations() -> list[str]:
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
    return sorted(
        f"{result.ok().method.upper()} {result.ok().path}" for result in schema.get_all_operations()
    )


OPERATIONS = _operations()


def test_schema_lists_every_public_endpoint():
    assert {
        "GET /api/v1/trials/",
        "GET /api/v1/trials/{nct_id}/",
        "GET /api/v1/drugs/",
        "GET /api/v1/drugs/{slug}/",
        "GET /api/v1/cancer-types/",
        "GET /api/v1/cancer-types/{slug}/",
        "GET /fhir/ResearchStudy",
        "GET /fhir/ResearchStudy/{id}",
        "GET /fhir/metadata",
    } <= set(OPERATIONS)


@pytest.fixture
def api_data(transactional_db, settings):
    # transactional_db, not db: on PostgreSQL a request the database refuses (a DataError, answered
    # 400) would otherwise abort the test's wrapping transaction and fail every later example;
    # production runs in autocommit, where each statement stands alone.
    # Thousands of generated requests must not trip the rate limit this suite tests elsewhere.
    settings.API_ANON_RATE = "1000000/min"
    # The flush after a transactional test removes migration-seeded vocabularies: restore them.
    seed_core_vocabularies(Group, CancerType)
    seed_drugs(Drug)
    make_detailed_trial(
        nct_id="NCT01234567", cancer_types=("melanoma",), drugs=("nivolumab", "ipilimumab")
    )
    make_detailed_trial(
        nct_id="NCT07654321", overall_status="COMPLETED", phases=("PHASE1", "PHASE2")
    )
    make_detailed_trial(status="draft")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation", OPERATIONS)
def test_operation_conforms_to_the_schema(api_data, operation, mode):
    method, path = operation.split(" ", 1)
    schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
    api_operation = schema[path][method]
    if (
        mode == GenerationMode.NEGATIVE
        and not api_operation.query
        and not api_operation.path_parameters
    ):
        pytest.skip("No parameter to make invalid.")

    @given(case=api_operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        # The same examples on every run: CI stays reproducible (a fixed seed, not a random one).
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        # Not checked: that every schema-violating request is refused. The shared TrialFilter reads
        # an empty value (sex=, age=) as "no filter", as the HTML form needs; that is by design.
        case.call_and_validate(excluded_checks=[negative_data_rejection])

    run()
