"""deprecated: import from tests.factories (this shim keeps older branches working; deleted at merge)."""

from tests.factories import make_collaboration_request as collaboration_request
from tests.factories import make_consult as consult
from tests.factories import make_toxicity as toxicity
from tests.factories import make_trial as trial
from tests.factories import make_unit

__all__ = ["collaboration_request", "consult", "toxicity", "trial", "unit"]


def unit(name: str = ""):
    return make_unit(f"builders-lab{'-' + name if name else ''}")
