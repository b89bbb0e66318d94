"""SQL of the PostgreSQL-only search indexes (used by migration 0002 and by seed_synthetic's bulk mode)."""

POSTGRES_FORWARDS = [
    "CREATE INDEX IF NOT EXISTS trial_search_vector_gin ON trials_trial USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS drug_name_trgm ON trials_drug USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS drug_synonyms_trgm ON trials_drug USING gin (synonyms gin_trgm_ops)",
    # Phase and class filters use LIKE '%|PHASE2|%'; a trigram index keeps them fast at scale.
    "CREATE INDEX IF NOT EXISTS trial_phases_trgm ON trials_trial USING gin (phases gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS trial_classes_trgm ON trials_trial "
    "USING gin (immunotherapy_classes gin_trgm_ops)",
]
POSTGRES_BACKWARDS = [
    "DROP INDEX IF EXISTS trial_search_vector_gin",
    "DROP INDEX IF EXISTS drug_name_trgm",
    "DROP INDEX IF EXISTS drug_synonyms_trgm",
    "DROP INDEX IF EXISTS trial_phases_trgm",
    "DROP INDEX IF EXISTS trial_classes_trgm",
]

# A covering index for the list page's count and facet queries: they read only these columns, so PostgreSQL
# answers them with an index-only scan instead of visiting every matching (wide) row.
FACET_INDEX_FORWARDS = [
    "CREATE INDEX IF NOT EXISTS trial_facets_covering ON trials_trial "
    "(overall_status, status, published_at) INCLUDE (id, phases, immunotherapy_classes, sex, "
    "minimum_age_days, maximum_age_days, last_update_posted, start_date, updated_at)",
]
FACET_INDEX_BACKWARDS = ["DROP INDEX IF EXISTS trial_facets_covering"]
