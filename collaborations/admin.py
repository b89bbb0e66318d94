"""Admin of the collaborations app."""
