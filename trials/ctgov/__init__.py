"""The ClinicalTrials.gov record format: legacy XML → API v2 shape, parsing files, shape validation,
normalisation to the registry's fields, and the API v2 client.

Nothing here writes to the database: `trials.services` does that.
"""
