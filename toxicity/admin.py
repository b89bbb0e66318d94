"""Admin of the toxicity app."""
