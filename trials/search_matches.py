"""A text search answered with the facet copy (trials/facet_index.py): the trials a query matches,
with their relevance rank, are read once per query and registry state, and then every combination of
that query with row filters (status, phase, class, cancer type, site, age, sex) is counted and paged
from the copy, with no SQL pass over the matches.

- The matches are exactly `trials.search.search_trials` on the published trials (the same terms,
  named classes and cancer types, drug-name corrections; on PostgreSQL the same `ts_rank`), read as
  (id, rank) pairs in one statement.
- Kept per process (the last MAX_QUERIES queries, at most MAX_BYTES of arrays) and in the shared
  cache for the other workers, under the copy's token: every rebuild of facet rows writes a new one
  (trials/models_facets.py), so matches are never taken from before a write. A drug, class or cancer-
  type name changed without an import is searched with it within CACHE_SECONDS.
- Relevance order is the SQL one: rank descending, then the list's default order (the copy's order),
  by a stable sort of the copy's rows.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np
from django.core.cache import cache

from .search import search_trials

MAX_QUERIES = 64
MAX_BYTES = 64 * 1024 * 1024
CACHE_SECONDS = 600
NO_RANK = np.float32(-1.0)  # ts_rank is never negative

_kept: OrderedDict[tuple, tuple[np.ndarray, np.ndarray | None]] = OrderedDict()
_kept_lock = threading.Lock()


def _key(using: str, token: str, q: str) -> tuple:
    return (using, token, " ".join(q.split()))


def _cache_key(key: tuple) -> str:
    return "trials:matches:" + hashlib.sha256(repr(key).encode()).hexdigest()


def _read(filterset, q: str, memo: dict) -> tuple[np.ndarray, np.ndarray | None]:
    """(trial ids, float32 ranks or None where the database ranks nothing: SQLite) of `q`."""
    # Every published trial, scheduled ones included: the copy applies the publication time itself.
    model = filterset.queryset.model
    published = model.objects.using(filterset.queryset.db).filter(status=model.Status.PUBLISHED)
    queryset = search_trials(published, q, memo=memo).order_by()
    if "rank" in queryset.query.annotations:
        rows = list(queryset.values_list("pk", "rank"))
        ids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
        return ids, np.fromiter((row[1] for row in rows), np.float32, len(rows))
    return np.fromiter(queryset.values_list("pk", flat=True), np.int64), None


def _pack(ids: np.ndarray, ranks: np.ndarray | None) -> bytes:
    return (
        np.int64(len(ids)).tobytes() + ids.tobytes() + (b"" if ranks is None else ranks.tobytes())
    )


def _unpack(data: bytes) -> tuple[np.ndarray, np.ndarray | None]:
    (n,) = np.frombuffer(data[:8], np.int64)
    ids = np.frombuffer(data[8 : 8 + 8 * n], np.int64)
    rest = data[8 + 8 * n :]
    return ids, (np.frombuffer(rest, np.float32) if rest else None)


def matches(filterset, token: str, memo: dict) -> tuple[np.ndarray, np.ndarray | None]:
    """(trial ids, ranks) matching the FilterSet's `q` at this token: from this process, else the
    shared cache, else one statement (then kept in both)."""
    q = filterset.form.cleaned_data.get("q") or ""
    key = _key(filterset.queryset.db, token, q)
    with _kept_lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    data = cache.get(_cache_key(key))
    if data is not None:
        found = _unpack(data)
    else:
        found = _read(filterset, q, memo)
        cache.set(_cache_key(key), _pack(*found), CACHE_SECONDS)
    with _kept_lock:
        _kept[key] = found
        while len(_kept) > MAX_QUERIES or (
            len(_kept) > 1 and sum(_nbytes(v) for v in _kept.values()) > MAX_BYTES
        ):
            _kept.popitem(last=False)
    return found


def _nbytes(found) -> int:
    ids, ranks = found
    return ids.nbytes + (0 if ranks is None else ranks.nbytes)


def row_mask_and_rank(index, filterset, memo: dict) -> tuple[np.ndarray, np.ndarray | None]:
    """Per row of the copy: whether `q` matches its trial, and its rank (None: no ranking)."""
    ids, ranks = matches(filterset, index.token, memo)
    rows, known = index.rows_of(ids)
    mask = np.zeros(len(index), bool)
    mask[rows] = True
    if ranks is None:
        return mask, None
    per_row = np.full(len(index), NO_RANK, np.float32)
    per_row[rows] = ranks[known]
    return mask, per_row
