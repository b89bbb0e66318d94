"""The one error of the ClinicalTrials.gov format layer."""


class RecordError(Exception):
    """A record that cannot be imported; the message says why, in terms a curator understands."""
