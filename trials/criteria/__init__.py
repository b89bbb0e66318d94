"""Structured eligibility criteria: the rule-based extractor (`extract`), its vocabularies (`vocab`),
re-import handling (`sync`) and display helpers (`display`). No external service."""
