"""An agency's report of a stranded train, stamped at the live clock, for the live and broker-ACL tests."""

from __future__ import annotations

import json
from datetime import datetime

from streams.wire.timefmt import CST

# places in Beijing 20 km and more apart: 门头沟, 延庆, 怀柔, 密云, 平谷, 昌平, 大兴
PLACES = [
    (115.98, 39.96),
    (115.97, 40.46),
    (116.63, 40.32),
    (116.84, 40.38),
    (117.12, 40.14),
    (116.23, 40.22),
    (116.34, 39.73),
]


def report(n: int, at_ms: int) -> bytes:
    """An agency's report of a stranded train, stamped now; each `n` far from the others, so each opens an incident."""
    at = datetime.fromtimestamp(at_ms / 1000, tz=CST).isoformat(timespec="milliseconds")
    message = {
        "type": "agency.incident",
        "schema_version": "1.0",
        "event_id": f"live-railway-{n}-{at_ms}",
        "agency": "beijing-railway",
        "province": "110000",
        "reported_at": at,
        "incident_kind": "train_stranded",
        "description": f"K{396 + n}次列车因降雨滞留，车上约800名旅客",
        "position": dict(zip(("lon", "lat"), PLACES[n], strict=True)),
        "people_affected": 800,
    }
    return json.dumps(message, ensure_ascii=False).encode()
