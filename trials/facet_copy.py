"""The per-process copy of the trial list's facet rows (trials/facet_index.py counts with it): the
facet columns as numpy arrays in the list's default order, read in one snapshot.

- Per facet row: the trial id, publication time, status code and verified date, phase and class
  masks (as ids of their distinct values), sex code, age bounds, and the cancer-type and site ids as
  (row, id) pairs.
- PostgreSQL: each column is one `array_send(array_agg(...))` value parsed by numpy from the binary
  array format (no Python object per value); SQLite (the test suite, `make run`): rows, converted.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from django.db import connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .facets import STATUS_CODES, _group_of
from .models import LIST_ORDER, StatusGroup, Trial
from .models_facets import TrialFacet, TrialFacetGeneration

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # PostgreSQL's binary epoch of timestamps and dates
NEVER = np.iinfo(np.int64).max  # no publication time ('infinity')
UNVERIFIED_DATE = np.iinfo(np.int32).max  # no verified date ('infinity': never "too old")
NO_MINIMUM, NO_MAXIMUM = np.iinfo(np.int32).min, np.iinfo(np.int32).max
GROUPS = list(StatusGroup.values)


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
        self.by_trial = np.argsort(self.trial_id, kind="stable")  # rows in trial-id order
        for kind, (trial_ids, values) in pairs.items():
            rows, known = self.rows_of(trial_ids)
            ids, dense = _dense(values[known])
            self.pairs[kind] = (rows, dense, ids)

    def __len__(self):
        return len(self.trial_id)

    def rows_of(self, trial_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of these trials, and which of the trials have one (a facet row)."""
        if not len(self.by_trial):
            return np.zeros(0, np.intp), np.zeros(len(trial_ids), bool)
        at = np.searchsorted(self.trial_id, trial_ids, sorter=self.by_trial)
        rows = self.by_trial[np.minimum(at, len(self.by_trial) - 1)]
        known = self.trial_id[rows] == trial_ids
        return rows[known].astype(np.intp), known

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
