"""The one filtered-list view mixin: a ListView whose rows pass through the list's FilterSet (the same
FilterSet the API uses), with one rule for filters it cannot use.

**The rule:** when any filter value is invalid (an unknown code, a malformed number), the page says which
filters were not understood and why, and shows the whole list, unfiltered, so the visitor sees what exists
and can filter again. The API answers the same query with a 400 naming the allowed values
(`ion_portal.api_errors.StrictFilterBackend`). Valid filters are never silently mixed with ignored ones.

Used by the list pages of collaborations and education; the template component
`components/filter_form.html` renders the form and the message.
"""

from __future__ import annotations


class FilteredListMixin:
    """Mix into a ListView; set `filterset_class` and override `base_queryset()` (and `list_ordering`)."""

    filterset_class = None
    # Applied to the filtered and the unfiltered list alike (None keeps the queryset's order).
    list_ordering: tuple[str, ...] | None = None

    def base_queryset(self):
        """The rows before filtering (published only, with what the template shows prefetched)."""
        return super().get_queryset()

    def filterset_data(self):
        """The filter values: the query string, or None when there is none (an unbound FilterSet)."""
        return self.request.GET or None

    def get_queryset(self):
        base = self.base_queryset()
        self.filterset = self.filterset_class(
            self.filterset_data(), queryset=base, request=self.request
        )
        self.filter_errors = (
            self.filterset.errors
            if self.filterset.is_bound and not self.filterset.is_valid()
            else {}
        )
        rows = base if self.filter_errors else self.filterset.qs
        return rows.order_by(*self.list_ordering) if self.list_ordering else rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        form = self.filterset.form
        context["filter"] = self.filterset
        context["filter_errors"] = [
            (form.fields[name].label if name in form.fields else name, errors)
            for name, errors in self.filter_errors.items()
        ]
        context["query_string"] = params.urlencode()
        context["is_filtered"] = any(value for value in params.values())
        return context
