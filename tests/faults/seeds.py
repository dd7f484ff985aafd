"""One valid message of every type of the wire contract, placed in 燕郊 (三河, Hebei) on 2024-03-13.

They are the starting points of the mutation fuzzers; `test_fuzz_wire` checks that each decodes as it is.
"""

from __future__ import annotations

import json

AT = "2024-03-13T07:54:00+08:00"
HERE = {"lon": 116.8105, "lat": 39.9597, "crs": "WGS84"}
READING = {
    "type": "sensor.reading",
    "schema_version": "1.0",
    "event_id": "seed-reading-1",
    "device_id": "LL-131082-GAS-000417",
    "kind": "gas_lel",
    "value": 56.0,
    "unit": "%LEL",
    "observed_at": AT,
    "position": HERE,
    "interval_s": 60,
}

MESSAGES: dict[str, dict[str, object]] = {
    "sensor.reading": READING,
    "sensor.batch": {
        "type": "sensor.batch",
        "schema_version": "1.0",
        "event_id": "seed-batch-1",
        "gateway_id": "GW-131082-01",
        "readings": [
            {**READING, "event_id": "seed-batch-1a"},
            {
                **READING,
                "event_id": "seed-batch-1b",
                "kind": "water_depth",
                "value": 31.0,
                "unit": "cm",
                "device_id": "LL-131082-WATER-0001",
            },
        ],
    },
    "sensor.heartbeat": {
        "type": "sensor.heartbeat",
        "schema_version": "1.0",
        "event_id": "seed-heartbeat-1",
        "device_id": "LL-131082-GAS-000417",
        "online": True,
        "observed_at": AT,
    },
    "hotline.work_order": {
        "type": "hotline.work_order",
        "schema_version": "1.0",
        "event_id": "seed-order-1",
        "order_id": "HE12345-20240313-0001",
        "hotline": "130000",
        "received_at": AT,
        "category": "求助",
        "urgency": "特急",
        "content": "小张各庄发生爆炸，楼塌了，有人被埋",
        "address": "河北省廊坊市三河市燕郊镇小张各庄",
        "caller": {"name": "王建国", "phone": "13800138001"},
    },
    "agency.warning": {
        "type": "agency.warning",
        "schema_version": "1.0",
        "event_id": "seed-warning-1",
        "agency": "hebei-meteorology",
        "province": "130000",
        "issued_at": AT,
        "action": "issue",
        "warning_id": "W-130000-0001",
        "event_code": "11B03",
        "hazard": "rainstorm",
        "colour": "orange",
        "area": {
            "description": "三河市",
            "adcodes": ["131082"],
            "polygon": [[116.7, 39.9], [116.9, 39.9], [116.8, 40.0]],
        },
        "headline": "暴雨橙色预警",
    },
    "agency.response_level": {
        "type": "agency.response_level",
        "schema_version": "1.0",
        "event_id": "seed-level-1",
        "agency": "hebei-emergency",
        "province": "130000",
        "issued_at": AT,
        "action": "raise",
        "level": "II",
        "hazard": "gas",
        "scope_adcodes": ["131082"],
    },
    "agency.incident": {
        "type": "agency.incident",
        "schema_version": "1.0",
        "event_id": "seed-incident-1",
        "agency": "langfang-fire",
        "province": "130000",
        "reported_at": AT,
        "incident_kind": "explosion",
        "description": "燕郊镇小张各庄一临街商铺发生疑似燃气爆炸",
        "position": HERE,
        "people_affected": 12,
    },
    "agency.resource_status": {
        "type": "agency.resource_status",
        "schema_version": "1.0",
        "event_id": "seed-resource-1",
        "agency": "langfang-fire",
        "province": "130000",
        "reported_at": AT,
        "responder_id": "fire-131082-01",
        "status": "out_of_service",
    },
    "agency.casualty": {
        "type": "agency.casualty",
        "schema_version": "1.0",
        "event_id": "seed-casualty-1",
        "agency": "langfang-health",
        "province": "130000",
        "reported_at": AT,
        "position": HERE,
        "deaths": 7,
        "injured": 27,
    },
    "agency.loss": {
        "type": "agency.loss",
        "schema_version": "1.1",
        "event_id": "seed-loss-1",
        "agency": "sanhe-emergency",
        "province": "130000",
        "reported_at": AT,
        "position": HERE,
        "deaths": 7,
        "injured": 27,
        "relocated": 1200,
        "houses_damaged": 42,
        "direct_loss_cny": 12000000,
    },
    "agency.weather": {
        "type": "agency.weather",
        "schema_version": "1.2",
        "event_id": "seed-weather-1",
        "agency": "langfang-meteorology",
        "province": "130000",
        "observed_at": AT,
        "position": HERE,
        "station": "三河气象站",
        "wind_from_deg": 45,
        "wind_speed_ms": 3.2,
    },
    "task.status": {
        "type": "task.status",
        "schema_version": "1.0",
        "event_id": "seed-task-1",
        "task_id": "JINGJINJI-000001-T001.1",
        "responder_id": "fire-131082-01",
        "status": "en_route",
        "at": AT,
    },
    "command": {
        "type": "command",
        "schema_version": "1.0",
        "event_id": "seed-command-1",
        "at": AT,
        "operator": "duty-officer-he",
        "centre": "130000",
        "action": "acknowledge",
        "incident_id": "JINGJINJI-000001",
    },
    "tick": {"type": "tick", "schema_version": "1.0", "at": AT},
}

#: The source topic each message type is produced to.
TOPIC = {
    "sensor.reading": "ingest.sensor",
    "sensor.batch": "ingest.sensor",
    "sensor.heartbeat": "ingest.sensor",
    "hotline.work_order": "ingest.hotline",
    "task.status": "task.status",
    "command": "commands",
}


def raw(kind: str) -> bytes:
    return json.dumps(MESSAGES[kind], ensure_ascii=False).encode()
