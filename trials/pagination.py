"""Pagination of trial lists whose total is a cached count (trials.filters.cached_count): a page of the
API, the FHIR search or /trials/ does not count every matching row again on each request."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from ion_portal.pagination import PageNumberPagination

from .filters import cached_count


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return cached_count(self.object_list)


class TrialPagination(PageNumberPagination):
    django_paginator_class = CachedCountPaginator
