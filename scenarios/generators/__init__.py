"""Deterministic generators of the blind-evaluation scenarios, one module a scenario, all written with the same
three: `timeline.py` (the timeline, its truth and the writing of both), `callers.py` (who calls the hotline and how
it is written down) and `payloads.py` (what agencies and sensors send)."""
