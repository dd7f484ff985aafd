"""Evidence as a viewer outside its owning region sees it, by the brain's data classification policy
(streams/data/classification.yaml, record `signal`)."""

from __future__ import annotations

from typing import Any

import msgspec

from streams.wire.classification import ClassificationPolicy

_ENCODER = msgspec.json.Encoder()


class EvidenceMasker:
    """Masks evidence for a viewer province (None: outside every region).

    The same evidence is masked again for every snapshot and REST read of its incident (up to 200 pieces each
    time), so results are remembered, keyed by the viewer's province and the evidence's own JSON: exact, and
    bounded in size.
    """

    def __init__(self, policy: ClassificationPolicy, remember: int = 20_000):
        self.policy = policy
        self.remember = remember
        self._memo: dict[tuple[str | None, bytes], dict[str, Any]] = {}

    def signal(self, signal: dict[str, Any], viewer_province: str | None) -> dict[str, Any]:
        key = (viewer_province, _ENCODER.encode(signal))
        masked = self._memo.get(key)
        if masked is None:
            masked = self.policy.mask("signal", signal, viewer_province)
            if len(self._memo) >= self.remember:
                self._memo.clear()
            self._memo[key] = masked
        return masked
