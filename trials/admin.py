"""Admin of the trials app."""
