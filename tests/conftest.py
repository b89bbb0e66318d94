"""Fixtures shared by the whole suite: users in each role, a clean cache, fast password hashing."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.test.utils import teardown_databases
from django.utils import translation
from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

from ion_portal import demo as core_demo
from ion_portal.models import CURATORS_GROUP, MEMBERS_GROUP, PARTNERS_GROUP, User
from tests import live_db
from tests.factories import give_second_factor, make_user
from tests.live_db import _read_only_server, read_only_live_server  # noqa: F401 (fixtures)
from tests.shared_db import shared_setup_databases
from tests.snapshots import FAST_HASHERS, RowSnapshot, shared_folder, shared_snapshot
from trials import demo as trials_demo

# ion_portal.wsgi starts reading the facet copy in a thread when it is imported (as a web process
# starts); test modules import it before any test database exists. tests/trials/test_facet_index.py
# runs that start-up read itself, and the gunicorn of .ci/production-checks does it for real.
os.environ.setdefault("FACET_COPY_WARM_UP", "false")


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
    tmp_path_factory,
):
    """pytest-django's fixture (fixtures.py), except that the xdist workers migrate once between them
    (tests.shared_db); the folder of the run's temporary files is the one the workers share."""
    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    if any(live_db.is_read_only(item) for item in request.session.items):
        aliases.add(DEFAULT_DB_ALIAS)  # pytest-django counts the read-only tests' fixtures out
    shared = shared_folder(tmp_path_factory) / "migrated-db"
    with django_db_blocker.unblock():
        config = shared_setup_databases(
            shared,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            verbosity=request.config.option.verbose,
            keepdb=keepdb,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True, scope="session")
def _redis_database_per_worker():
    """pytest-xdist workers share one Redis; each clears the cache around every test (FLUSHDB), which
    would wipe the other worker's rate-limit counters mid-test. Each worker gets a database of its own."""
    import re

    from django.conf import settings as django_settings
    from django.test import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    caches = django_settings.CACHES
    location = caches["default"].get("LOCATION", "")
    match = re.fullmatch(r"(rediss?://[^/]+)/?(\d*)", location) if worker else None
    if match is None:
        yield
        return
    number = int(match.group(2) or 0) + 1 + int(worker.removeprefix("gw") or 0)
    default = {**caches["default"], "LOCATION": f"{match.group(1)}/{number % 16}"}
    with override_settings(CACHES={**caches, "default": default}):
        yield


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # MD5 keeps account tests fast; the cache holds rate-limit counters that must not leak between tests.
    settings.PASSWORD_HASHERS = FAST_HASHERS
    cache.clear()
    yield
    cache.clear()
    # A request to a /nl/ page leaves Dutch active in this thread (LocaleMiddleware activates, nothing
    # deactivates): the next test's reverse() would give /nl/ URLs and its pages would be Dutch.
    translation.deactivate()


@pytest.fixture
def admin_user(db) -> User:
    """pytest-django's superuser, with the second factor the admin requires."""
    return give_second_factor(make_user("admin@example.com", is_staff=True, is_superuser=True))


@pytest.fixture
def user(db) -> User:
    """Signed-up, verified, but not yet approved as a member."""
    return make_user("newcomer@example.org")


@pytest.fixture
def member(db) -> User:
    return make_user("member@example.org", groups=(MEMBERS_GROUP,))


@pytest.fixture
def curator(db) -> User:
    return give_second_factor(
        make_user("curator@example.org", groups=(CURATORS_GROUP,), is_staff=True)
    )


@pytest.fixture
def partner(db) -> User:
    return make_user("partner@example.org", groups=(PARTNERS_GROUP,))


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture(scope="session")
def _seed_demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory) -> RowSnapshot:
    return shared_snapshot(
        django_db_blocker, tmp_path_factory, "seed_demo", live_db.seed_demo, media=True
    )


@pytest.fixture
def seeded_demo(db, _seed_demo_snapshot):
    """What `manage.py seed_demo --allow-production` loads into a migrated database, copied into this
    test's transaction from a snapshot taken once per session and worker (tests.snapshots); the files it
    saves are copied into MEDIA_ROOT. Tests of the loaders themselves call them instead."""
    _seed_demo_snapshot.restore()


def _core_and_trials_demo():
    core_demo.load()
    trials_demo.load()


@pytest.fixture(scope="session")
def _core_and_trials_demo_snapshot(
    django_db_setup, django_db_blocker, tmp_path_factory
) -> RowSnapshot:
    return shared_snapshot(
        django_db_blocker, tmp_path_factory, "core_and_trials_demo", _core_and_trials_demo
    )


@pytest.fixture
def core_and_trials_demo(db, _core_and_trials_demo_snapshot):
    """What `ion_portal.demo.load()` then `trials.demo.load()` add (units, people, the demo trials),
    copied into this test's transaction from a snapshot taken once per session and worker."""
    _core_and_trials_demo_snapshot.restore()


# Seconds the slowest tests took (a quiet `pytest --durations` run, call time): their modules run
# first within their group, so the two xdist workers do not end with one of them still running a
# long test. A test missing here counts as quick; a name that no longer exists is harmless.
SLOW_TESTS = {
    "tests/ion_portal/test_newcomer.py::test_readme_superuser_command_on_a_fresh_database_can_sign_in_to_the_admin": 25,
    "tests/standards/test_html.py::test_every_main_page_has_no_html_errors": 15,
    "tests/browser/test_phone_width.py::test_no_page_is_wider_than_a_phone_in_either_language": 11,
    "tests/browser/test_collaborations_basket.py::test_basket_journey_two_units_one_request_each_provider_their_part": 10,
    "tests/browser/test_admin_forms.py::test_guideline_and_trial_forms_and_lists_fit_1280_px_without_raw_inputs": 9,
    "tests/browser/test_collaborations.py::test_member_request_is_forwarded_by_a_curator_and_accepted_by_the_provider": 8,
    "tests/standards/test_jsonld.py::test_every_json_ld_block_on_the_demo_pages_is_schema_org": 8,
    "tests/production/test_pages_in_production_mode.py::test_every_page_answers_below_500_for_a_member": 8,
    "tests/production/test_pages_in_production_mode.py::test_admin_pages_answer_below_500_for_a_superuser_with_a_second_factor": 7,
    "tests/production/test_pages_in_production_mode.py::test_every_page_answers_below_500_for_a_visitor_in_english_and_dutch": 7,
    "tests/browser/test_collaborations_basket.py::test_directory_pages_fit_a_phone": 5,
    "tests/browser/test_toxicity.py::test_no_toxicity_page_is_wider_than_a_phone_in_either_language": 5,
    "tests/ion_portal/test_settings.py::test_check_deploy_is_silent_with_production_values": 4,
    "tests/standards/test_generated_client.py::test_generated_client_lists_pages_filters_fetches_and_downloads": 4,
    "tests/browser/test_prescreen.py::test_a_member_prescreens_sees_reasons_questions_and_refers": 4,
    "tests/toxicity/test_migrations.py::test_stored_codes_and_checked_flags_are_converted": 3,
    "tests/browser/test_offline_privacy.py::test_members_task_force_numbers_are_never_cached_and_gone_after_sign_out": 3,
    "tests/ion_portal/test_settings.py::test_makemigrations_check_runs_without_production_secrets": 3,
    "tests/browser/test_trials.py::test_on_a_phone_the_filters_fold_behind_one_button": 3,
    "tests/standards/test_html.py::test_the_checker_reports_an_invalid_page": 3,
    "tests/browser/test_trials.py::test_search_filter_open_and_back_keeps_the_filters": 3,
    "tests/browser/test_trials.py::test_list_and_trial_pages_have_no_serious_accessibility_violations": 3,
    "tests/standards/test_prescreen_html.py::test_prescreen_result_pages_have_no_html_errors": 3,
    "tests/trials/test_import.py::test_reimport_creates_and_changes_nothing": 3,
    "tests/browser/test_event_registration.py::test_register_see_the_personal_page_and_cancel": 3,
    "tests/browser/test_prescreen.py::test_the_public_version_works_without_an_account": 3,
}


def _database_group(item) -> int:
    """pytest-django's order (plugin.py): 0 database tests in a rolled-back transaction, 1 transactional
    ones (their flush empties the database, so they come after), 2 tests without a database; and 3 the
    browser tests on the shared read-only database (tests.live_db), between 0 and 1."""
    if live_db.is_read_only(item):
        return 3
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )
    if transactional or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """After pytest-django has ordered the tests: the tests without a database first (they can run at any
    point), then the database tests, then the read-only browser tests (each worker loads their shared
    data once and unloads it before the next other test), then the transactional ones; in each group the modules with the
    slowest tests first, each module's tests kept together and in their order (module fixtures)."""
    weight: dict[tuple, float] = {}
    for item in items:
        key = (_database_group(item), item.nodeid.split("::")[0])
        weight[key] = weight.get(key, 0) + SLOW_TESTS.get(item.nodeid.split("[")[0], 0)
    position = {id(item): index for index, item in enumerate(items)}
    order = {2: 0, 0: 1, 3: 2, 1: 3}

    def key(item):
        group = _database_group(item)
        return (order[group], -weight[(group, item.nodeid.split("::")[0])], position[id(item)])

    items.sort(key=key)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of a test that uses the database: unload the read-only tests' shared data."""
    if _database_group(item) in (0, 1):
        live_db.release_for(item)


def _delete_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """PostgreSQL's flush after each transactional test, as DELETEs: one TRUNCATE of ~90 tables cost
    0.6-1.5 s per test (it replaces every table's files), a DELETE of the few rows a test left is
    instant. Foreign keys are deferred to the end of the flush's transaction (Django makes them
    DEFERRABLE), where every table is empty. Same result: empty tables, sequences left as they are."""
    if reset_sequences or allow_cascade or not tables:
        return _truncate_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    quote = self.quote_name
    # Table names from the models, quoted.
    return ["SET CONSTRAINTS ALL DEFERRED;"] + [f"DELETE FROM {quote(table)};" for table in tables]  # noqa: S608


try:
    from django.db.backends.postgresql.operations import DatabaseOperations as _PostgresOperations
except ImportError:  # no psycopg: the suite runs on SQLite only
    _PostgresOperations = None
_truncate_flush = _PostgresOperations.sql_flush if _PostgresOperations else None


@pytest.fixture(autouse=True, scope="session")
def _cheap_postgres_flush():
    if _PostgresOperations is None:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_PostgresOperations, "sql_flush", _delete_flush)
        yield
