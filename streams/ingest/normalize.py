"""Wire messages to located, typed records: WGS84 positions, a region for every point, event time in ms.

Everything that cannot be trusted is rejected here with a reason that names the field and value: other datums,
swapped coordinates, points outside the theater, non-finite numbers, times without an offset.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import msgspec

from geo.gazetteer import Gazetteer, Placement
from geo.regions import PROVINCES, RegionIndex
from streams.ingest.gcj02 import gcj02_to_wgs84
from streams.ingest.limits import KIND_OF_CODE, PhysicalLimits
from streams.ingest.understand import CallReader
from streams.wire import contract, topics
from streams.wire.codec import Origin, Rejected
from streams.wire.records import (
    Heartbeat,
    OperatorCommand,
    Personal,
    Precision,
    Reading,
    ResourceUpdate,
    Signal,
    TaskReply,
    Tick,
)
from streams.wire.timefmt import parse_time_ms

Normalized = Reading | Heartbeat | Signal | TaskReply | ResourceUpdate | OperatorCommand | Tick
URGENCY_SEVERITY = {"一般": 1, "紧急": 2, "特急": 3}
COLOUR_SEVERITY = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}
_DEVICE_ID = re.compile(contract.DEVICE_ID_PATTERN.removeprefix("^").removesuffix("$"))
_PLACE_NOISE = re.compile(r"[\s,，。.;；:：()（）\-—#号室单元楼层]+")


def _time_field(cls: type) -> str:
    return next(f.name for f in msgspec.structs.fields(cls) if f.name == "at" or f.name.endswith("_at"))


_TIME_FIELDS = {cls: _time_field(cls) for cls in contract.WIRE_TYPES if cls is not contract.SensorBatch}


def time_field(msg: contract.WireMessage) -> str:
    """The field that carries a message's event time (a batch's readings: each reading's observed_at)."""
    return _TIME_FIELDS.get(type(msg), "observed_at")


class InvalidInput(ValueError):
    """A message that is well-formed JSON of the contract but cannot be accepted as it is."""


class Memo:
    """A bounded memo of pure look-ups on the sensor hot path: devices send the same position, and gateways
    the same observation time, again and again. Emptied when full, so memory stays bounded."""

    __slots__ = ("devices", "located", "max_entries", "partitions", "times")

    def __init__(self, max_entries: int = 100_000) -> None:
        self.max_entries = max_entries
        self.located: dict[tuple[float, float, str], tuple[float, float, str, str]] = {}
        self.times: dict[str, int] = {}
        self.devices: dict[str, str] = {}  # device id → the sensor kind its KIND code names ("" for none)
        self.partitions: dict[int, dict[str, int]] = {}  # partition count → key → partition

    def partition(self, key: str, partitions: int) -> int:
        """Where Kafka's default partitioner puts a key (murmur2 in Python costs microseconds: once per key)."""
        homes = self.partitions.get(partitions)
        if homes is None:
            homes = self.partitions[partitions] = {}
        found = homes.get(key)
        if found is None:
            found = topics.partition_for(key, partitions)
            if len(homes) >= self.max_entries:
                homes.clear()
            homes[key] = found
        return found

    def device_id(self, value: str, field: str) -> str:
        """The unified device code LL-<county adcode>-<KIND>-<serial>, checked once per device."""
        self.device_kind(value, field)
        return value

    def device_kind(self, value: str, field: str) -> str:
        """The sensor kind a valid device id's KIND code names ("" for a code the contract does not name)."""
        named = self.devices.get(value)
        if named is None:
            if _DEVICE_ID.fullmatch(value) is None:
                raise InvalidInput(
                    f"{field}: {value[:40]!r} is not a unified device code LL-<county adcode>-<KIND>-<serial>, "
                    "e.g. LL-131082-GAS-000417"
                )
            if len(self.devices) >= self.max_entries:
                self.devices.clear()
            named = self.devices[value] = KIND_OF_CODE.get(value.split("-")[2], "")
        return named

    def time_ms(self, value: str, field: str, limits: PhysicalLimits) -> int:
        """Epoch ms of an ISO time, refused when earlier than any event the brain takes (checked when first
        parsed: a time refused is not remembered)."""
        found = self.times.get(value)
        if found is None:
            found = parse_time_ms(value, field)
            if found < limits.earliest_ms:
                raise InvalidInput(limits.too_early(found, field, value))
            if len(self.times) >= self.max_entries:
                self.times.clear()
            self.times[value] = found
        return found


@dataclass(frozen=True)
class NormalizeContext:
    regions: RegionIndex
    gazetteer: Gazetteer
    topics: CallReader
    memo: Memo = field(default_factory=Memo, compare=False)
    limits: PhysicalLimits = field(default_factory=PhysicalLimits.load)  # streams/data/physical.yaml unless given

    def time_ms(self, value: str, field: str) -> int:
        """An event time of the wire, refused when earlier than any event the brain takes."""
        return self.memo.time_ms(value, field, self.limits)


def _finite(value: float, field: str) -> float:
    if not math.isfinite(value):
        raise InvalidInput(f"{field}: {value!r} is not a finite number")
    return value


def locate(ctx: NormalizeContext, pos: contract.Position, field: str) -> tuple[float, float, str, str]:
    """Return WGS84 lon, lat and the county and province adcodes of a wire position."""
    key = (pos.lon, pos.lat, pos.crs)
    located = ctx.memo.located.get(key)
    if located is None:
        located = _locate(ctx, pos, field)
        if len(ctx.memo.located) >= ctx.memo.max_entries:
            ctx.memo.located.clear()
        ctx.memo.located[key] = located
    return located


def _locate(ctx: NormalizeContext, pos: contract.Position, field: str) -> tuple[float, float, str, str]:
    lon = _finite(pos.lon, f"{field}.lon")
    lat = _finite(pos.lat, f"{field}.lat")
    swapped = -180.0 <= lat <= 180.0 and -90.0 <= lon <= 90.0 and ctx.regions.locate(lat, lon) is not None
    if swapped:
        raise InvalidInput(f"{field}: lon={pos.lon}, lat={pos.lat} looks swapped (lat/lon order); send lon, lat")
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise InvalidInput(f"{field}: ({lon}, {lat}) is not a longitude/latitude pair")
    if pos.crs == "GCJ02":
        lon, lat = gcj02_to_wgs84(lon, lat)
    unit = ctx.regions.locate(lon, lat)
    if unit is None:
        raise InvalidInput(f"{field}: ({pos.lon}, {pos.lat}) {pos.crs} is outside the Beijing-Tianjin-Hebei theater")
    return lon, lat, unit.adcode, unit.province_adcode


def place_key(address: str) -> str:
    """A normalised address so that repeated calls about one building or village compare equal."""
    return _PLACE_NOISE.sub("", address)[:40]


def _province(code: str, field: str) -> str:
    if code not in PROVINCES:
        raise InvalidInput(f"{field}: {code!r} is not one of the theater's provinces {sorted(PROVINCES)}")
    return code


def _locate_text(
    ctx: NormalizeContext, text: str, field: str, hotline: str = ""
) -> tuple[float, float, str, str, Precision, str]:
    placement = ctx.gazetteer.locate(text, hotline)
    if placement is None:
        province = ctx.gazetteer.outside(text)
        if province is not None:
            raise InvalidInput(f"{field}: {text[:60]!r} is in {province}, outside the Beijing-Tianjin-Hebei theater")
        raise InvalidInput(f"{field}: {text[:60]!r} names no known place in the theater and has no position")
    unit = ctx.regions.unit(placement.adcode)
    return placement.lon, placement.lat, unit.adcode, unit.province_adcode, placement.precision, placement.unit


def _finer(ctx: NormalizeContext, content: str, address: str, unit: str, hotline: str = "") -> str:
    """The unit the content names, when it lies inside the one the address names (a village of the township)."""
    named = ctx.gazetteer.locate(address + " " + content, hotline)
    if named is not None and named.unit.startswith(unit + "/"):
        return named.unit
    return unit


def _placed(ctx: NormalizeContext, placement: Placement) -> tuple[float, float, str, str, Precision, str]:
    unit = ctx.regions.unit(placement.adcode)
    return placement.lon, placement.lat, unit.adcode, unit.province_adcode, placement.precision, placement.unit


def _spread(ctx: NormalizeContext, precision: str, adcode: str, unit: str) -> str:
    """For a report located only to a county or prefecture: how far from its point it may really be (km)."""
    if precision == "county":
        return f"{ctx.gazetteer.spread_km(adcode):g}"
    if precision == "province":
        return f"{ctx.gazetteer.spread_km(unit.split('/')[0]):g}"
    return ""


def locate_reading(
    ctx: NormalizeContext, msg: contract.SensorReading, field: str = ""
) -> tuple[int, float, float, str, str]:
    """Event time, WGS84 lon and lat, county and province of a reading, its device id and value checked.
    The hot path: memoised look-ups, no record built."""
    pos = msg.position
    located = ctx.memo.located.get((pos.lon, pos.lat, pos.crs))
    lon, lat, adcode, province = located or locate(ctx, pos, f"{field}position")
    named = ctx.memo.device_kind(msg.device_id, f"{field}device_id")
    allowed, value = ctx.limits.sensors[msg.kind], msg.value
    if msg.unit != allowed.unit or not allowed.low <= value <= allowed.high or (named and named != msg.kind):
        # the usual case passes on the one line above; the reason is worked out only for a refusal
        if not math.isfinite(value):
            raise InvalidInput(f"{field}value: {value!r} is not a finite number; send null or omit the reading")
        raise InvalidInput(ctx.limits.reading(msg.kind, value, msg.unit, msg.device_id, named, field))
    return ctx.memo.time_ms(msg.observed_at, f"{field}observed_at", ctx.limits), lon, lat, adcode, province


def reading(ctx: NormalizeContext, msg: contract.SensorReading, field: str = "") -> Reading:
    """One sensor reading located and timed."""
    at_ms, lon, lat, adcode, province = locate_reading(ctx, msg, field)
    return Reading(
        msg.event_id, msg.device_id, msg.kind, msg.value, msg.unit, at_ms, lon, lat, adcode, province, msg.interval_s
    )


def _position_or_address(
    ctx: NormalizeContext, position: contract.Position | None, address: str, hotline: str = ""
) -> tuple[float, float, str, str, Precision, str]:
    """A report's point: its position when it has one (exact), else where its address text is found; and the finest
    administrative unit the address names (for a position: its county)."""
    if position is not None:
        lon, lat, adcode, province = locate(ctx, position, "position")
        named = ctx.gazetteer.locate(address) if address else None
        if named is None:
            return lon, lat, adcode, province, "gps", adcode
        # the address names the place the position is at: its community in the same county, or a landmark (an
        # agency's fix of 长峰医院 may fall over the district line from the point the gazetteer knows)
        fine = named.unit.startswith("place:") or (named.unit.split("/")[0] == adcode and "/" in named.unit)
        return lon, lat, adcode, province, "gps", named.unit if fine else adcode
    return _locate_text(ctx, address, "address", hotline)


def _work_order(ctx: NormalizeContext, msg: contract.WorkOrder) -> Signal:
    hotline = _province(msg.hotline, "hotline")
    try:
        lon, lat, adcode, province, precision, unit = _position_or_address(ctx, msg.position, msg.address, hotline)
    except InvalidInput:
        named = ctx.gazetteer.landmark(msg.content)
        if named is None:
            raise
        lon, lat, adcode, province, precision, unit = _placed(ctx, named)
    if precision in ("county", "province"):
        # the content may name the place the address does not (长峰医院的病人… from 丰台区; 王快村进水了 from 王快镇)
        named = ctx.gazetteer.landmark(msg.content, adcode if precision == "county" else "")
        if named is not None:
            lon, lat, adcode, province, precision, unit = _placed(ctx, named)
        else:
            unit = _finer(ctx, msg.content, msg.address, unit, hotline)
    reading = ctx.topics.read(msg.content, msg.category, msg.urgency, msg.address)
    return Signal(
        signal_id=msg.event_id,
        source="hotline",
        kind=f"call:{reading.primary}",
        at_ms=ctx.time_ms(msg.received_at, "received_at"),
        province=province,
        adcode=adcode,
        lon=lon,
        lat=lat,
        precision=precision,
        severity=URGENCY_SEVERITY[msg.urgency],
        place_key=place_key(msg.address),
        text=msg.content[:500],
        attrs=(
            ("order_id", msg.order_id),
            ("category", msg.category),
            ("urgency", msg.urgency),
            ("topics", ",".join(reading.topics)),
            ("topic_scores", reading.scores_text()),
            ("role", reading.role),
            ("at_caller", "yes" if reading.at_caller else ""),
            ("of_event", reading.of_event),
            ("everyday", "yes" if reading.everyday else ""),
            ("unit", unit),
            ("spread_km", _spread(ctx, precision, adcode, unit)),
        ),
        personal=Personal(owner_province=hotline, name=msg.caller.name, phone=msg.caller.phone),
    )


def _area_units(ctx: NormalizeContext, adcodes: list[str]) -> tuple[str, ...]:
    """The county units a warning area names: a province or prefecture code stands for every county in it."""
    units: list[str] = []
    for code in adcodes:
        if code in PROVINCES:
            covered = [u.adcode for u in ctx.regions.units if u.province_adcode == code]
        else:
            covered = [u.adcode for u in ctx.regions.units if u.city_adcode == code and u.adcode != code]
            if not covered:
                try:
                    covered = [ctx.regions.unit(code).adcode]
                except KeyError as exc:
                    raise InvalidInput(f"area.adcodes: {exc.args[0]}") from None
        units.extend(c for c in covered if c not in units)
    return tuple(units)


def _area_point(
    ctx: NormalizeContext, area: contract.WarningArea, crs: str, units: tuple[str, ...]
) -> tuple[float, float, str]:
    if area.polygon:
        lons = [p[0] for p in area.polygon]
        lats = [p[1] for p in area.polygon]
        pos = contract.Position(lon=sum(lons) / len(lons), lat=sum(lats) / len(lats), crs=crs)  # type: ignore[arg-type]
        lon, lat, adcode, _ = locate(ctx, pos, "area.polygon")
        return lon, lat, adcode
    if units:
        unit = ctx.regions.unit(units[0])
        return unit.label_lon, unit.label_lat, unit.adcode
    raise InvalidInput("area: give adcodes or a polygon")


def _weather(ctx: NormalizeContext, msg: contract.WeatherObservation) -> Signal:
    """A station's wind (1.2): kept by the theater near its place, never evidence of an incident."""
    lon, lat, adcode, province = locate(ctx, msg.position, "position")
    wind = (("wind_from_deg", f"{msg.wind_from_deg:g}"), ("wind_speed_ms", f"{msg.wind_speed_ms:g}"))
    at_ms = ctx.time_ms(msg.observed_at, "observed_at")
    return Signal(msg.event_id, "agency", "weather", at_ms, province, adcode, lon, lat, "gps", value=msg.wind_speed_ms,
                  text=msg.station, attrs=(("agency", msg.agency), *wind))  # fmt: skip


def _agency_signal(ctx: NormalizeContext, msg: contract.AgencyMessage) -> Signal | ResourceUpdate:
    province = _province(msg.province, "province")
    if isinstance(msg, contract.WarningReport):
        units = _area_units(ctx, msg.area.adcodes)
        lon, lat, adcode = _area_point(ctx, msg.area, msg.crs, units)
        return Signal(
            signal_id=msg.event_id,
            source="agency",
            kind="warning",
            at_ms=ctx.time_ms(msg.issued_at, "issued_at"),
            province=province,
            adcode=adcode,
            lon=lon,
            lat=lat,
            precision="county",
            severity=COLOUR_SEVERITY[msg.colour],
            place_key=f"warning:{msg.warning_id}",
            text=msg.headline or msg.area.description,
            attrs=(
                ("agency", msg.agency),
                ("action", msg.action),
                ("warning_id", msg.warning_id),
                ("event_code", msg.event_code),
                ("hazard", msg.hazard),
                ("colour", msg.colour),
                ("area", ",".join(units)),
                ("area_description", msg.area.description),
            ),
        )
    if isinstance(msg, contract.ResponseLevelReport):
        return Signal(
            signal_id=msg.event_id,
            source="agency",
            kind="response_level",
            at_ms=ctx.time_ms(msg.issued_at, "issued_at"),
            province=province,
            adcode=msg.scope_adcodes[0] if msg.scope_adcodes else None,
            precision="province",
            text=msg.reason,
            attrs=(
                ("agency", msg.agency),
                ("action", msg.action),
                ("level", msg.level),
                ("hazard", msg.hazard),
            ),
        )
    if isinstance(msg, contract.ResourceStatus):
        return ResourceUpdate(
            event_id=msg.event_id,
            responder_id=msg.responder_id,
            status=msg.status,
            at_ms=ctx.time_ms(msg.reported_at, "reported_at"),
            agency=msg.agency,
        )
    if isinstance(msg, contract.WeatherObservation):
        return _weather(ctx, msg)
    lon, lat, adcode, located_province, precision, unit = _position_or_address(ctx, msg.position, msg.address)
    if isinstance(msg, contract.IncidentReport):
        return Signal(
            signal_id=msg.event_id,
            source="agency",
            kind=f"report:{msg.incident_kind}",
            at_ms=ctx.time_ms(msg.reported_at, "reported_at"),
            province=located_province,
            adcode=adcode,
            lon=lon,
            lat=lat,
            precision=precision,
            severity=3,
            value=float(msg.people_affected),
            place_key=place_key(msg.address),
            text=msg.description[:500],
            attrs=(("agency", msg.agency), ("reporting_province", province), ("unit", unit)),
        )
    # a casualty report carries deaths, injured, missing and (1.2) burns; a loss report (1.1) every loss figure and
    # its province
    losses = isinstance(msg, contract.LossReport)
    if isinstance(msg, contract.CasualtyReport) and msg.burns > msg.injured:
        raise InvalidInput(f"burns: {msg.burns} is more than the injured ({msg.injured})")
    figures = contract.LOSS_FIGURES if losses else ("deaths", "injured", "missing", "burns")
    head = (("agency", msg.agency), ("reporting_province", province)) if losses else (("agency", msg.agency),)
    return Signal(
        signal_id=msg.event_id,
        source="agency",
        kind="losses" if losses else "casualties",
        at_ms=ctx.time_ms(msg.reported_at, "reported_at"),
        province=located_province,
        adcode=adcode,
        lon=lon,
        lat=lat,
        precision=precision,
        value=float(msg.deaths),
        place_key=place_key(msg.address),
        attrs=(*head, *((name, str(getattr(msg, name))) for name in figures), ("unit", unit)),
    )


def _one(ctx: NormalizeContext, msg: contract.WireMessage) -> Normalized:
    if isinstance(msg, contract.SensorReading):
        return reading(ctx, msg)
    if isinstance(msg, contract.SensorHeartbeat):
        return Heartbeat(
            event_id=msg.event_id,
            device_id=ctx.memo.device_id(msg.device_id, "device_id"),
            online=msg.online,
            at_ms=ctx.time_ms(msg.observed_at, "observed_at"),
            interval_s=msg.interval_s,
        )
    if isinstance(msg, contract.WorkOrder):
        return _work_order(ctx, msg)
    if isinstance(msg, contract.TaskStatus):
        return TaskReply(
            event_id=msg.event_id,
            task_id=msg.task_id,
            responder_id=msg.responder_id,
            status=msg.status,
            at_ms=ctx.time_ms(msg.at, "at"),
        )
    if isinstance(msg, contract.Command):
        return OperatorCommand(
            event_id=msg.event_id,
            at_ms=ctx.time_ms(msg.at, "at"),
            operator=msg.operator,
            centre=msg.centre,
            action=msg.action,
            incident_id=msg.incident_id,
            target=msg.target,
            level=msg.level,
            reason=msg.reason,
            evidence_ids=tuple(msg.evidence_ids),
        )
    if isinstance(msg, contract.Tick):
        return Tick(at_ms=ctx.time_ms(msg.at, "at"), source=msg.source)
    if isinstance(msg, contract.SensorBatch):
        raise AssertionError("batches are expanded by normalize()")
    return _agency_signal(ctx, msg)


def batch_item_reason(batch: contract.SensorBatch, exc: ValueError) -> str:
    """Why one reading of a gateway batch is refused: the batch, then the reading's field by its index."""
    return f"sensor.batch {batch.event_id} {exc}"


def normalize(
    ctx: NormalizeContext, msg: contract.WireMessage, raw: bytes, origin: Origin
) -> Iterator[Normalized | Rejected]:
    """Yield one record or rejection per item; a gateway batch yields one per reading."""
    if isinstance(msg, contract.SensorBatch):
        for index, item in enumerate(msg.readings):
            try:
                yield reading(ctx, item, f"readings[{index}].")
            except ValueError as exc:
                yield Rejected(batch_item_reason(msg, exc), raw, origin)
        return
    try:
        yield _one(ctx, msg)
    except ValueError as exc:
        yield Rejected(f"{contract.type_tag(type(msg))} {getattr(msg, 'event_id', '')}: {exc}".strip(), raw, origin)
