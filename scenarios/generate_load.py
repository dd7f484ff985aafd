"""A 72-hour load scenario for the benchmarks, generated from a seed (entirely synthetic).

A regional rainstorm over 京津冀: hundreds of lifeline sensors reporting all along (rain gauges, underpass water
depth, manhole gas), a storm over a few Beijing and Hebei counties from hour 20 to hour 44 that drives rain and
water depth into alarm, a red rainstorm warning and its cancellation, and a hotline surge of roof-leak and
waterlogging calls (with a background of everyday calls everywhere). The default size is about 206,000 input
messages; the same seed always gives the same bytes.

    python -m scenarios.generate_load OUT_DIR [--hours 72] [--sensors 800] [--seed 2023]

writes OUT_DIR/load_72h.yaml and OUT_DIR/load_72h.jsonl; `ensure_load_scenario(OUT_DIR)` does so on first use
(the benchmarks keep it under a git-ignored folder). A small sample is committed under scenarios/files/.
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass
from pathlib import Path

import msgspec

from geo.regions import RegionIndex, RegionUnit

T0 = "2024-07-20T00:00:00+08:00"
STORM_COUNTIES = ("110111", "110109", "110106", "130681", "130683")  # 房山 门头沟 丰台 涿州 高碑店
_KINDS = (("rain_gauge", "RAIN", "mm/h"), ("water_depth", "WATER", "cm"), ("gas_lel", "GAS", "%LEL"))
_STREETS = ("人民路", "建设街", "解放路", "新华街", "朝阳路", "胜利街", "和平里", "幸福小区", "北关", "南关")
_EVERYDAY = ("想咨询一下社保办理流程", "小区路灯不亮了", "楼下噪音太大", "公交站牌被撞坏了", "咨询医保报销")


@dataclass(frozen=True)
class LoadSpec:
    hours: int = 72
    sensors: int = 880
    every_min: int = 20
    seed: int = 2023
    storm_from_h: float = 20.0
    storm_to_h: float = 44.0
    surge_calls_per_h: int = 1000
    everyday_calls_per_h: int = 60
    name: str = "load_72h"


def _storm(spec: LoadSpec, hour: float) -> float:
    """0 outside the storm, rising to 1 at its middle."""
    if not spec.storm_from_h <= hour <= spec.storm_to_h:
        return 0.0
    middle = (spec.storm_from_h + spec.storm_to_h) / 2
    half = (spec.storm_to_h - spec.storm_from_h) / 2
    return math.cos((hour - middle) / half * math.pi / 2) ** 2


def _point(rng: random.Random, unit: RegionUnit, regions: RegionIndex) -> tuple[float, float]:
    for _ in range(20):
        lon = unit.label_lon + rng.uniform(-0.02, 0.02)
        lat = unit.label_lat + rng.uniform(-0.02, 0.02)
        found = regions.locate(lon, lat)
        if found is not None and found.adcode == unit.adcode:
            return round(lon, 5), round(lat, 5)
    return unit.label_lon, unit.label_lat


def generate(spec: LoadSpec, regions: RegionIndex) -> list[tuple[int, dict[str, object]]]:
    """(offset ms from T0, payload) in time order."""
    rng = random.Random(spec.seed)
    units = {u.adcode: u for u in regions.units}
    storm_units = [units[c] for c in STORM_COUNTIES if c in units]
    rows: list[tuple[int, dict[str, object]]] = []
    sensors = []
    for n in range(spec.sensors):
        in_storm = n % 4 == 0 and bool(storm_units)  # a quarter of the sensors stand where the storm will be
        unit = rng.choice(storm_units) if in_storm else rng.choice(regions.units)
        kind, code, unit_text = _KINDS[n % 3]
        lon, lat = _point(rng, unit, regions)
        sensors.append((f"LL-{unit.adcode}-{code}-{n:05d}", kind, unit_text, lon, lat, in_storm))
    step_ms = spec.every_min * 60_000
    for at in range(0, spec.hours * 3_600_000, step_ms):
        hour = at / 3_600_000
        storm = _storm(spec, hour)
        for device, kind, unit_text, lon, lat, in_storm in sensors:
            load = storm if in_storm else 0.0
            if kind == "rain_gauge":
                value = round(max(0.0, rng.gauss(2 + 80 * load, 3)), 1)
            elif kind == "water_depth":
                value = round(max(0.0, rng.gauss(1 + 35 * load, 2)), 1)
            else:
                value = round(max(0.0, rng.gauss(1.0, 0.5)), 1)  # gas stays quiet: the storm is not a gas event
            rows.append(
                (
                    at + rng.randrange(0, 60_000),
                    {
                        "type": "sensor.reading",
                        "device_id": device,
                        "kind": kind,
                        "value": value,
                        "unit": unit_text,
                        "position": {"lon": lon, "lat": lat, "crs": "WGS84"},
                        "interval_s": spec.every_min * 60,
                    },
                )
            )
    order = 0
    for hour in range(spec.hours):
        storm = _storm(spec, hour + 0.5)
        for _ in range(int(spec.surge_calls_per_h * storm)):
            order += 1
            unit = rng.choice(storm_units)
            leak = rng.random() < 0.7
            rows.append(
                (
                    hour * 3_600_000 + rng.randrange(0, 3_600_000),
                    {
                        "type": "hotline.work_order",
                        "order_id": f"LOAD-{order:07d}",
                        "hotline": unit.province_adcode,
                        "category": "求助",
                        "urgency": "一般",
                        "content": "屋顶漏雨，家里渗水" if leak else "小区门口积水很深，车过不去",
                        "address": f"{unit.name}{rng.choice(_STREETS)}{rng.randrange(1, 80)}号",
                        "caller": {"name": "居民", "phone": f"139{order:08d}"},
                    },
                )
            )
        for _ in range(spec.everyday_calls_per_h):
            order += 1
            unit = rng.choice(regions.units)
            rows.append(
                (
                    hour * 3_600_000 + rng.randrange(0, 3_600_000),
                    {
                        "type": "hotline.work_order",
                        "order_id": f"LOAD-{order:07d}",
                        "hotline": unit.province_adcode,
                        "category": "咨询",
                        "urgency": "一般",
                        "content": rng.choice(_EVERYDAY),
                        "address": f"{unit.name}{rng.choice(_STREETS)}",
                    },
                )
            )
    for action, at_h in (("issue", spec.storm_from_h + 2), ("cancel", spec.storm_to_h)):
        if at_h < spec.hours:
            rows.append(
                (
                    int(at_h * 3_600_000),
                    {
                        "type": "agency.warning",
                        "agency": "beijing-meteorological",
                        "province": "110000",
                        "action": action,
                        "warning_id": "LOAD-RAINSTORM-RED",
                        "event_code": "11B03",
                        "hazard": "rainstorm",
                        "colour": "red",
                        "headline": "暴雨红色预警 (synthetic load scenario)",
                        "area": {"description": "北京市", "adcodes": ["110000"]},
                    },
                )
            )
    rows.sort(key=lambda row: row[0])  # stable: equal times keep generation order
    return rows


HEADER = """# Generated by scenarios/generate_load.py (seed {seed}); entirely synthetic. Do not edit: regenerate.
scenario: {name}
title: "Load scenario: {hours} h regional rainstorm, {count} input messages (synthetic)"
t0: "{t0}"
sources: ["scenarios/generate_load.py"]
real: ["the counties and their boundaries; the scale of a storm's hotline surge (DOMAIN.md: ~33 k calls in 72 h)"]
synthetic: ["every sensor, reading, call and warning, drawn from seed {seed}"]
fleet: {{seed: 7, scale: 1.0}}
timeline_file: {name}.jsonl
end: "+{hours}h"
expect:
  - note: roof-leak calls are merged into one work queue per street named (or per county), not one incident a call
    incidents: {{type: roof_leak_cluster, at_most: {queues}}}
"""


def write(spec: LoadSpec, regions: RegionIndex, out_dir: Path) -> Path:
    rows = generate(spec, regions)
    out_dir.mkdir(parents=True, exist_ok=True)
    encoder = msgspec.json.Encoder()
    with (out_dir / f"{spec.name}.jsonl").open("wb") as fh:
        for at_ms, payload in rows:
            fh.write(encoder.encode({"at_ms": at_ms, "payload": payload}) + b"\n")
    header = HEADER.format(
        seed=spec.seed,
        name=spec.name,
        hours=spec.hours,
        count=len(rows),
        t0=T0,
        queues=len(STORM_COUNTIES) * (len(_STREETS) + 1),  # at most a queue per street name and county
    )
    path = out_dir / f"{spec.name}.yaml"
    path.write_text(header, encoding="utf-8")
    return path


def ensure_load_scenario(out_dir: Path, regions: RegionIndex | None = None, spec: LoadSpec | None = None) -> Path:
    """The load scenario's file, generated on first use."""
    spec = spec or LoadSpec()
    path = out_dir / f"{spec.name}.yaml"
    if path.exists() and (out_dir / f"{spec.name}.jsonl").exists():
        return path
    return write(spec, regions or RegionIndex.load(), out_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scenarios.generate_load", description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--hours", type=int, default=72)
    parser.add_argument("--sensors", type=int, default=880)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--surge", type=int, default=1000, help="storm calls per hour at the storm's peak")
    parser.add_argument("--storm", type=float, nargs=2, default=(20.0, 44.0), metavar=("FROM_H", "TO_H"))
    parser.add_argument("--name", default="load_72h")
    args = parser.parse_args(argv)
    spec = LoadSpec(
        hours=args.hours,
        sensors=args.sensors,
        seed=args.seed,
        surge_calls_per_h=args.surge,
        storm_from_h=args.storm[0],
        storm_to_h=args.storm[1],
        name=args.name,
    )
    path = write(spec, RegionIndex.load(), args.out_dir)
    print(f"wrote {path} and {spec.name}.jsonl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
