"""Deterministic generators of the blind-evaluation scenarios (see common.py)."""
