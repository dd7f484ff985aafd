"""Held-out scenarios: kept apart from the tuning scenarios, run only to measure the rules blind (README.md)."""
