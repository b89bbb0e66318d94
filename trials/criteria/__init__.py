"""Structured eligibility criteria (docs/criteria.md): the rule-based extractor (`extract`, with its
vocabularies `vocab`, organ-function rules `labs` and `numbers`), the allowed values per kind (`schema`),
re-import handling (`sync`), the evaluation on hand-annotated records (`evaluate`, `eval/`), readable
values and the highlighted text (`display`) and the demo data (`demo`). No external service."""
