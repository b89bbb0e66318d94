"""The toxicity app of ION Portal."""
