"""The fusion rules as data: families of compatible signal kinds, their reach in space and time, and feed pacing.

Loaded from `streams/data/fusion.yaml`; a bad file fails at load time with file, line and a did-you-mean.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from geo.datafiles import LineDict, LoadError, line_of, load_yaml
from geo.names import did_you_mean
from playbooks.evidence import Signal

PRECISIONS = ("gps", "place", "town", "county", "province")  # finest first; the index of each is its rank
SOURCES = ("sensor", "hotline", "agency", "operator")
_SIGNAL_PREFIXES = ("sensor:", "call:", "report:")
_PLAIN_KINDS = ("warning", "blackout_risk", "casualties", "losses", "sensor_clear", "sensor_back")
_FAMILY_KEYS = {
    "opens",
    "upgrades",
    "radius_km",
    "window_min",
    "kinds",
    "accepts",
    "cluster",
    "note",
    "scale",
    "unit_level",
    "sites",
    "remote_km",
    "effects",
    "event",
    "yields_to",
}
_EFFECT_KEYS = {"name", "topics", "reach_km", "per", "opens", "needs", "note", "at_caller"}
_TOP_KEYS = {"source_weight", "precision_km", "feed", "families", "attach_only", "attach_by_place"}
Cluster = Literal["radius", "county", "unit", "theater"]
_CLUSTERS = ("radius", "county", "unit", "theater")
# Precisions that give no point of the report's own (a county's or prefecture's label point): such a report is
# matched by its administrative unit, never by distance (DOMAIN.md: surges are district or street aggregates).
COARSE = frozenset({"county", "province"})


@dataclass(frozen=True)
class Effect:
    """Reports of an effect of a site's event far from the site (smell downwind, windows broken by a blast): within
    `reach_km` of the site they are one effect site of it (`per: site`) or one per administrative unit (`per: unit`),
    of type `opens`, part of the site's event; or they are the site's own (`per: join`: taps dry in a water plant's
    service area are the plant's outage). `needs`: the site must have evidence of one of these kinds (a blast)."""

    name: str
    topics: frozenset[str]
    reach_km: float
    per: Literal["site", "unit", "join"]
    opens: str
    needs: frozenset[str] = frozenset()
    at_caller: bool = False  # a call must name damage at its own place; one that does not only perceives the event


@dataclass(frozen=True)
class Family:
    """Signal kinds that describe one kind of real event, and how near they must be to be the same event."""

    name: str
    opens: str
    radius_km: float
    window_ms: int
    kinds: frozenset[str]
    accepts: frozenset[str] = frozenset()  # other families whose signals may join this family's incidents
    upgrades: tuple[tuple[str, str], ...] = ()
    # "radius": by distance (and address-only reports by unit); "unit": one incident per administrative unit (a
    # street's leaking roofs); "county": one per county; "theater": one per theater (an earthquake)
    cluster: Cluster = "radius"
    scale: Literal["site", "event"] = "site"
    # how fine an address-only aggregate is: a street or township; a rural village (a community counts as its
    # street); or also an urban community (a building's neighbours are one site)
    unit_level: Literal["town", "village", "community"] = "village"
    sites: frozenset[str] = frozenset()  # for an event family: the site families that are part of its events
    remote_km: float = 0.0  # how far away the event is perceived (a blast heard, smoke seen); 0: not at all
    effects: tuple[Effect, ...] = ()
    event: str = ""  # the event family a site of this family opens when its effects reach beyond it
    # families a call of this family belongs to instead when it also reports one of their topics: water in the home
    # that came from the street or through the roof is that matter (`积水倒灌入院`, `屋顶漏雨，屋内物品被淹`)
    yields_to: tuple[str, ...] = ()

    def unit_key(self, unit: str) -> str:
        """The aggregate key of an administrative unit at this family's level (a street's villages in one)."""
        if unit.startswith("place:"):
            return "unit:" + unit  # a landmark is its own unit
        parts = unit.split("/")
        if self.unit_level == "town" or (
            self.unit_level == "village" and len(parts) > 2 and parts[2].endswith(("社区", "居委会"))
        ):
            parts = parts[:2]
        return "unit:" + "/".join(parts)

    def upgraded_type(self, kind: str, current: str) -> str:
        for upgrade_kind, to in self.upgrades:
            if upgrade_kind == kind:
                return to
        return current

    @property
    def upgrade_types(self) -> frozenset[str]:
        return frozenset(to for _, to in self.upgrades)


@dataclass(frozen=True)
class FeedPacing:
    """How a surge incident's plain evidence updates are aggregated on the feed (see docs/fusion.md)."""

    aggregate_from: int  # evidence count from which plain evidence updates are aggregated
    every_signals: int  # ... but every this-many-th signal is still published at once
    flush_every_ms: int  # ... and what is held back is published when event time crosses this boundary


@dataclass(frozen=True)
class FusionRules:
    families: dict[str, Family]
    family_of_kind: dict[str, str]
    attach_only: frozenset[str]
    attach_radius_km: float
    attach_by_place: frozenset[str]
    source_weight: dict[str, float]
    precision_km: dict[str, float]  # how far a location found this way may be off; absent: never by distance
    feed: FeedPacing
    joinable: dict[str, tuple[str, ...]] = field(default_factory=dict)  # home family -> compatible families
    # the family whose per-unit queue takes an attach-only call located no finer than its township while an event
    # that lists it among its sites goes on (people hurt running out in an earthquake); "": none
    attach_queue: str = ""
    perceivable: frozenset[str] = frozenset({"explosion", "fire"})  # call topics an event may be perceived by

    @cached_property
    def with_effects(self) -> tuple[str, ...]:
        return tuple(name for name, family in self.families.items() if family.effects)

    @classmethod
    def load(cls, path: Path | str | None = None) -> FusionRules:
        if path is None:
            text = resources.files("streams").joinpath("data/fusion.yaml").read_text(encoding="utf-8")
            return _parse(load_yaml("streams/data/fusion.yaml", text), "streams/data/fusion.yaml")
        return _parse(load_yaml(path), str(path))

    def uncertainty_km(self, precision: str) -> float | None:
        return self.precision_km.get(precision)

    def home_of(self, signal: Signal) -> str | None:
        """The family a signal belongs to: its kind's; for a call whose kind is a life-safety topic (a person trapped
        or hurt), the family of the first hazard it also reports (trapped by flood water: flood); for a call of a
        family that yields to others (`yields_to`), the first of those whose topic it also reports."""
        home = self.family_of_kind.get(signal.kind)
        if home is None and signal.source == "hotline":
            for topic in signal.attr("topics").split(","):
                home = self.family_of_kind.get(f"call:{topic}")
                if home is not None:
                    break
        if home is not None and signal.source == "hotline" and self.families[home].yields_to:
            return self._yielded(home, signal.attr("topics"))
        return home

    def _yielded(self, home: str, topics: str) -> str:
        """The family a call of `home` belongs to when it also names a more specific matter (a roof, the street)."""
        yields_to = self.families[home].yields_to
        for topic in topics.split(","):
            other = self.family_of_kind.get(f"call:{topic}")
            if other is not None and other in yields_to:
                return other
        return home

    def compatible(self, a: str, b: str) -> bool:
        """Whether incidents of families a and b may describe one event (and so may be merged automatically)."""
        return a == b or b in self.families[a].accepts or a in self.families[b].accepts


def _fail(file: str, node: Any, key: str | None, message: str) -> LoadError:
    return LoadError(file, line_of(node, key), message)


def _mapping(file: str, node: Any, key: str, where: str) -> LineDict:
    value = node.get(key) if isinstance(node, LineDict) else None
    if not isinstance(value, LineDict):
        raise _fail(file, node, key, f"{where}{key}: expected a mapping")
    return value


def _check_keys(file: str, node: LineDict, allowed: Iterable[str], where: str) -> None:
    allowed = set(allowed)
    for key in node:
        if key not in allowed:
            raise _fail(file, node, key, f"{where}: unknown key {key!r}{did_you_mean(key, allowed)}")


def _number(file: str, node: LineDict, key: str, where: str, minimum: float = 0.0) -> float:
    value = node.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise _fail(file, node, key, f"{where}.{key}: {value!r} must be a number >= {minimum}")
    return float(value)


def _kind(file: str, node: Any, kind: Any, where: str, call_topics: frozenset[str]) -> str:
    kind = str(kind)
    if kind in _PLAIN_KINDS or kind.startswith(("sensor:", "report:")):
        return kind
    if kind.startswith("call:"):
        topic = kind[len("call:") :]
        if topic not in call_topics:
            raise _fail(file, node, None, f"{where}: {kind!r} names no hotline topic{did_you_mean(topic, call_topics)}")
        return kind
    known = [*_PLAIN_KINDS, *_SIGNAL_PREFIXES]
    raise _fail(file, node, None, f"{where}: {kind!r} is not a signal kind{did_you_mean(kind, known)}")


def hotline_topics() -> frozenset[str]:
    text = resources.files("streams").joinpath("data/hotline_topics.yaml").read_text(encoding="utf-8")
    doc = load_yaml("streams/data/hotline_topics.yaml", text)
    return frozenset([*(str(topic) for topic in doc["topics"]), "other"])


def _family(file: str, name: str, row: Any, call_topics: frozenset[str]) -> Family:
    where = f"families.{name}"
    if not isinstance(row, LineDict):
        raise LoadError(file, 1, f"{where}: expected a mapping")
    _check_keys(file, row, _FAMILY_KEYS, where)
    kinds_node = row.get("kinds")
    if not isinstance(kinds_node, list) or not kinds_node:
        raise _fail(file, row, "kinds", f"{where}.kinds: expected a non-empty list of signal kinds")
    kinds = frozenset(_kind(file, kinds_node, k, f"{where}.kinds", call_topics) for k in kinds_node)
    upgrades_node = row.get("upgrades") or {}
    upgrades = tuple(sorted((str(k), str(v)) for k, v in upgrades_node.items()))
    for kind, _ in upgrades:
        if kind not in kinds:
            raise _fail(file, row, "upgrades", f"{where}.upgrades: {kind!r} is not one of the family's kinds")
    cluster = str(row.get("cluster", "radius"))
    if cluster not in _CLUSTERS:
        raise _fail(file, row, "cluster", f"{where}.cluster: {cluster!r} is not one of {_CLUSTERS}")
    scale = str(row.get("scale", "site"))
    if scale not in ("site", "event"):
        raise _fail(file, row, "scale", f"{where}.scale: {scale!r} is not site or event")
    unit_level = str(row.get("unit_level", "village"))
    if unit_level not in ("town", "village", "community"):
        raise _fail(file, row, "unit_level", f"{where}.unit_level: {unit_level!r} is not town, village or community")
    if "opens" not in row:
        raise _fail(file, row, None, f"{where}: missing opens (the incident type it opens)")
    return Family(
        name=name,
        opens=str(row["opens"]),
        radius_km=_number(file, row, "radius_km", where) if cluster == "radius" else 0.0,
        window_ms=int(_number(file, row, "window_min", where, 1.0) * 60_000),
        kinds=kinds,
        accepts=frozenset(str(a) for a in row.get("accepts") or ()),
        upgrades=upgrades,
        cluster=cluster,  # type: ignore[arg-type]
        scale=scale,  # type: ignore[arg-type]
        unit_level=unit_level,  # type: ignore[arg-type]
        sites=frozenset(str(a) for a in row.get("sites") or ()),
        remote_km=_number(file, row, "remote_km", where) if "remote_km" in row else 0.0,
        effects=tuple(_effect(file, e, f"{where}.effects", call_topics) for e in row.get("effects") or ()),
        event=str(row.get("event", "")),
        yields_to=tuple(str(a) for a in row.get("yields_to") or ()),
    )


def _effect(file: str, node: Any, where: str, call_topics: frozenset[str]) -> Effect:
    if not isinstance(node, LineDict):
        raise LoadError(file, 1, f"{where}: expected a mapping")
    _check_keys(file, node, _EFFECT_KEYS, where)
    per = str(node.get("per", "site"))
    if per not in ("site", "unit", "join"):
        raise _fail(file, node, "per", f"{where}.per: {per!r} is not site, unit or join")
    topics = frozenset(str(t) for t in node.get("topics") or ())
    for topic in sorted(t for t in topics - call_topics if ":" not in t):
        raise _fail(
            file, node, "topics", f"{where}.topics: {topic!r} is no hotline topic{did_you_mean(topic, call_topics)}"
        )
    return Effect(
        name=str(node.get("name", "")),
        topics=topics,
        reach_km=_number(file, node, "reach_km", where),
        per=per,  # type: ignore[arg-type]
        opens=str(node.get("opens", "")),
        needs=frozenset(_kind(file, node, k, f"{where}.needs", call_topics) for k in node.get("needs") or ()),
        at_caller=bool(node.get("at_caller", False)),
    )


def _name_families(
    file: str, node: LineDict, name: str, key: str, named: Iterable[str], families: dict[str, Family]
) -> None:
    """Every family a family names under `key` (accepts, event, sites) must exist."""
    for other in sorted(named):
        if other not in families:
            message = f"families.{name}.{key}: no family {other!r}{did_you_mean(other, families)}"
            raise _fail(file, node[name], key, message)


def _parse(doc: Any, file: str) -> FusionRules:
    if not isinstance(doc, LineDict):
        raise LoadError(file, 1, "expected a mapping at the top")
    _check_keys(file, doc, _TOP_KEYS, "fusion.yaml")
    call_topics = hotline_topics()
    families_node = _mapping(file, doc, "families", "")
    families = {str(name): _family(file, str(name), row, call_topics) for name, row in families_node.items()}
    family_of_kind: dict[str, str] = {}
    for family in families.values():
        _name_families(file, families_node, family.name, "accepts", family.accepts, families)
        for kind in sorted(family.kinds):
            if kind in family_of_kind:
                raise _fail(
                    file,
                    families_node[family.name],
                    "kinds",
                    f"families.{family.name}.kinds: {kind!r} is already in family {family_of_kind[kind]!r}",
                )
            family_of_kind[kind] = family.name
    weights = _mapping(file, doc, "source_weight", "")
    for source in weights:
        if source not in SOURCES:
            raise _fail(
                file, weights, source, f"source_weight: {source!r} is not a source{did_you_mean(source, SOURCES)}"
            )
    precision = _mapping(file, doc, "precision_km", "")
    for name in precision:
        if name not in PRECISIONS:
            raise _fail(
                file, precision, name, f"precision_km: {name!r} is not a precision{did_you_mean(name, PRECISIONS)}"
            )
    feed = _mapping(file, doc, "feed", "")
    _check_keys(file, feed, ("aggregate_from", "every_signals", "flush_every_min"), "feed")
    attach = _mapping(file, doc, "attach_only", "")
    _check_keys(file, attach, ("kinds", "radius_km", "queue"), "attach_only")
    queue = str(attach.get("queue", ""))
    if queue and queue not in families:
        raise _fail(file, attach, "queue", f"attach_only.queue: no family {queue!r}{did_you_mean(queue, families)}")
    attach_kinds = frozenset(_kind(file, attach, k, "attach_only.kinds", call_topics) for k in attach.get("kinds", ()))
    for kind in sorted(attach_kinds & set(family_of_kind)):
        raise _fail(file, attach, "kinds", f"attach_only.kinds: {kind!r} is also in family {family_of_kind[kind]!r}")
    by_place = doc.get("attach_by_place") or []
    by_place_kinds = frozenset(_kind(file, doc, k, "attach_by_place", call_topics) for k in by_place)
    for family in families.values():
        _name_families(file, families_node, family.name, "event", {family.event} - {""}, families)
        _name_families(file, families_node, family.name, "sites", family.sites, families)
        _name_families(file, families_node, family.name, "yields_to", family.yields_to, families)
    joinable = {
        home: tuple(
            sorted(
                name
                for name, fam in families.items()
                if name == home or home in fam.accepts or name in families[home].accepts
            )
        )
        for home in families
    }
    return FusionRules(
        families=families,
        family_of_kind=family_of_kind,
        attach_only=attach_kinds,
        attach_radius_km=_number(file, attach, "radius_km", "attach_only"),
        attach_by_place=by_place_kinds,
        source_weight={str(k): _number(file, weights, str(k), "source_weight") for k in weights},
        precision_km={str(k): _number(file, precision, str(k), "precision_km") for k in precision},
        feed=FeedPacing(
            aggregate_from=int(_number(file, feed, "aggregate_from", "feed", 1)),
            every_signals=int(_number(file, feed, "every_signals", "feed", 1)),
            flush_every_ms=int(_number(file, feed, "flush_every_min", "feed", 1) * 60_000),
        ),
        joinable=joinable,
        attach_queue=queue,
    )
