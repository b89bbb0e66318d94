"""The education app of ION Portal."""
