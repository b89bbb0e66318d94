"""Facet counts of the trial list from the narrow facet rows (trials.models_facets.TrialFacet).

- `refresh_queued_rows()` rebuilds the rows of the trials that database triggers queued (any write
  to a trial, its cancer-type links or its sites, bulk writes and raw SQL included: migration 0012);
  called at the end of every write batch (trials.filters.invalidate_facet_cache, once per
  facet_invalidation_batch) and by `manage.py refresh_trial_facets` (which rebuilds every row).
- `refresh_facet_rows(ids)` rebuilds the rows of some trials (or all) from the trials, their
  cancer-type links and their confirmed network sites: one INSERT … SELECT … ON CONFLICT that writes
  only rows that differ, and one DELETE for trials that are gone or no longer published.
- Every rebuild writes a new token (TrialFacetGeneration) in the same transaction: the list's
  counts and default-ordered page come from a per-process in-memory copy of the rows while it is
  at the current token (trials/facet_index.py); `raw_counts` below answers every other case.
- `raw_counts(filterset)` is the five facets and the number of results in one statement over the
  narrow rows, whatever the filters: one part grouped by what the status groups, phases, classes
  and the total need, two parts that unnest the cancer-type and site ids. Each facet is counted
  with every other filter applied, so a count equals the results behind it.

Status groups are computed at query time ("not verified recently" depends on today), and a trial
scheduled for publication is counted once its time is reached: the rules of status_group_q() and
published(). Filters the narrow rows do not hold (q, drug, country, updated_since) become one
sub-select of trial ids built by the FilterSet's own filter methods; with a text search it is
evaluated once per request: the facet rows it keeps are `WITH k AS MATERIALIZED (…)`, read by the
three parts (it was inlined in each part: the full-text search ran three times for the facets).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone

from ion_portal.immunotherapy import ImmunotherapyClass
from ion_portal.models import CancerType, Unit

from .models import (
    DAYS_PER_YEAR,
    STATUS_GROUPS,
    STATUS_VERIFY_CODES,
    OverallStatus,
    Phase,
    Sex,
    StatusGroup,
    Trial,
    TrialSite,
    status_stale_before,
)
from .models_facets import TrialFacet, TrialFacetGeneration, TrialFacetQueue

STATUS_CODES = list(OverallStatus.values)
PHASE_BITS = {code: 1 << i for i, code in enumerate(Phase.values)}
CLASS_BITS = {code: 1 << i for i, code in enumerate(ImmunotherapyClass.values)}
SEX_CODES = {Sex.ALL: 0, "": 0, Sex.FEMALE: 1, Sex.MALE: 2}  # anything else: 3
# The filters the narrow rows answer; the others become a sub-select of trial ids.
ROW_FILTERS = ("status", "phase", "immunotherapy_class", "cancer_type", "site", "age", "sex")
DIMENSIONS = ("status", "phase", "immunotherapy_class", "cancer_type", "site")


# --- refresh ---------------------------------------------------------------------------------------
def _refresh_sql(vendor: str, chunk: list[int] | None) -> tuple[list[str], list]:
    facet = TrialFacet._meta.db_table
    trial = Trial._meta.db_table
    links = Trial.cancer_types.through._meta.db_table
    sites = TrialSite._meta.db_table
    pg = vendor == "postgresql"
    params: list = []

    def case(column, mapping, default):
        parts = []
        for value, code in mapping:
            parts.append("WHEN %s THEN " + str(int(code)))
            params.append(value)
        return f"CASE {column} {' '.join(parts)} ELSE {default} END"

    def mask(column, bits):
        parts = []
        for code, bit in bits.items():
            parts.append(f"CASE WHEN {column} LIKE %s THEN {bit} ELSE 0 END")
            params.append(f"%|{code}|%")
        return " + ".join(parts)

    def ids(column, table, extra=""):
        if pg:
            agg = f"COALESCE(array_agg(DISTINCT x.{column}), '{{}}'::integer[])"
        else:
            agg = f"json_group_array(DISTINCT x.{column})"
        return f"(SELECT {agg} FROM {table} x WHERE x.trial_id = t.id{extra})"  # noqa: S608

    status = case("t.overall_status", [(c, i) for i, c in enumerate(STATUS_CODES)], -1)
    phases = mask("t.phases", PHASE_BITS)
    classes = mask("t.immunotherapy_classes", CLASS_BITS)
    sex = case("t.sex", list(SEX_CODES.items()), 3)
    cancer_types = ids("cancertype_id", links)
    site_ids = ids("unit_id", sites, " AND x.state = %s")
    params.append(TrialSite.State.CONFIRMED)
    where = "t.status = %s"
    params.append(Trial.Status.PUBLISHED)
    if chunk is not None:
        where += f" AND t.id IN ({', '.join(['%s'] * len(chunk))})"
        params.extend(chunk)
    columns = [
        "published_at",
        "status_code",
        "status_verified",
        "phase_mask",
        "class_mask",
        "sex_code",
        "minimum_age_days",
        "maximum_age_days",
        "cancer_type_ids",
        "site_ids",
    ]
    differs = (
        f"({', '.join(f'{facet}.{c}' for c in columns)}) IS DISTINCT FROM "
        f"({', '.join(f'EXCLUDED.{c}' for c in columns)})"
        if pg
        else " OR ".join(f"{facet}.{c} IS NOT excluded.{c}" for c in columns)
    )
    upsert = (
        f"INSERT INTO {facet} (trial_id, {', '.join(columns)}) "  # noqa: S608 (no user input)
        f"SELECT t.id, t.published_at, {status}, t.status_verified, {phases}, {classes}, {sex}, "
        f"t.minimum_age_days, t.maximum_age_days, {cancer_types}, {site_ids} "
        f"FROM {trial} t WHERE {where} "
        f"ON CONFLICT (trial_id) DO UPDATE SET "
        f"{', '.join(f'{c} = excluded.{c}' for c in columns)} WHERE {differs}"
    )
    gone = (
        f"DELETE FROM {facet} WHERE NOT EXISTS (SELECT 1 FROM {trial} t "  # noqa: S608
        f"WHERE t.id = {facet}.trial_id AND t.status = %s)"
    )
    gone_params: list = [Trial.Status.PUBLISHED]
    if chunk is not None:
        gone += f" AND trial_id IN ({', '.join(['%s'] * len(chunk))})"
        gone_params.extend(chunk)
    return [upsert, gone], [params, gone_params]


# Above this many queued trials one pass over every trial is cheaper than looking them up by id.
FULL_REFRESH_AT = 50_000


def refresh_queued_rows(using: str = "default") -> int:
    """Rebuild the facet rows of the trials the triggers queued since the last refresh (claimed with
    DELETE … RETURNING, so two processes never rebuild the same entries); how many trials."""
    queue = TrialFacetQueue._meta.db_table
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"DELETE FROM {queue} RETURNING trial_id")  # noqa: S608 (no user input)
        ids = {row[0] for row in cursor.fetchall()}
        if ids:
            refresh_facet_rows(None if len(ids) > FULL_REFRESH_AT else ids, using=using)
    return len(ids)


def refresh_facet_rows(trial_ids=None, using: str = "default", *, new_generation=True) -> None:
    """Rebuild the facet rows of these trials (all trials when None); rows of trials that are gone or
    no longer published are deleted. Unchanged rows are not rewritten. A new generation
    (TrialFacetGeneration) is written in the same transaction, whether rows changed or not: the
    trials were written (their list order, last_update_posted, may have changed), so every process's
    in-memory copy of the rows (trials/facet_index.py) is out of date from its commit on."""
    connection = connections[using]
    chunks: list = [None] if trial_ids is None else sorted({int(i) for i in trial_ids})
    if trial_ids is not None:
        chunks = [chunks[i : i + 500] for i in range(0, len(chunks), 500)]
    # No savepoint of its own: it is one unit with the caller's claim of the queue.
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        if trial_ids is None:  # every row: what was queued is done too
            cursor.execute(f"DELETE FROM {TrialFacetQueue._meta.db_table}")  # noqa: S608
        for chunk in chunks:
            statements, params = _refresh_sql(connection.vendor, chunk)
            for sql, values in zip(statements, params, strict=True):
                cursor.execute(sql, values)
        if new_generation:
            new_token(using)


GENERATIONS_KEPT = 1000


def new_token(using: str = "default") -> None:
    """Name a new state of the facet rows: a new TrialFacetGeneration row (the newest names the
    state; rows are only added, so test snapshots can restore them), and rows older than a day
    beyond the newest GENERATIONS_KEPT deleted."""
    created = TrialFacetGeneration.objects.using(using).create(token=uuid.uuid4().hex)
    TrialFacetGeneration.objects.using(using).filter(
        pk__lte=created.pk - GENERATIONS_KEPT, changed_at__lt=created.changed_at - timedelta(days=1)
    ).delete()


# --- counts ----------------------------------------------------------------------------------------
class _Sql:
    """SQL fragments with their parameters, for one facet query."""

    def __init__(self, vendor: str):
        self.pg = vendor == "postgresql"

    def any_of(self, column: str, subquery: tuple[str, tuple]) -> tuple[str, list]:
        """The id list `column` shares an id with the sub-select."""
        sql, params = subquery
        if self.pg:
            return f"{column} && ARRAY({sql})::integer[]", list(params)  # ids are bigint
        found = f"EXISTS (SELECT 1 FROM json_each({column}) j WHERE j.value IN ({sql}))"  # noqa: S608
        return found, list(params)

    def unnest(self, column: str) -> tuple[str, str]:
        """The FROM-clause item that gives one row per id of `column`, and the id's expression."""
        if self.pg:
            return f"CROSS JOIN LATERAL unnest({column}) AS v(id)", "v.id"
        return f", json_each({column}) AS v", "v.value"

    def not_empty(self, column: str) -> str:
        """The id list has an id (on PostgreSQL the predicate of a partial index: few trials have
        network sites, so their pass reads only those)."""
        return f"{column} <> '{{}}'" if self.pg else f"{column} <> '[]'"


def _status_group_sql(group: str, stale, alias: str = "m") -> tuple[str, list]:
    """status_group_q() on the narrow row: open and not-yet-open must be verified in two years."""
    codes = [STATUS_CODES.index(c) for c in STATUS_GROUPS[group]]
    listed = f"{alias}.status_code IN ({', '.join(map(str, codes))})"
    verified = f"{alias}.status_verified"
    if group == StatusGroup.UNVERIFIED:
        verify = ", ".join(str(STATUS_CODES.index(c)) for c in STATUS_VERIFY_CODES)
        return f"({listed} OR ({alias}.status_code IN ({verify}) AND {verified} < %s))", [stale]
    if group in (StatusGroup.OPEN, StatusGroup.NOT_YET_OPEN):
        return f"({listed} AND ({verified} IS NULL OR {verified} >= %s))", [stale]
    return listed, []


def _subquery(queryset) -> tuple[str, tuple]:
    return queryset.order_by().values("pk").query.sql_with_params()


def _predicates(filterset, sql: _Sql, stale) -> tuple[dict, tuple[str, list], bool]:
    """{dimension: (SQL, params) or None} for the five facet dimensions, the WHERE of the rest, and
    whether the facet rows that WHERE keeps are to be shared by the parts of the statement: with a
    text search, the costly filter to repeat (the sub-selects of drug, country and updated_since
    alone are index look-ups, cheaper to repeat than to materialize every row they keep)."""
    cleaned = filterset.form.cleaned_data
    dims: dict = dict.fromkeys(DIMENSIONS)
    statuses = [v for v in cleaned.get("status") or [] if v]
    if statuses and "all" not in statuses:
        parts, params = [], []
        codes = [STATUS_CODES.index(v) for v in statuses if v in STATUS_CODES]
        for value in statuses:
            if value in STATUS_GROUPS:
                part, values = _status_group_sql(value, stale)
                parts.append(part)
                params += values
        if codes:
            parts.append(f"m.status_code IN ({', '.join(map(str, codes))})")
        dims["status"] = ("(" + " OR ".join(parts) + ")", params)
    if cleaned.get("phase"):
        bits = sum(PHASE_BITS[v] for v in cleaned["phase"])
        dims["phase"] = ("(m.phase_mask & %s) <> 0", [bits])
    if cleaned.get("immunotherapy_class"):
        bits = sum(CLASS_BITS[v] for v in cleaned["immunotherapy_class"])
        dims["immunotherapy_class"] = ("(m.class_mask & %s) <> 0", [bits])
    if cleaned.get("cancer_type"):
        # The one meaning of cancer_type: the type and every narrower one (as the FilterSet).
        types = CancerType.objects.filter(slug__in=cleaned["cancer_type"]).with_descendants()
        dims["cancer_type"] = sql.any_of("m.cancer_type_ids", _subquery(types))
    if cleaned.get("site"):
        units = Unit.objects.filter(slug__in=cleaned["site"])
        dims["site"] = sql.any_of("m.site_ids", _subquery(units))

    where, params = ["m.published_at <= %s"], [timezone.now()]
    if cleaned.get("age") is not None:
        days = int(cleaned["age"]) * DAYS_PER_YEAR
        where.append("(m.minimum_age_days IS NULL OR m.minimum_age_days <= %s)")
        where.append("(m.maximum_age_days IS NULL OR m.maximum_age_days >= %s)")
        params += [days, days]
    if cleaned.get("sex"):
        where.append("m.sex_code IN (0, %s)")
        params.append(SEX_CODES[cleaned["sex"]])
    rest = Trial.objects.using(filterset.queryset.db).all()
    narrowed = False
    for name, value in cleaned.items():
        if name in ROW_FILTERS or name == "ordering" or value in (None, "", []):
            continue
        rest = filterset.filters[name].filter(rest, value)
        narrowed = True
    if narrowed:
        subquery, values = _subquery(rest)
        where.append(f"m.trial_id IN ({subquery})")
        params += list(values)
    return dims, (" AND ".join(where), params), narrowed and bool(cleaned.get("q"))


def _group_of(code: int, stale: bool) -> str | None:
    """status_group() of a status index and whether its verification is older than two years."""
    value = STATUS_CODES[code] if 0 <= code < len(STATUS_CODES) else None
    if stale and value in STATUS_VERIFY_CODES:
        return StatusGroup.UNVERIFIED
    return next((group for group, codes in STATUS_GROUPS.items() if value in codes), None)


def raw_counts(filterset) -> dict:
    """The counts behind the facets and the number of results (one statement, see the module doc).

    Its first part groups the matching rows by what the status, phase and class facets need (status,
    stale or not, phase and class masks, and whether the cancer-type and site filters hold): a few
    thousand groups at most, combined here. The other two unnest the cancer-type and site ids of the
    rows every other filter keeps, count per id, and only then join the names. With a text search,
    the rows the filters other than the five dimensions keep are one MATERIALIZED common table `k`
    that the three parts read: the search is evaluated once per statement, not once per part. (A
    table of the trial ids instead would be joined back to the facet rows in each part, with no
    row estimate: a nested loop over every id.)"""
    using = filterset.queryset.db
    connection = connections[using]
    sql = _Sql(connection.vendor)
    stale = status_stale_before()
    dims, (where, where_params), shared = _predicates(filterset, sql, stale)
    table = TrialFacet._meta.db_table
    prefix, prefix_params = "", []
    if shared:  # PostgreSQL 12+ and SQLite 3.35+ both read MATERIALIZED
        prefix = f"WITH k AS MATERIALIZED (SELECT m.* FROM {table} m WHERE {where}) "  # noqa: S608
        prefix_params, table, where, where_params = where_params, "k", "1 = 1", []
    cleaned = filterset.form.cleaned_data

    def flag(name):
        fragment, values = dims[name] or ("1 = 1", [])
        return f"CASE WHEN {fragment} THEN 1 ELSE 0 END", list(values)

    type_flag, type_params = flag("cancer_type")
    site_flag, site_params = flag("site")
    # Rows of the parts: (part, status, stale, phase mask, class mask, type ok, site ok, slug, name, n).
    parts = [
        f"SELECT 'facets', m.status_code, CASE WHEN m.status_verified < %s THEN 1 ELSE 0 END, "  # noqa: S608
        f"m.phase_mask, m.class_mask, {type_flag}, {site_flag}, NULL, NULL, count(*) FROM {table} m "
        f"WHERE {where} GROUP BY 2, 3, 4, 5, 6, 7"
    ]
    params = [stale, *type_params, *site_params, *where_params]

    def keeps(*names):
        parts, params = [], []
        for name in names:
            if dims[name]:
                parts.append(dims[name][0])
                params += dims[name][1]
        return " AND ".join([where, *parts]), where_params + params

    for name, column, model, others in (
        (
            "cancer_type",
            "cancer_type_ids",
            CancerType,
            ("status", "phase", "immunotherapy_class", "site"),
        ),
        ("site", "site_ids", Unit, ("status", "phase", "immunotherapy_class", "cancer_type")),
    ):
        join, pk = sql.unnest(f"m.{column}")
        condition, values = keeps(*others)
        parts.append(
            f"SELECT '{name}', NULL, NULL, NULL, NULL, NULL, NULL, n.slug, n.name, d.n "  # noqa: S608
            f"FROM (SELECT {pk} AS id, count(*) AS n "
            f"FROM {table} m {join} WHERE {condition} AND {sql.not_empty(f'm.{column}')} "
            f"GROUP BY {pk}) AS d JOIN {model._meta.db_table} n ON n.id = d.id"
        )
        params += values
    with connection.cursor() as cursor:
        cursor.execute(prefix + " UNION ALL ".join(parts), prefix_params + params)
        rows = cursor.fetchall()
    grouped = [row[1:7] + row[9:] for row in rows if row[0] == "facets"]
    named_counts = [(row[0], row[7], row[8], row[9]) for row in rows if row[0] != "facets"]

    statuses = set(cleaned.get("status") or [])
    phases = sum(PHASE_BITS[v] for v in cleaned.get("phase") or [])
    classes = sum(CLASS_BITS[v] for v in cleaned.get("immunotherapy_class") or [])
    raw: dict = {
        "status": dict.fromkeys([*StatusGroup.values, "all"], 0),
        "phase": dict.fromkeys(Phase.values, 0),
        "immunotherapy_class": dict.fromkeys(ImmunotherapyClass.values, 0),
        "total": 0,
    }
    for code, is_stale, phase_mask, class_mask, type_ok, site_ok, n in grouped:
        group = _group_of(code, bool(is_stale))
        ok = {
            "status": not statuses
            or "all" in statuses
            or group in statuses
            or (0 <= code < len(STATUS_CODES) and STATUS_CODES[code] in statuses),
            "phase": not phases or bool(phase_mask & phases),
            "immunotherapy_class": not classes or bool(class_mask & classes),
            "cancer_type": bool(type_ok),
            "site": bool(site_ok),
        }

        def others(skip, ok=ok):
            return all(value for name, value in ok.items() if name != skip)

        if others("status"):
            raw["status"]["all"] += n
            if group:
                raw["status"][group] += n
        if others("phase"):
            for code_, bit in PHASE_BITS.items():
                if phase_mask & bit:
                    raw["phase"][code_] += n
        if others("immunotherapy_class"):
            for code_, bit in CLASS_BITS.items():
                if class_mask & bit:
                    raw["immunotherapy_class"][code_] += n
        if all(ok.values()):
            raw["total"] += n
    # Cancer types by count then name, sites by name (as the page always listed them).
    types = [(slug, label, n) for name, slug, label, n in named_counts if name == "cancer_type"]
    raw["cancer_type"] = sorted(types, key=lambda row: (-row[2], row[1]))
    sites = [(slug, label, n) for name, slug, label, n in named_counts if name == "site"]
    raw["site"] = sorted(sites, key=lambda row: row[1])
    return raw
