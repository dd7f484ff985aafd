"""The corpus of bad inputs, each with the reason it must be refused with: run on the embedded runtime and on Kafka."""

from __future__ import annotations

import json
from typing import Any

from streams.wire import topics
from tests.faults.seeds import MESSAGES, READING

T0 = 1_710_287_640_000  # 2024-03-13T07:54:00+08:00, the seeds' time


ORDER = MESSAGES["hotline.work_order"]


WARNING = MESSAGES["agency.warning"]


def text(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode()


def reading(n: int, **change: Any) -> dict[str, Any]:
    return {**READING, "event_id": f"bad-{n}", **change}


def misplaced_key(device: str) -> str:
    """A record key (here the event id, as a producer might use) that Kafka puts elsewhere than the device id."""
    home = topics.partition_for(device, topics.INGEST_SENSOR.partitions)
    return next(
        key
        for key in (f"bad-12-{n}" for n in range(100))
        if topics.partition_for(key, topics.INGEST_SENSOR.partitions) != home
    )


DEVICE = str(READING["device_id"])


# (name, topic, record key, payload, what the reason must say)
CORPUS: list[tuple[str, str, str, bytes, str]] = [
    (
        "NaN literal",
        "ingest.sensor",
        DEVICE,
        text(reading(1)).replace(b'"value": 56.0', b'"value": NaN'),
        "sensor.reading: value: NaN is not JSON; send null or omit the field (byte ",
    ),
    (
        "GBK text",
        "ingest.hotline",
        str(ORDER["order_id"]),
        json.dumps(ORDER, ensure_ascii=False).encode("gb18030"),
        "hotline.work_order: the payload must be UTF-8: byte 0x",
    ),
    (
        "CRS CGCS2000",
        "ingest.sensor",
        DEVICE,
        text(reading(3, position={"lon": 116.8105, "lat": 39.9597, "crs": "CGCS2000"})),
        "$.position.crs: 'CGCS2000' is not one of WGS84, GCJ02; CGCS2000 and WGS84 agree within centimetres: send "
        "CGCS2000 coordinates as WGS84",
    ),
    (
        "kind gas",
        "ingest.sensor",
        DEVICE,
        text(reading(4, kind="gas")),
        "$.kind: 'gas' is not one of gas_lel, water_depth,",
    ),
    (
        "urgency in lower case",
        "ingest.hotline",
        str(ORDER["order_id"]),
        text({**ORDER, "event_id": "bad-5", "urgency": "紧"}),
        "$.urgency: '紧' is not one of 一般, 紧急, 特急; did you mean '紧急'?",
    ),
    ("-12.5 %LEL", "ingest.sensor", DEVICE, text(reading(6, value=-12.5)), "value: -12.5 %LEL is outside"),
    ("150 %LEL", "ingest.sensor", DEVICE, text(reading(7, value=150.0)), "0 to 100 %LEL"),
    ("ppm", "ingest.sensor", DEVICE, text(reading(8, unit="ppm")), "unit: 'ppm' is not the unit of gas_lel; send"),
    (
        "gas device, water depth",
        "ingest.sensor",
        DEVICE,
        text(reading(9, kind="water_depth", unit="cm", value=20.0)),
        "is a gas_lel device (GAS) but reports water_depth",
    ),
    (
        "1970",
        "ingest.sensor",
        DEVICE,
        text(reading(10, observed_at="1970-01-01T08:00:00+08:00")),
        "observed_at: '1970-01-01T08:00:00+08:00' is before 2000-01-01",
    ),
    (
        "2031",
        "ingest.sensor",
        DEVICE,
        text(reading(11, observed_at="2031-03-13T07:54:00+08:00")),
        "observed_at: 2031-03-13T07:54:00+08:00 is 2556 days ahead of the event time",
    ),
    (
        "wrong partition",
        "ingest.sensor",
        misplaced_key(DEVICE),
        text(reading(12)),
        "partition: device_id='LL-131082-GAS-000417' belongs on partition",
    ),
    ("a typo in a field", "ingest.sensor", DEVICE, text(reading(13, vaule=1)), "did you mean 'value'?"),
    ("truncated", "ingest.sensor", DEVICE, text(reading(14))[:-20], "the JSON ends before it is complete"),
    ("a number in quotes", "ingest.sensor", DEVICE, text(reading(15, value="12")), "send a number, without quotes"),
    (
        "swapped",
        "ingest.sensor",
        DEVICE,
        text(reading(16, position={"lon": 39.9597, "lat": 116.8105})),
        "looks swapped (lat/lon order); send lon, lat",
    ),
    ("a resend", "ingest.sensor", DEVICE, text(reading(0)), "duplicate: event_id 'bad-0' was already received"),
    (
        "an update of a warning never issued",
        "ingest.agency",
        str(WARNING["agency"]),
        text({**WARNING, "event_id": "bad-17", "action": "update", "warning_id": "W-NEVER-ISSUED"}),
        "action=update: warning_id='W-NEVER-ISSUED' is not a warning in force (never issued, or already cancelled); "
        "send action 'issue' for a new warning",
    ),
    (
        "a cancel of a warning never issued",
        "ingest.agency",
        str(WARNING["agency"]),
        text({**WARNING, "event_id": "bad-18", "action": "cancel", "warning_id": "W-NEVER-ISSUED-2"}),
        "action=cancel: warning_id='W-NEVER-ISSUED-2' is not a warning in force",
    ),
    (
        "invalid UTF-8, not GBK either",
        "ingest.sensor",
        DEVICE,
        text(reading(19)).replace(b'"bad-19"', b'"bad-19\xff"'),
        "sensor.reading: the payload must be UTF-8: byte 0xff at offset",
    ),
]
