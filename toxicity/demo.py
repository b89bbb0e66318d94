"""Demo data of the toxicity app, loaded by `manage.py seed_demo` (must be idempotent)."""


def load() -> dict[str, int]:
    """Create or update the demo rows; return counts by kind for the command's report."""
    return {}
