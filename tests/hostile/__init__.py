"""Hostile servers and bad input (issue 8): nothing crashes, nothing leaks, nothing lies."""
