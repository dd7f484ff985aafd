"""Deterministic generators of the held-out scenarios, one module a scenario; they share the hotline callers
(`calls.py`, `voice.py`) and the places they write to (`paths.py`)."""
