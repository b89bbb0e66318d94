"""The trials app of ION Portal."""
