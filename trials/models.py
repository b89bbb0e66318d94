"""Models of the trials app."""
