"""Where the held-out scenarios and their truth are written, and the note every held-out file carries."""

from __future__ import annotations

from pathlib import Path

HELDOUT = Path(__file__).resolve().parents[1]
FILES = HELDOUT
TRUTH = HELDOUT / "truth"
HELDOUT_NOTE = (
    "HELD-OUT evaluation data, written without reading the fusion rules or the call reader: not for tuning. "
    "Calls and callers are synthetic; see real/synthetic below."
)
