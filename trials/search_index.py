"""The derived search fields of a trial: the search text (both databases) and, on PostgreSQL, the
weighted search vector. Recomputed by every import that writes a trial."""

from __future__ import annotations

from django.db import connection

from .models import Trial


def trial_reindex(trial: Trial) -> None:
    """Recompute the derived search text (and, on PostgreSQL, the weighted search vector) of a trial."""
    parts = list(trial.conditions or []) + list(trial.keywords or [])
    for item in trial.interventions.prefetch_related("drugs"):
        parts.append(item.name)
        parts.extend(item.other_names or [])
        for drug in item.drugs.all():
            parts.extend(drug.all_names())
    parts.extend(ct.name for ct in trial.cancer_types.all())
    search_terms = "\n".join(dict.fromkeys(p for p in parts if p))
    Trial.objects.filter(pk=trial.pk).update(search_terms=search_terms)
    trial.search_terms = search_terms
    update_search_vectors(Trial.objects.filter(pk=trial.pk))


def search_vector_expression():
    """Weighted tsvector: ids and titles (A) > conditions and drugs (B) > summary (C)."""
    from django.contrib.postgres.search import SearchVector  # PostgreSQL only: imported on use
    from django.db.models import TextField, Value
    from django.db.models.functions import Coalesce

    def vec(name, weight):
        text = Coalesce(name, Value(""), output_field=TextField())
        return SearchVector(text, weight=weight, config="english")

    return (
        vec("nct_id", "A")
        + vec("acronym", "A")
        + vec("brief_title", "A")
        + vec("official_title", "A")
        + vec("search_terms", "B")
        + vec("brief_summary", "C")
    )


def update_search_vectors(queryset) -> int:
    """Refresh search_vector for the queryset (PostgreSQL only; elsewhere a no-op)."""
    if connection.vendor != "postgresql":
        return 0
    return queryset.update(search_vector=search_vector_expression())
