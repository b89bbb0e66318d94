"""The one FilterSet of the trial list, shared by the /trials/ page, its CSV download and the partner API.

Query parameters (all optional; repeat a parameter or separate values with commas to pass several):

- `q`: free text (NCT ID, title, condition, drug name, brand or code name, summary).
- `status`: recruitment groups `open`, `not_yet_open`, `unverified`, `closed`, the 14 API v2 overall-status
  codes (`RECRUITING`, …) or `all`. `open` and `not_yet_open` hold only trials whose status was verified
  in the last two years; older ones are `unverified` ("status not verified recently", the rule of
  ClinicalTrials.gov's "Unknown status"), like CT.gov's own UNKNOWN. A bare code matches the registered
  status. The HTML page defaults to `open`; the FilterSet itself applies no default.
- `phase`: API v2 phase codes (`EARLY_PHASE1`, `PHASE1`, … `NA`); a Phase 1/2 trial matches both.
- `cancer_type`: CancerType slugs (a broader type also finds its narrower types: they are linked on import).
- `drug`: Drug slugs. `immunotherapy_class`: ImmunotherapyClass values (old spellings such as
  `anti_pd1` are read as their code for one release: deprecated). `site`: network Unit slugs.
- `age`: a patient's age in whole years (trials without an age limit are kept).
- `sex`: `FEMALE` or `MALE` (trials open to all, or with sex unknown, are kept).
- `updated_since`: ISO date or date-time; trials changed in the portal at or after it.
- `ordering`: `relevance` (default with `q`), `last_update` (default without `q`), `start_date`.

An unknown value is a validation error that names the allowed values (the API answers it with a 400).
"""

from __future__ import annotations

import contextvars
import hashlib
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import django_filters
from django import forms
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ion_portal.cancer_type_names import translated_name
from ion_portal.filters import canonical_class_codes
from ion_portal.models import CancerType, Unit

from . import facet_index
from .facets import raw_counts, refresh_queued_rows
from .models import (
    LIST_ORDER,
    Drug,
    ImmunotherapyClass,
    Intervention,
    OverallStatus,
    Phase,
    Sex,
    StatusGroup,
    Trial,
    TrialLocation,
    TrialSite,
)
from .search import search_trials

STATUS_ALL = "all"
DEFAULT_STATUS = StatusGroup.OPEN


class CodeListField(forms.Field):
    """A list of codes from a query string (repeated parameter or comma-separated), each one checked
    against the allowed values; the error names the allowed values."""

    widget = forms.SelectMultiple

    def __init__(self, *, allowed, canonical=None, **kwargs):
        self.allowed = (
            allowed  # a callable, so model-backed lists are only read when a value is given
        )
        # Maps an accepted old spelling to its code (see ion_portal/filters.py); None keeps values as given.
        self.canonical = canonical
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        codes = []
        for item in value:
            codes.extend(part.strip() for part in str(item).split(",") if part.strip())
        if self.canonical:
            codes = self.canonical(codes)
        return list(dict.fromkeys(codes))

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        allowed = list(self.allowed())
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown value %(value)s. Allowed values: %(allowed)s."),
                code="invalid_choice",
                params={"value": ", ".join(unknown), "allowed": ", ".join(allowed)},
            )


class CodeListFilter(django_filters.Filter):
    field_class = CodeListField

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, allowed=allowed, **kwargs)


def _status_values():
    return [STATUS_ALL, *StatusGroup.values, *OverallStatus.values]


def _slugs(model):
    return lambda: model.objects.order_by("slug").values_list("slug", flat=True)


ORDERING_CHOICES = [
    ("relevance", _("Relevance")),
    ("last_update", _("Last update")),
    ("start_date", _("Start date")),
]
ORDER_BY = {
    "last_update": LIST_ORDER,
    "start_date": ("-start_date", "nct_id"),
}


def _choice_error(choices) -> dict:
    allowed = ", ".join(str(value) for value, _label in choices)
    return {
        "invalid_choice": format_lazy(
            "{} {}.", _("Unknown value %(value)s. Allowed values:"), allowed
        )
    }


class TrialFilter(django_filters.FilterSet):
    """Filters of the trial list (see the module docstring for the query parameters)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"), max_length=200)
    status = CodeListFilter(method="filter_status", label=_("Recruitment"), allowed=_status_values)
    phase = CodeListFilter(method="filter_phase", label=_("Phase"), allowed=lambda: Phase.values)
    cancer_type = CodeListFilter(
        method="filter_cancer_type", label=_("Cancer type"), allowed=_slugs(CancerType)
    )
    drug = CodeListFilter(method="filter_drug", label=_("Drug"), allowed=_slugs(Drug))
    immunotherapy_class = CodeListFilter(
        method="filter_immunotherapy_class",
        label=_("Immunotherapy class"),
        allowed=lambda: ImmunotherapyClass.values,
        canonical=canonical_class_codes,
    )
    site = CodeListFilter(method="filter_site", label=_("Network site"), allowed=_slugs(Unit))
    country = django_filters.CharFilter(
        method="filter_country",
        label=_("Country of a registered location"),
        max_length=200,
        help_text=_("Country names as registered, comma-separated (e.g. Belgium,Netherlands)."),
    )
    age = django_filters.NumberFilter(
        method="filter_age",
        label=_("Patient's age (years)"),
        min_value=0,
        max_value=130,
        decimal_places=0,
    )
    sex = django_filters.ChoiceFilter(
        method="filter_sex",
        label=_("Patient's sex"),
        choices=[(Sex.FEMALE, Sex.FEMALE.label), (Sex.MALE, Sex.MALE.label)],
        error_messages=_choice_error([(Sex.FEMALE, ""), (Sex.MALE, "")]),
    )
    updated_since = django_filters.DateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("Updated since")
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_noop",
        label=_("Sort by"),
        choices=ORDERING_CHOICES,
        empty_label=None,
        error_messages=_choice_error(ORDERING_CHOICES),
    )

    class Meta:
        model = Trial
        fields: list[str] = []

    # Facet dimensions: query parameter -> how its counts are computed (see facet_counts()).
    FACETS = ("status", "phase", "cancer_type", "immunotherapy_class", "site")

    # --- filter methods -------------------------------------------------------------------------------
    def filter_q(self, queryset, name, value):
        # The facet counts search again with the other filters: one drug look-up per request.
        return search_trials(queryset, value, memo=self.__dict__.setdefault("_search_memo", {}))

    def filter_status(self, queryset, name, value):
        if not value or STATUS_ALL in value:
            return queryset
        return queryset.in_status_groups(value)

    def filter_phase(self, queryset, name, value):
        return queryset.with_phase(*value) if value else queryset

    def filter_cancer_type(self, queryset, name, value):
        if not value:
            return queryset
        # A sub-select, not a join: a trial linked to two selected types must appear once. With
        # descendants, the one meaning of cancer_type in every app (ion_portal/filters.py).
        types = CancerType.objects.filter(slug__in=value).with_descendants()
        links = Trial.cancer_types.through.objects.filter(cancertype__in=types)
        return queryset.filter(pk__in=links.values("trial_id"))

    def filter_drug(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            # Any drug an intervention names (a combination names several); `drug` is the first.
            pk__in=Intervention.objects.filter(
                Q(drugs__slug__in=value) | Q(drug__slug__in=value)
            ).values("trial_id")
        )

    def filter_immunotherapy_class(self, queryset, name, value):
        return queryset.with_immunotherapy_class(*value) if value else queryset

    def filter_site(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=TrialSite.objects.filter(unit__slug__in=value).values("trial_id")
        )

    def filter_country(self, queryset, name, value):
        countries = [c.strip() for c in (value or "").split(",") if c.strip()]
        if not countries:
            return queryset
        q = Q()
        for country in countries:
            q |= Q(country__iexact=country)
        return queryset.filter(pk__in=TrialLocation.objects.filter(q).values("trial_id"))

    def filter_age(self, queryset, name, value):
        return queryset.for_age(int(value)) if value is not None else queryset

    def filter_sex(self, queryset, name, value):
        return queryset.for_sex(value) if value else queryset

    def filter_noop(self, queryset, name, value):
        return queryset  # ordering is applied last, in filter_queryset()

    # --- whole-set behaviour -------------------------------------------------------------------------
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        return self.apply_ordering(queryset)

    def apply_ordering(self, queryset):
        """Order by the chosen key; relevance needs a search term (otherwise last update)."""
        cleaned = getattr(self.form, "cleaned_data", {}) or {}
        choice = cleaned.get("ordering") or ("relevance" if cleaned.get("q") else "last_update")
        if choice == "relevance" and "rank" in queryset.query.annotations:
            return queryset.order_by("-rank", "-last_update_posted", "nct_id")
        return queryset.order_by(*ORDER_BY.get(choice, ORDER_BY["last_update"]))

    @property
    def ordering_choice(self) -> str:
        cleaned = getattr(self.form, "cleaned_data", {}) or {}
        return cleaned.get("ordering") or ("relevance" if cleaned.get("q") else "last_update")

    def queryset_without(self, skip: str):
        """The base queryset with every valid filter applied except `skip` (for facet counts)."""
        self.errors  # noqa: B018 (validate first, so cleaned_data exists)
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name in (skip, "ordering"):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset


FACET_CACHE_SECONDS = 60
FACET_VERSION_KEY = "trials:facets:version"


_batch: contextvars.ContextVar[dict | None] = contextvars.ContextVar("facet_batch", default=None)


def invalidate_facet_cache() -> None:
    """The registry changed (trials, their cancer types or sites): rebuild the facet rows of the
    trials the database queued (trials/facets.py) and make every cached facet count and result
    count stale; inside facet_invalidation_batch() only once, when the batch ends."""
    state = _batch.get()
    if state is not None:
        state["dirty"] = True
        return
    refresh_queued_rows()
    cache.set(FACET_VERSION_KEY, uuid.uuid4().hex, None)


@contextmanager
def facet_invalidation_batch():
    """Writes of a batch (an import, a sync page) refresh the facet rows and invalidate the cached
    counts once, at its end, not on every trial or site save: during an import the list keeps its
    cache between batches."""
    if _batch.get() is not None:  # nested: the outer batch refreshes
        yield
        return
    state = {"dirty": False}
    token = _batch.set(state)
    try:
        yield
    finally:
        _batch.reset(token)
        if state["dirty"]:
            invalidate_facet_cache()


COUNT_CACHE_SECONDS = 300


def _is_now(param, now: datetime) -> bool:
    """Whether a query parameter is the "now" of published(): a datetime on PostgreSQL, the ISO text
    of a naive UTC datetime on SQLite (its backend adapts parameters before they reach us)."""
    value = param
    if isinstance(param, str) and len(param) >= 19 and param[4:5] == "-" and param[10:11] in " T":
        try:
            value = datetime.fromisoformat(param)
        except ValueError:
            return False
    if not isinstance(value, datetime):
        return False
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return abs((value - now).total_seconds()) < 60


def cached_count(queryset) -> int:
    """COUNT(*) of a queryset, cached per SQL until the registry changes (the facet version): the
    unfiltered list and every API or FHIR page after the first cost no scan."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a condition that matches nothing (pk__in=[]): no query needed
        return 0
    # published() compares with "now": that parameter changes every request, so it is left out of the
    # key (a trial scheduled for publication is counted at the next invalidation or expiry).
    now = timezone.now()
    params = tuple("<now>" if _is_now(p, now) else p for p in params)
    version = cache.get(FACET_VERSION_KEY) or "0"
    digest = hashlib.sha256(repr((queryset.db, sql, params)).encode()).hexdigest()
    key = f"trials:count:{version}:{digest}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_CACHE_SECONDS)
    return count


def facet_counts(filterset: TrialFilter) -> dict[str, list[dict]]:
    """Facet values with counts, each computed with every other filter applied (so a count equals the
    number of results you get by choosing that value).

    They come from the narrow facet rows (trials/facets.py: one statement whatever the filters, with
    the number of results, `facets["total"]`, so the page runs no separate COUNT), and are cached for
    FACET_CACHE_SECONDS per combination of filters until the registry changes."""
    selected = filterset.form.cleaned_data if filterset.is_valid() else {}
    params = sorted(
        (name, str(value)) for name, value in selected.items() if value not in (None, "", [])
    )
    version = cache.get(FACET_VERSION_KEY) or "0"
    digest = hashlib.sha256(repr(params).encode()).hexdigest()
    key = f"trials:facets:{version}:{digest}"
    raw = cache.get(key)
    if raw is None:
        # The in-memory copy of the facet rows when it is current and the filters are row filters.
        raw = facet_index.raw_counts(filterset) or raw_counts(filterset)
        cache.set(key, raw, FACET_CACHE_SECONDS)

    def is_selected(name, value):
        return value in (selected.get(name) or [])

    def item(name, value, label, count):
        return {
            "value": value,
            "label": label,
            "count": count,
            "selected": is_selected(name, value),
        }

    return {
        "status": [
            item("status", value, label, raw["status"][value])
            for value, label in [*StatusGroup.choices, (STATUS_ALL, _("Any status"))]
        ],
        "phase": [item("phase", code, label, raw["phase"][code]) for code, label in Phase.choices],
        "immunotherapy_class": [
            item("immunotherapy_class", code, label, raw["immunotherapy_class"][code])
            for code, label in ImmunotherapyClass.choices
            if raw["immunotherapy_class"][code] or is_selected("immunotherapy_class", code)
        ],
        "cancer_type": [
            item("cancer_type", slug, translated_name(slug, name), n)
            for slug, name, n in raw["cancer_type"]
        ],
        "site": [item("site", slug, name, n) for slug, name, n in raw["site"]],
        "total": raw["total"],
    }


def with_default_status(data):
    """The page's default view is trials open to recruitment: add status=open when none was chosen."""
    data = data.copy()
    if not data.get("status"):
        data["status"] = DEFAULT_STATUS
    return data
