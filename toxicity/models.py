"""Models of the toxicity app."""
