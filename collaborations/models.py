"""Models of the collaborations app."""
