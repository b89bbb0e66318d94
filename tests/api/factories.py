"""deprecated: import from tests.factories (this shim keeps older branches working; deleted at merge)."""

from tests.factories import make_detailed_trial as make_trial
from tests.factories import make_unit

__all__ = ["make_trial", "make_unit"]
