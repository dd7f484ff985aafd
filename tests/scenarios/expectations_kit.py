"""An incident record as the expectations read it, at a fixed event time."""

from __future__ import annotations

from playbooks.incident import Incident

T0 = 1_700_000_000_000


MIN = 60_000


def incident(level: str | None, at: int, **kw: object) -> Incident:
    base: dict[str, object] = {
        "id": "I1",
        "theater": "t",
        "type": "gas_explosion",
        "family": "gas",
        "opened_at_ms": T0,
        "updated_at_ms": at,
        "last_evidence_ms": at,
        "lon": 116.8,
        "lat": 39.9,
        "province": "130000",
        "adcode": "131082",
        "provinces": ("130000",),
        "adcodes": ("131082",),
        "evidence": (),
        "counts": (),
        "confidence": 0.9,
        "response_level": level,
    }
    base.update(kw)
    return Incident(**base)  # type: ignore[arg-type]
