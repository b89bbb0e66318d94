"""The trial list's facet counts and default-ordered page ids from a per-process, in-memory columnar
copy of the facet rows (numpy arrays), instead of one SQL pass over ~560,000 rows per new filter
combination (trials/facets.py `raw_counts`, still the path of every other case).

- The copy holds, per facet row, in the list's default order (last update, then NCT ID: the order
  of the database itself, read with the ORM's ORDER BY): the trial id, publication time, status
  code and verified date, phase and class masks (as ids of their distinct values), sex code, age
  bounds, and the cancer-type and site ids as (row, id) pairs. Counts are boolean masks and
  bincounts with exactly the rules of `raw_counts`: each facet counted with every other filter
  applied, status groups computed at query time against today, a scheduled trial counted once its
  publication time is reached.
- Freshness: every rebuild of facet rows writes a new random token (TrialFacetGeneration, in the
  same transaction). Each request reads the token, with the cancer types and network units the
  counts are labelled with, in one statement (`state`); the copy is used only if it was built at
  that token. Otherwise it is rebuilt first, in one snapshot (4 statements; about 3 s at 560,000
  rows on a shared machine, docs/performance.md), unless the last rebuild was less than ten
  rebuild-times ago (during an import): that request is answered by the SQL path. A count is
  never taken from an old copy.
- Only the row filters (status, phase, class, cancer type with its narrower types, site, age, sex)
  are answered here; q, drug, country and updated_since keep the SQL path.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ion_portal.models import CancerType, Unit

from .facets import CLASS_BITS, PHASE_BITS, ROW_FILTERS, SEX_CODES, STATUS_CODES, _group_of
from .models import DAYS_PER_YEAR, LIST_ORDER, StatusGroup, Trial, status_stale_before
from .models_facets import TrialFacet, TrialFacetGeneration

logger = logging.getLogger(__name__)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # PostgreSQL's binary epoch of timestamps and dates
NEVER = np.iinfo(np.int64).max  # no publication time ('infinity')
UNVERIFIED_DATE = np.iinfo(np.int32).max  # no verified date ('infinity': never "too old")
NO_MINIMUM, NO_MAXIMUM = np.iinfo(np.int32).min, np.iinfo(np.int32).max
GROUPS = list(StatusGroup.values)
# A rebuild is skipped (SQL answers) while less than this many rebuild-times have passed since the last.
REBUILD_SPACING = 10
REBUILD_ALWAYS_UNDER = 0.05  # seconds: small registries rebuild whenever the token changed


@dataclass
class State:
    """What one request reads: the token of the facet rows and the names of the ids counted."""

    token: str | None
    types: dict  # id -> (slug, name, parent id)
    units: dict  # id -> (slug, name)


def state(filterset) -> State:
    """The current token and the cancer types and units (one statement), once per FilterSet."""
    found = filterset.__dict__.get("_facet_state")
    if found is not None:
        return found
    connection = connections[filterset.queryset.db]
    gen, types, units = (
        TrialFacetGeneration._meta.db_table,
        CancerType._meta.db_table,
        Unit._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 0, NULL, token, NULL, NULL FROM {gen} "  # noqa: S608 (no user input)
            f"WHERE id = (SELECT max(id) FROM {gen}) UNION ALL SELECT 1, id, slug, name, parent_id FROM {types} "
            f"UNION ALL SELECT 2, id, slug, name, NULL FROM {units}"
        )
        rows = cursor.fetchall()
    tokens = [row[2] for row in rows if row[0] == 0]
    found = State(
        token=tokens[0] if len(tokens) == 1 else None,
        types={row[1]: (row[2], row[3], row[4]) for row in rows if row[0] == 1},
        units={row[1]: (row[2], row[3]) for row in rows if row[0] == 2},
    )
    filterset.__dict__["_facet_state"] = found
    return found


# --- the copy --------------------------------------------------------------------------------------
class Index:
    """The facet rows as arrays, in the list's default order (rows whose trial was not in that
    order when read, `rows - ordered` of them, come last)."""

    def __init__(self, token, columns: dict, ordered: int, pairs: dict):
        self.token = token
        self._statuses = None
        self.trial_id = columns["trial_id"]
        self.ordered = ordered
        self.published = columns["published"]
        self.code = columns["status_code"].astype(np.int16) + 1  # 0: outside the vocabulary
        self.verified = columns["verified"]
        self.phase_masks, self.phase_id = _dense(columns["phase_mask"])
        self.class_masks, self.class_id = _dense(columns["class_mask"])
        self.sex = columns["sex_code"].astype(np.int8)
        self.minimum, self.maximum = columns["minimum"], columns["maximum"]
        # (row, dense id) pairs of the cancer types and the sites, and the ids behind the dense ones.
        self.pairs = {}
        sorter = np.argsort(self.trial_id, kind="stable")
        for kind, (trial_ids, values) in pairs.items():
            at = np.searchsorted(self.trial_id, trial_ids, sorter=sorter)
            at = np.minimum(at, max(len(sorter) - 1, 0))
            rows = sorter[at] if len(sorter) else at
            known = self.trial_id[rows] == trial_ids if len(sorter) else np.zeros(0, bool)
            ids, dense = _dense(values[known])
            self.pairs[kind] = (rows[known].astype(np.intp), dense, ids)

    def __len__(self):
        return len(self.trial_id)

    def statuses(self, stale_before: int):
        """Per row its (status, stale) key; the (code, stale) of each key, the status group of each
        key, and per row its group (index in GROUPS, -1 none). Once per day: "stale" is verified
        before `stale_before` (days since EPOCH), which moves with today."""
        if self._statuses is None or self._statuses[0] != stale_before:
            key = (self.code * 2 + (self.verified < stale_before)).astype(np.intp)
            keys = [(code, stale) for code in range(-1, len(STATUS_CODES)) for stale in (0, 1)]
            groups = [_group_of(code, bool(stale)) for code, stale in keys]
            lookup = np.array([GROUPS.index(g) if g else -1 for g in groups], dtype=np.int8)
            self._statuses = (stale_before, (key, keys, groups, lookup[key]))
        return self._statuses[1]

    @property
    def nbytes(self) -> int:
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)]
        arrays += [a for pair in self.pairs.values() for a in pair]
        if self._statuses is not None:
            arrays += [self._statuses[1][0], self._statuses[1][3]]
        return sum(a.nbytes for a in arrays)


def _dense(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values and, per value, the index of its distinct value (as numpy's own index
    type: an index array of another type is converted on every use, 10 times slower)."""
    distinct, inverse = np.unique(values, return_inverse=True)
    return distinct, inverse.astype(np.intp).reshape(-1)


SCALARS = (
    # (column, PostgreSQL expression: non-null, fixed width; binary COPY type)
    ("trial_id", "trial_id", ">i8"),
    ("published", "COALESCE(published_at, 'infinity')", ">i8"),  # microseconds since EPOCH
    ("status_code", "status_code", ">i2"),
    ("verified", "COALESCE(status_verified, 'infinity')", ">i4"),  # days since EPOCH
    ("phase_mask", "phase_mask", ">i4"),
    ("class_mask", "class_mask", ">i8"),
    ("sex_code", "sex_code", ">i2"),
    ("minimum", f"COALESCE(minimum_age_days, {NO_MINIMUM})", ">i4"),
    ("maximum", f"COALESCE(maximum_age_days, {NO_MAXIMUM})", ">i4"),
)


def _arrays(cursor, sql: str, params, types: list[str]) -> list[np.ndarray]:
    """The columns of one PostgreSQL row of `array_send(array_agg(…))` values (non-null elements),
    parsed by numpy from the binary array format: no Python object per value (a query of 560,000
    rows fetched as rows, or through COPY, which hands over one row at a time, takes seconds)."""
    cursor.execute(sql, params)
    (row,) = cursor.fetchall()
    columns = []
    for value, kind in zip(row, types, strict=True):
        if value is None:  # no rows: array_agg gives NULL
            columns.append(np.zeros(0, dtype=np.dtype(kind).newbyteorder("=")))
            continue
        # Header: dimensions, null flag, element type, then length and lower bound of the one
        # dimension; each element is its length (4 bytes) and its value.
        elements = np.frombuffer(
            bytes(value), dtype=np.dtype([("length", ">i4"), ("value", kind)]), offset=20
        )
        columns.append(elements["value"].astype(np.dtype(kind).newbyteorder("=")))
    return columns


def _micros(value) -> int:
    if value is None:
        return int(NEVER)
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return (value - EPOCH) // np.timedelta64(1, "us").item()


def _days(value) -> int:
    if value is None:
        return int(UNVERIFIED_DATE)
    if isinstance(value, str):
        value = parse_date(value[:10])
    return (value - EPOCH.date()).days


def _read(connection) -> tuple[str | None, dict, np.ndarray, dict]:
    """The token, the facet columns, the trial ids in list order and the id pairs, as one snapshot."""
    facet, gen = TrialFacet._meta.db_table, TrialFacetGeneration._meta.db_table
    order = (
        Trial.objects.using(connection.alias)
        .filter(status=Trial.Status.PUBLISHED)
        .order_by(*LIST_ORDER)
        .values_list("pk")
    )
    order_sql, order_params = order.query.sql_with_params()
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {gen} ORDER BY id DESC LIMIT 1")  # noqa: S608
        tokens = [row[0] for row in cursor.fetchall()]
        if pg:

            def agg(expression):
                return f"array_send(array_agg({expression}))"

            values = _arrays(
                cursor,
                f"SELECT {', '.join(agg(e) for _n, e, _t in SCALARS)} FROM {facet}",  # noqa: S608
                None,
                [t for _n, _e, t in SCALARS],
            )
            columns = dict(zip([n for n, _e, _t in SCALARS], values, strict=True))
            # The ids in list order: aggregated from the ordered sub-select (an index-only scan of
            # trials 0013; PostgreSQL aggregates a sorted sub-select's rows in its order).
            (order_ids,) = _arrays(
                cursor,
                f"SELECT {agg('s.id')} FROM ({order_sql}) s(id)",  # noqa: S608 (no user input)
                order_params,
                [">i8"],
            )
            kind, trial_ids, ids = _arrays(
                cursor,
                f"SELECT {agg('p.kind')}, {agg('p.trial_id')}, {agg('p.id')} FROM ("  # noqa: S608
                f"SELECT 0 AS kind, trial_id, v AS id FROM {facet}, unnest(cancer_type_ids) v "
                f"UNION ALL SELECT 1, trial_id, v FROM {facet}, unnest(site_ids) v "
                f"WHERE site_ids <> '{{}}') p",
                None,
                [">i4", ">i8", ">i4"],
            )
        else:
            cursor.execute(
                "SELECT trial_id, published_at, status_code, status_verified, phase_mask, "  # noqa: S608
                f"class_mask, sex_code, minimum_age_days, maximum_age_days FROM {facet}"
            )
            rows = cursor.fetchall()
            convert = [int, _micros, int, _days, int, int, int, int, int]
            nulls = [None, None, None, None, None, None, None, NO_MINIMUM, NO_MAXIMUM]
            columns = {
                name: np.array(
                    [
                        nulls[n] if r[n] is None and nulls[n] is not None else convert[n](r[n])
                        for r in rows
                    ],
                    dtype=np.dtype(kind).newbyteorder("="),
                )
                for n, (name, _e, kind) in enumerate(SCALARS)
            }
            cursor.execute(order_sql, order_params)
            order_ids = np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)
            cursor.execute(
                f"SELECT 0, f.trial_id, j.value FROM {facet} f, json_each(f.cancer_type_ids) j "  # noqa: S608
                f"UNION ALL SELECT 1, f.trial_id, j.value FROM {facet} f, json_each(f.site_ids) j"
            )
            pairs = cursor.fetchall()
            kind = np.array([p[0] for p in pairs], dtype=np.int32)
            trial_ids = np.array([p[1] for p in pairs], dtype=np.int64)
            ids = np.array([p[2] for p in pairs], dtype=np.int32)
    pairs = {
        "cancer_type": (trial_ids[kind == 0], ids[kind == 0]),
        "site": (trial_ids[kind == 1], ids[kind == 1]),
    }
    return (tokens[0] if len(tokens) == 1 else None), columns, order_ids, pairs


def build(using: str = "default") -> Index:
    """Read the facet rows into a new Index (one snapshot: a REPEATABLE READ transaction of its own
    on PostgreSQL when not already in one; inside a transaction its statements see one database)."""
    connection = connections[using]
    if connection.in_atomic_block:
        token, columns, order_ids, pairs = _read(connection)
    else:
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            token, columns, order_ids, pairs = _read(connection)
    # Rows in list order: the position of each row's trial in the order, unknown ones last.
    facet_ids = columns["trial_id"]
    sorter = np.argsort(order_ids, kind="stable")
    at = np.searchsorted(order_ids, facet_ids, sorter=sorter)
    at = np.minimum(at, max(len(order_ids) - 1, 0))
    found = (
        (order_ids[sorter[at]] == facet_ids) if len(order_ids) else np.zeros(len(facet_ids), bool)
    )
    rank = np.where(found, sorter[at] if len(order_ids) else 0, len(order_ids))
    rank = rank.astype(np.int64) * 2 + (~found)  # unknown rows after every known one
    permutation = np.argsort(rank, kind="stable")
    columns = {name: values[permutation] for name, values in columns.items()}
    return Index(token, columns, int(found.sum()), pairs)


_indexes: dict[str, Index] = {}
_rebuilt: dict[str, tuple[float, float]] = {}  # alias -> (monotonic end, seconds it took)
_lock = threading.Lock()


def current(filterset) -> Index | None:
    """The copy at the current token (rebuilt first if needed and allowed), or None: SQL answers."""
    using = filterset.queryset.db
    token = state(filterset).token
    if token is None:
        return None
    index = _indexes.get(using)
    if index is not None and index.token == token:
        return index
    ended, took = _rebuilt.get(using, (0.0, 0.0))
    if took >= REBUILD_ALWAYS_UNDER and time.monotonic() - ended < REBUILD_SPACING * took:
        return None
    index = _rebuild(using, token)
    return index if index is not None and index.token == token else None


def _rebuild(using: str, token: str | None = None) -> Index | None:
    """Read the copy again unless another thread of this process is reading it (the start-up read
    of warm_up(): this request is answered by SQL meanwhile, it does not wait) or just read it."""
    if not _lock.acquire(blocking=False):
        return None
    try:
        index = _indexes.get(using)
        if index is None or token is None or index.token != token:
            started = time.monotonic()
            index = _indexes[using] = build(using)
            _rebuilt[using] = (time.monotonic(), time.monotonic() - started)
        return index
    finally:
        _lock.release()


def warm_up(using: str = "default") -> bool:
    """Read the copy as a web process starts (in a thread: ion_portal/wsgi.py); whether it was read.
    A database down or not migrated is logged, never raised: requests read the copy or use SQL."""
    try:
        return _rebuild(using) is not None
    except DatabaseError:
        logger.warning("Facet copy not read at start-up", exc_info=True)
        return False
    finally:
        connections[using].close()  # this thread's connection, not a request's


# --- counts ----------------------------------------------------------------------------------------
def applies(filterset) -> bool:
    """Whether the copy can answer: valid filters, none but the row filters."""
    if not filterset.is_valid():
        return False
    return all(
        name in ROW_FILTERS or name == "ordering" or value in (None, "", [])
        for name, value in filterset.form.cleaned_data.items()
    )


def _descendants(types: dict, slugs) -> set[int]:
    """The ids of these cancer types and every narrower one (CancerType.with_descendants)."""
    found = {pk for pk, (slug, _name, _parent) in types.items() if slug in set(slugs)}
    frontier = set(found)
    while frontier:
        frontier = {pk for pk, (_s, _n, parent) in types.items() if parent in frontier} - found
        found |= frontier
    return found


def _rows_with(index: Index, kind: str, ids: set[int]) -> np.ndarray:
    rows, dense, distinct = index.pairs[kind]
    wanted = np.isin(distinct, np.fromiter(ids, dtype=np.int64, count=len(ids)))
    hit = np.zeros(len(index), dtype=bool)
    hit[rows[wanted[dense]]] = True
    return hit


def _masks(index: Index, filterset, known: State) -> tuple[np.ndarray, dict, np.ndarray]:
    """The rows the filters outside the five dimensions keep, each dimension's filter (None: no
    filter), and the status group of every row (index in GROUPS, -1 none); once per FilterSet."""
    found = filterset.__dict__.get("_facet_masks")
    if found is not None and found[0] is index:
        return found[1]
    masks = _compute_masks(index, filterset, known)
    filterset.__dict__["_facet_masks"] = (index, masks)
    return masks


def _compute_masks(index: Index, filterset, known: State) -> tuple[np.ndarray, dict, np.ndarray]:
    cleaned = filterset.form.cleaned_data
    base = index.published <= _micros(timezone.now())
    if cleaned.get("age") is not None:
        days = int(cleaned["age"]) * DAYS_PER_YEAR
        base &= (index.minimum <= days) & (index.maximum >= days)
    if cleaned.get("sex"):
        base &= (index.sex == 0) | (index.sex == SEX_CODES[cleaned["sex"]])
    key, keys, groups, group_of = index.statuses(_days(status_stale_before()))
    dims: dict = dict.fromkeys(("status", "phase", "immunotherapy_class", "cancer_type", "site"))
    statuses = {v for v in cleaned.get("status") or [] if v}
    if statuses and "all" not in statuses:
        ok = [
            group in statuses or (0 <= code < len(STATUS_CODES) and STATUS_CODES[code] in statuses)
            for (code, _stale), group in zip(keys, groups, strict=True)
        ]
        dims["status"] = np.array(ok, dtype=bool)[key]
    if cleaned.get("phase"):
        bits = sum(PHASE_BITS[v] for v in cleaned["phase"])
        dims["phase"] = ((index.phase_masks & bits) != 0)[index.phase_id]
    if cleaned.get("immunotherapy_class"):
        bits = sum(CLASS_BITS[v] for v in cleaned["immunotherapy_class"])
        dims["immunotherapy_class"] = ((index.class_masks & bits) != 0)[index.class_id]
    if cleaned.get("cancer_type"):
        dims["cancer_type"] = _rows_with(
            index, "cancer_type", _descendants(known.types, cleaned["cancer_type"])
        )
    if cleaned.get("site"):
        slugs = set(cleaned["site"])
        units = {pk for pk, (slug, _name) in known.units.items() if slug in slugs}
        dims["site"] = _rows_with(index, "site", units)
    return base, dims, group_of


def _keeps(base, dims, skip=None) -> np.ndarray:
    kept = base.copy()
    for name, ok in dims.items():
        if name != skip and ok is not None:
            kept &= ok
    return kept


def _bits(counts: np.ndarray, masks: np.ndarray, bits: dict) -> dict:
    result = dict.fromkeys(bits, 0)
    for mask, n in zip(masks.tolist(), counts.tolist(), strict=True):
        if n:
            for code, bit in bits.items():
                if mask & bit:
                    result[code] += n
    return result


def _named(index: Index, kind: str, kept: np.ndarray, names: dict) -> list:
    rows, dense, distinct = index.pairs[kind]
    counts = np.bincount(dense[kept[rows]], minlength=len(distinct))
    return [
        (names[pk][0], names[pk][1], n)
        for pk, n in zip(distinct.tolist(), counts.tolist(), strict=True)
        if n and pk in names
    ]


def raw_counts(filterset) -> dict | None:
    """trials.facets.raw_counts from the copy (the same dict), or None when it cannot answer."""
    if not applies(filterset):
        return None
    index = current(filterset)
    if index is None:
        return None
    known = state(filterset)
    base, dims, group_of = _masks(index, filterset, known)
    kept = _keeps(base, dims, "status")
    by_group = np.bincount(group_of[kept] + 1, minlength=len(GROUPS) + 1)
    status = {group: int(by_group[n + 1]) for n, group in enumerate(GROUPS)}
    status["all"] = int(kept.sum())
    phase = np.bincount(
        index.phase_id[_keeps(base, dims, "phase")], minlength=len(index.phase_masks)
    )
    classes = _keeps(base, dims, "immunotherapy_class")
    classes = np.bincount(index.class_id[classes], minlength=len(index.class_masks))
    types = _named(index, "cancer_type", _keeps(base, dims, "cancer_type"), known.types)
    sites = _named(index, "site", _keeps(base, dims, "site"), known.units)
    return {
        "status": status,
        "phase": _bits(phase, index.phase_masks, dict(PHASE_BITS)),
        "immunotherapy_class": _bits(classes, index.class_masks, dict(CLASS_BITS)),
        "total": int(_keeps(base, dims).sum()),
        # Cancer types by count then name, sites by name (as raw_counts).
        "cancer_type": sorted(types, key=lambda row: (-row[2], row[1])),
        "site": sorted(sites, key=lambda row: row[1]),
    }


def page_ids(filterset, start: int, stop: int) -> list[int] | None:
    """The ids of the results start..stop in the default order (last update, NCT ID), or None when
    the copy cannot say (other filters or order, no current copy, a matching row out of order)."""
    if not applies(filterset) or filterset.ordering_choice not in ("last_update", "relevance"):
        return None
    index = current(filterset)
    if index is None:
        return None
    base, dims, _group_of = _masks(index, filterset, state(filterset))
    kept = _keeps(base, dims)
    if kept[index.ordered :].any():
        return None
    return index.trial_id[np.flatnonzero(kept)[start:stop]].tolist()
