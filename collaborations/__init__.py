"""The collaborations app of ION Portal."""
