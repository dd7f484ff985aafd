"""The two drawings of the after-action report, as inline SVG: the timeline chart and the map.

Both are plain functions of the run (no wall time, sorted inputs), so a report is byte-identical across runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from playbooks.incident import Incident, Task
from scenarios.expectations import Result
from scenarios.offsets import offset_text

WIDTH = 1000
LABEL_W = 170
ROW_H = 26
MAX_ROWS = 24
_TICK_STEPS_MIN = (1, 5, 10, 15, 30, 60, 180, 360, 720, 1440)
PROVINCE_COLOURS = {"110000": "#c0392b", "120000": "#2471a3", "130000": "#1e8449"}
_LEVEL_COLOURS = {"IV": "#5dade2", "III": "#f4d03f", "II": "#eb984e", "I": "#cb4335"}


@dataclass(frozen=True)
class Span:
    start_ms: int
    end_ms: int
    t0_ms: int

    def x(self, at_ms: int) -> float:
        width = max(1, self.end_ms - self.start_ms)
        return round(LABEL_W + (WIDTH - LABEL_W - 20) * (at_ms - self.start_ms) / width, 1)


def _axis(span: Span, top: int, bottom: int) -> list[str]:
    minutes = (span.end_ms - span.start_ms) / 60_000
    step = next((s for s in _TICK_STEPS_MIN if minutes / s <= 12), 2880) * 60_000
    first = span.t0_ms + math.ceil((span.start_ms - span.t0_ms) / step) * step
    out = []
    for at in range(first, span.end_ms + 1, step):
        x = span.x(at)
        out.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" class="grid"/>')
        out.append(f'<text x="{x}" y="{bottom + 14}" class="tick">{offset_text(at, span.t0_ms)}</text>')
    return out


def _fit(text: str, width_px: float, font_px: float = 11) -> str:
    """The text cut to fit a width (a CJK character is about one font size wide, a Latin one about half)."""
    used, out = 0.0, ""
    for ch in text:
        w = font_px if ord(ch) > 0x2E80 else font_px * 0.55
        if used + w > width_px - font_px:
            return out + "…"
        used += w
        out += ch
    return out


def _label(x: float, y: float, pair: tuple[str, str], width_px: float, cls: str = "row") -> str:
    """A row label in both languages (the report's switch shows one), each cut to the label column."""
    zh, en = pair
    return (
        f'<text x="{x}" y="{y}" class="{cls} zh">{escape(_fit(zh, width_px))}</text>'
        f'<text x="{x}" y="{y}" class="{cls} en">{escape(_fit(en, width_px))}</text>'
    )


def _spread_out(xs: Sequence[float], gap: float) -> list[float]:
    """Positions at least `gap` apart, each as near its own x as the ones before allow (markers side by side)."""
    out: list[float] = []
    for x in xs:
        out.append(max(x, out[-1] + gap) if out else x)
    return out


def timeline_svg(
    span: Span,
    input_times: Sequence[int],
    incidents: Sequence[Incident],
    tasks: Iterable[Task],
    results: Sequence[Result],
    titles: dict[str, tuple[str, str]] | None = None,
) -> str:
    """Inputs per time bin, one row per incident (life, level changes, units sent), expectation deadlines.

    Labels never overlap: row labels are cut to the label column, level markers closer than their width are
    set side by side, and deadline numbers that would touch take the next of three lanes."""
    titles = titles or {}
    shown = sorted(incidents, key=lambda i: (-i.evidence_count, i.id))[:MAX_ROWS]
    shown.sort(key=lambda i: (i.opened_at_ms, i.id))
    height = 70 + ROW_H * len(shown) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" role="img">']
    parts.append("<title>Timeline: inputs, incidents, level changes, units sent, expectation deadlines</title>")
    bins = 120
    counts = [0] * bins
    width = max(1, span.end_ms - span.start_ms)
    for at in input_times:
        counts[min(bins - 1, max(0, (at - span.start_ms) * bins // width))] += 1
    top = max(counts) or 1
    bin_w = (WIDTH - LABEL_W - 20) / bins
    parts.append(_label(4, 40, ("各时段输入量", "inputs per bin"), LABEL_W))
    for i, n in enumerate(counts):
        if n:
            h = round(40 * n / top, 1)
            x = round(LABEL_W + i * bin_w, 1)
            parts.append(
                f'<rect x="{x}" y="{50 - h}" width="{max(1.0, round(bin_w - 0.5, 1))}" height="{h}" class="bar">'
                f"<title>{n} input(s)</title></rect>"
            )
    by_incident: dict[str, list[Task]] = {}
    for task in sorted(tasks, key=lambda t: (t.created_at_ms, t.id)):
        by_incident.setdefault(task.incident_id, []).append(task)
    for row, inc in enumerate(shown):
        y = 70 + row * ROW_H
        end = max(inc.updated_at_ms, inc.opened_at_ms)
        parts.append(_label(4, y + 16, titles.get(inc.id, (inc.type, inc.type)), LABEL_W))
        x0, x1 = span.x(inc.opened_at_ms), span.x(end)
        parts.append(
            f'<rect x="{x0}" y="{y + 6}" width="{max(2.0, round(x1 - x0, 1))}" height="12" class="life">'
            f"<title>{escape(' / '.join(titles.get(inc.id, (inc.type,))))} {offset_text(inc.opened_at_ms, span.t0_ms)}"
            "</title></rect>"
        )
        for task in by_incident.get(inc.id, ())[:60]:
            x = span.x(task.created_at_ms)
            cls = "unfilled" if task.status == "unfilled" else "task"
            parts.append(
                f'<path d="M{x} {y + 22} l-4 5 h8 z" class="{cls}"><title>{escape(task.responder_name or "待补派")}'
                f" {offset_text(task.created_at_ms, span.t0_ms)}</title></path>"
            )
        changes = [d for d in inc.decisions if d.what.startswith("response_level")]
        for d, x in zip(changes, _spread_out([span.x(d.at_ms) for d in changes], 13), strict=True):
            level = d.what.rsplit("→", 1)[-1]
            shown_level = level if level in _LEVEL_COLOURS else "–"
            parts.append(
                f'<circle cx="{x}" cy="{y + 12}" r="6" fill="{_LEVEL_COLOURS.get(level, "#999")}" class="level">'
                f"<title>{shown_level} {offset_text(d.at_ms, span.t0_ms)}</title></circle>"
                f'<text x="{x}" y="{y + 15}" class="lvl">{escape(shown_level)}</text>'
            )
    bottom = 70 + ROW_H * len(shown)
    parts.extend(_axis(span, 52, bottom))
    lanes = [-1e9, -1e9, -1e9]  # the right end of the last number written in each lane
    for n, result in enumerate(results, start=1):
        by = result.expectation.by_ms
        if by is None or not span.start_ms <= by <= span.end_ms:
            continue
        x = span.x(by)
        cls = "pass" if result.passed else "fail"
        lane = next((i for i, end in enumerate(lanes) if x + 2 > end + 2), min(range(3), key=lambda i: lanes[i]))
        lanes[lane] = x + 2 + 7 * len(f"#{n}")
        parts.append(
            f'<line x1="{x}" y1="52" x2="{x}" y2="{bottom}" class="deadline {cls}">'
            f"<title>#{n} {escape(result.expectation.text)}</title></line>"
            f'<text x="{x + 2}" y="{62 + 11 * lane}" class="dl {cls}">#{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Frame:
    """An equirectangular frame scaled by the cosine of its middle latitude (fine at this size)."""

    west: float
    south: float
    east: float
    north: float
    width: int = 480

    @property
    def kx(self) -> float:
        return self.width / max(1e-9, (self.east - self.west) * math.cos(math.radians((self.south + self.north) / 2)))

    @property
    def height(self) -> int:
        return max(1, round((self.north - self.south) * self.kx))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        cos = math.cos(math.radians((self.south + self.north) / 2))
        return round((lon - self.west) * cos * self.kx, 1), round((self.north - lat) * self.kx, 1)


def frame_around(points: Sequence[tuple[float, float]], min_span_deg: float = 0.4, width: int = 480) -> Frame:
    lons = [p[0] for p in points] or [116.4]
    lats = [p[1] for p in points] or [39.9]
    cx, cy = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    half_x = max(min_span_deg, (max(lons) - min(lons)) * 1.2) / 2
    half_y = max(min_span_deg * 0.8, (max(lats) - min(lats)) * 1.2) / 2
    return Frame(cx - half_x, cy - half_y, cx + half_x, cy + half_y, width)


def _rings(geometry: dict[str, Any]) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def _path(frame: Frame, ring: list[list[float]]) -> str:
    points = [frame.xy(lon, lat) for lon, lat in ring]
    return "M" + "L".join(f"{x} {y}" for x, y in points) + "Z"


def map_svg(
    frame: Frame,
    geojson: dict[str, Any],
    incidents: Sequence[Incident],
    tasks: Iterable[Task],
    bases: dict[str, tuple[float, float]],
    title: str,
    titles: dict[str, tuple[str, str]] | None = None,
) -> str:
    """Region outlines (GeoJSON, lon/lat), incidents, and a line from each sent unit's base to its incident."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" class="map" role="img">',
        f"<title>{escape(title)}</title>",
    ]
    for feature in geojson.get("features", ()):
        props = feature.get("properties", {})
        province = str(props.get("province_adcode", ""))
        rings = list(_rings(feature["geometry"]))
        lons = [p[0] for ring in rings for p in ring]
        lats = [p[1] for ring in rings for p in ring]
        if not lons or max(lons) < frame.west or min(lons) > frame.east or max(lats) < frame.south:
            continue
        if min(lats) > frame.north:
            continue
        d = "".join(_path(frame, ring) for ring in rings)
        parts.append(
            f'<path d="{d}" class="region" fill="{PROVINCE_COLOURS.get(province, "#ccc")}">'
            f"<title>{escape(str(props.get('name', '')))}</title></path>"
        )
    where = {inc.id: (inc.lon, inc.lat) for inc in incidents}
    for task in sorted(tasks, key=lambda t: t.id):
        if task.responder_id not in bases or task.incident_id not in where:
            continue
        (x0, y0), (x1, y1) = frame.xy(*bases[task.responder_id]), frame.xy(*where[task.incident_id])
        cls = "route cross" if task.cross_border else "route"
        parts.append(
            f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" class="{cls}"/>'
            f'<rect x="{x0 - 2.5}" y="{y0 - 2.5}" width="5" height="5" class="unit">'
            f"<title>{escape(task.responder_name)}</title></rect>"
        )
    for inc in sorted(incidents, key=lambda i: i.id):
        x, y = frame.xy(inc.lon, inc.lat)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="5" class="incident">'
            f"<title>{escape(' / '.join((titles or {}).get(inc.id, (inc.type,))))}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
