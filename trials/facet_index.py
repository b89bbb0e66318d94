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
  that token. Otherwise it is read again, in one snapshot (4 statements; about 3 s at 560,000 rows
  on a shared machine, docs/performance.md): in the request when that read is quick, else in a
  thread of its own at most once per ten read-times (an import writes a token per batch), the
  requests meanwhile answered by the SQL path. A count is never taken from an old copy.
- Only the row filters (status, phase, class, cancer type with its narrower types, site, age, sex)
  and a text search (q: its matches read once per query and token, trials/search_matches.py) are
  answered here; drug, country and updated_since keep the SQL path.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db import DatabaseError, connections
from django.utils import timezone

from ion_portal.models import CancerType, Unit

from .facet_copy import GROUPS, Index, _days, _micros, build
from .facets import CLASS_BITS, PHASE_BITS, ROW_FILTERS, SEX_CODES, STATUS_CODES
from .models import DAYS_PER_YEAR, status_stale_before
from .models_facets import TrialFacetGeneration
from .search_matches import row_mask_and_rank

logger = logging.getLogger(__name__)
# A rebuild is skipped (SQL answers) while less than this many rebuild-times have passed since the last.
REBUILD_SPACING = 10
# Seconds: a copy that read faster than this is read again in the request that finds it stale (a
# small registry: the test suite's, `make run`'s); a slower one in a thread of its own.
REBUILD_ALWAYS_UNDER = 0.5


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


# --- the copy: read once per token, in this process ------------------------------------------
_indexes: dict[str, Index] = {}
_rebuilt: dict[str, tuple[float, float]] = {}  # alias -> (monotonic end, seconds it took)
_lock = threading.Lock()  # held while the copy is read
_lock_starting = threading.Lock()  # held while a reading thread is started
_reading: dict[str, threading.Thread] = {}  # alias -> the last thread started to read the copy


def current(filterset) -> Index | None:
    """The copy at the current token, or None: SQL answers. A stale copy that reads quickly (a small
    registry) is read again in this request; a large one in a thread of its own (`read_in_background`,
    at most once per REBUILD_SPACING read-times: an import changes the token every batch), and until
    that read ends the requests are answered by SQL: no request waits seconds for the read."""
    using = filterset.queryset.db
    token = state(filterset).token
    if token is None:
        return None
    index = _indexes.get(using)
    if index is not None and index.token == token:
        return index
    ended, took = _rebuilt.get(using, (0.0, 0.0))
    if took < REBUILD_ALWAYS_UNDER:
        index = _rebuild(using, token)
        return index if index is not None and index.token == token else None
    if time.monotonic() - ended >= REBUILD_SPACING * took:
        read_in_background(using)
    return None


def _rebuild(using: str, token: str | None = None, wait: bool = False) -> Index | None:
    """Read the copy again unless another thread of this process is reading it (a request does not
    wait: SQL answers it meanwhile; a reading thread waits, `wait`) or just read it."""
    if not _lock.acquire(blocking=wait):
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
    """Read the copy (in a thread of its own: `read_in_background`); whether it was read. A database
    down or not migrated is logged, never raised: requests read the copy or use SQL."""
    try:
        return _rebuild(using, wait=True) is not None
    except DatabaseError:
        logger.warning("Facet copy not read", exc_info=True)
        return False
    finally:
        connections[using].close()  # this thread's connection, not a request's


def read_in_background(using: str = "default") -> threading.Thread | None:
    """Start reading the copy in a thread of its own (as a web process starts, and when a large copy
    is stale), unless such a thread is already running; the thread started, or None."""
    with _lock_starting:
        running = _reading.get(using)
        if running is not None and running.is_alive():
            return None
        thread = threading.Thread(
            target=warm_up, args=(using,), name="facet-copy-read", daemon=True
        )
        _reading[using] = thread
        thread.start()
        return thread


# --- counts ----------------------------------------------------------------------------------------
def applies(filterset) -> bool:
    """Whether the copy can answer: valid filters, none but the row filters and a text search (its
    matches read once per query and token: trials/search_matches.py)."""
    if not filterset.is_valid():
        return False
    return all(
        name in ROW_FILTERS or name in ("ordering", "q") or value in (None, "", [])
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
    rank = None
    if cleaned.get("q"):
        memo = filterset.__dict__.setdefault("_search_memo", {})  # TrialFilter.filter_q's
        matched, rank = row_mask_and_rank(index, filterset, memo)
        base &= matched
    filterset.__dict__["_facet_rank"] = rank
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
    """The ids of the results start..stop in the default order (last update, NCT ID) or, for a search
    ranked by the database, by relevance (rank, then that order: the SQL path's), or None when the
    copy cannot say (other filters or order, no current copy, a matching row out of order)."""
    if not applies(filterset) or filterset.ordering_choice not in ("last_update", "relevance"):
        return None
    index = current(filterset)
    if index is None:
        return None
    base, dims, _group_of = _masks(index, filterset, state(filterset))
    kept = _keeps(base, dims)
    if kept[index.ordered :].any():
        return None
    rows = np.flatnonzero(kept)
    rank = filterset.__dict__.get("_facet_rank")
    if filterset.ordering_choice == "relevance" and rank is not None:
        rows = rows[np.argsort(-rank[rows], kind="stable")]  # stable: ties keep the list's order
    return index.trial_id[rows[start:stop]].tolist()
