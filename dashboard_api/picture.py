"""The command-centre read model: the latest incident, task, responder and notification by key, from deltas.

Deltas carry whole entities, so applying one is a replacement by key, except an incident's evidence: its delta
carries what changed (streams/wire/incident_delta.py), folded here into the whole list (`evidence`), which the
picture keeps for snapshots and REST. A delta whose seq is not above the last
applied one is a redelivery (Kafka is at-least-once) and is ignored. Besides the entities, the picture keeps the
relations the sharing policy asks about (which provinces were notified of an incident, whose responders were
tasked to it, which centre issued a command), so scoping stays a function of the picture alone.

Given `Words` (`speak_with`), it says each delta in the operator language as it applies it: the delta gains
`say` (its feed lines in Chinese and English) and each entity a `say` of labels (names, not ids), once per delta
whoever watches; the picture is the lookup the words use to name incidents, tasks and exchanges.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from streams.wire.incident_delta import whole_incident
from streams.words import MappingLookup, Words

MAX_REJECTED = 200  # recent rejections kept for the counts endpoint; they are also in the feed
MAX_COMMANDS = 10_000  # issued command ids remembered to route a rejection back to its centre
# Kinds kept as they come, by key, in the attribute named here.
_KEYED = {
    "warning": "warnings",
    "mutual_aid": "mutual_aid",
    "closure": "closures",
    "casualty_routing": "casualty_routings",
    "event": "event_links",
    "report": "reports",
    "losses": "losses",
    "work_order": "work_orders",
    "readiness": "readiness",
    "move_up": "move_ups",
    "supply": "supplies",
}


@dataclass(frozen=True, slots=True)
class ResponderHome:
    """What the fleet says about a responder that its status deltas do not carry."""

    name: str
    kind: str
    province: str
    adcode: str
    lon: float
    lat: float


class Picture(MappingLookup):
    def __init__(self) -> None:
        self.incidents: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.responders: dict[str, dict[str, Any]] = {}
        self.notifications: dict[str, dict[str, Any]] = {}
        self.rejected: deque[dict[str, Any]] = deque(maxlen=MAX_REJECTED)
        # public warnings (CAP, by message identifier), mutual-aid exchanges (by request id), road closures and
        # casualty routings: each delta carries the whole entity, so the latest replaces the earlier
        self.warnings: dict[str, dict[str, Any]] = {}
        self.mutual_aid: dict[str, dict[str, Any]] = {}
        self.closures: dict[str, dict[str, Any]] = {}
        self.casualty_routings: dict[str, dict[str, Any]] = {}
        self.event_links: dict[str, dict[str, Any]] = {}  # a site named part of an event (docs/api.md, event)
        self.reports: dict[str, dict[str, Any]] = {}  # reports upward by report id (docs/reporting.md)
        self.work_orders: dict[str, dict[str, Any]] = {}  # 12345 work orders closed back (docs/work-orders.md)
        self.losses: dict[str, dict[str, Any]] = {}  # summed loss statistics by incident id (docs/reporting.md)
        self.readiness: dict[str, dict[str, Any]] = {}  # coverage under warnings by warning id (docs/readiness.md)
        self.move_ups: dict[str, dict[str, Any]] = {}  # move-up proposals and decisions by id (docs/readiness.md)
        self.supplies: dict[str, dict[str, Any]] = {}  # supply and shelter exchanges by request id (docs/resources.md)
        self.stock_left: dict[str, int] = {}  # "<depot id>/<item>" → stock after the latest supply message
        self.seq = 0
        self.at_ms = 0
        self.applied: Counter[str] = Counter()
        self.redelivered = 0
        self.gaps = 0
        self._tasks_of: dict[str, list[str]] = {}
        self._notes_of: dict[str, list[str]] = {}
        self._notified: dict[str, set[str]] = {}
        self._tasked: dict[str, set[str]] = {}  # incident → provinces and counties of tasked responders
        self._commands: OrderedDict[str, str] = OrderedDict()
        self._homes: Mapping[str, ResponderHome] = {}
        self.words: Words | None = None
        self.unsaid: Counter[str] = Counter()  # what the words had no phrase for, said generically instead
        super().__init__(self.incidents, self.tasks, self.mutual_aid)  # the words look entities up by id here

    def speak_with(self, words: Words) -> None:
        """Say every delta from now on; entities applied before gain their labels now."""
        self.words = words
        for kind, entities in (
            ("incident", self.incidents),
            ("task", self.tasks),
            ("responder", self.responders),
            ("notification", self.notifications),
            *((kind, getattr(self, attr)) for kind, attr in _KEYED.items()),
        ):
            for entity in entities.values():
                entity["say"] = words.labels(kind, entity, self, self.at_ms, brief=True)

    def know_responders(self, homes: Mapping[str, ResponderHome]) -> None:
        """Give the fleet's facts; tasks and responder entries (also those applied before) gain them."""
        self._homes = homes
        for task in self.tasks.values():
            self._with_base(task)
        for rid, entry in self.responders.items():
            self._with_home(rid, entry)

    def apply(self, delta_json: dict[str, Any]) -> bool:
        """Apply one delta (`dashboard_api.deltas` form). Adds fleet facts to its data in place.

        Returns False for a redelivered delta, which changes nothing.
        """
        seq = delta_json["seq"]
        if seq <= self.seq:
            self.redelivered += 1
            return False
        if self.seq and seq != self.seq + 1:
            self.gaps += 1
        self.seq = seq
        self.at_ms = max(self.at_ms, delta_json["at_ms"])
        kind, key, data = delta_json["kind"], delta_json["key"], delta_json["data"]
        self.applied[kind] += 1
        previous = self.incidents.get(key) if kind == "incident" else None
        if kind == "incident":
            self.incidents[key] = whole_incident(data, previous)
        elif kind == "task":
            self._apply_task(key, data)
        elif kind == "notification":
            if key not in self.notifications:
                self._notes_of.setdefault(data["incident_id"], []).append(key)
            self.notifications[key] = data
            self._notified.setdefault(data["incident_id"], set()).add(data["to_province"])
        elif kind == "responder":
            entry = {**self.responders.get(key, {}), **data, "since_ms": delta_json["at_ms"]}
            self._with_home(key, entry)
            self.responders[key] = entry
            data.update(entry)
        elif kind in _KEYED:
            getattr(self, _KEYED[kind])[key] = data
            if kind == "supply":  # each message carries its depots' stock after it: the latest is the level now
                for lot in data.get("lots") or []:
                    self.stock_left[f"{lot.get('depot_id')}/{data.get('item')}"] = int(lot.get("left") or 0)
        else:
            self.rejected.append({"seq": seq, "at_ms": delta_json["at_ms"], "key": key, "reason": data})
        if self.words is not None:
            try:
                self._say(delta_json, previous)
            except Exception as exc:  # an odd entity is said generically: it never stops the feed
                self.unsaid[f"{kind}: {type(exc).__name__}: {exc}"[:200]] += 1
                delta_json["say"] = {"zh": ["动态更新"], "en": ["update"]}
        return True

    def _say(self, delta_json: dict[str, Any], previous: dict[str, Any] | None) -> None:
        assert self.words is not None
        kind, data, at_ms = delta_json["kind"], delta_json["data"], delta_json["at_ms"]
        if isinstance(data, dict):
            kept = {"responder": self.responders, "incident": self.incidents}.get(kind)
            entity = kept[delta_json["key"]] if kept is not None else data
            missing: list[str] = []
            entity["say"] = labels = self.words.labels(kind, entity, self, at_ms, missing, brief=True)
            if entity is not data:
                data["say"] = labels
            self.unsaid.update(missing)
        said = self.words.delta(kind, data, at_ms, self, previous)
        self.unsaid.update(said.missing)
        delta_json["say"] = said.as_json()

    def _apply_task(self, key: str, data: dict[str, Any]) -> None:
        if key not in self.tasks:
            self._tasks_of.setdefault(data["incident_id"], []).append(key)
        self._with_base(data)
        self.tasks[key] = data
        tasked = self._tasked.setdefault(data["incident_id"], set())
        for place in (data.get("responder_province"), data.get("responder_adcode")):
            if place:
                tasked.add(place)

    def _with_base(self, task: dict[str, Any]) -> None:
        home = self._homes.get(task.get("responder_id") or "")
        if home is not None:
            task["responder_base"] = [home.lon, home.lat]

    def _with_home(self, responder_id: str, entry: dict[str, Any]) -> None:
        home = self._homes.get(responder_id)
        if home is not None:
            entry.update(
                name=home.name,
                kind=home.kind,
                home_province=home.province,
                home_adcode=home.adcode,
                # a unit moved up stands at its post (docs/readiness.md): that is its base from then on
                base_lon=entry["moved_to"][0] if entry.get("moved_to") else home.lon,
                base_lat=entry["moved_to"][1] if entry.get("moved_to") else home.lat,
            )

    def note_command(self, command_id: str, centre: str) -> None:
        """Remember who issued a command, so that the core's rejection of it reaches that centre."""
        self._commands[command_id] = centre
        while len(self._commands) > MAX_COMMANDS:
            self._commands.popitem(last=False)

    def issuer_of(self, command_id: str) -> str | None:
        return self._commands.get(command_id)

    def tasks_of(self, incident_id: str) -> list[dict[str, Any]]:
        return [self.tasks[k] for k in self._tasks_of.get(incident_id, ())]

    def notifications_of(self, incident_id: str) -> list[dict[str, Any]]:
        return [self.notifications[k] for k in self._notes_of.get(incident_id, ())]

    def related(self, incident_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        """(kind, key, entity) of everything that belongs to an incident: its tasks, notifications, mutual-aid
        exchanges, casualty routings, event links, reports upward and loss figures (the last five are few, so they
        are scanned)."""
        out: list[tuple[str, str, dict[str, Any]]] = [
            ("task", k, self.tasks[k]) for k in self._tasks_of.get(incident_id, ())
        ]
        out += [("notification", k, self.notifications[k]) for k in self._notes_of.get(incident_id, ())]
        for kind, entities, field in (
            ("mutual_aid", self.mutual_aid, "incident_id"),
            ("casualty_routing", self.casualty_routings, "incident_id"),
            ("event", self.event_links, "site_id"),
            ("report", self.reports, "incident_id"),
            ("losses", self.losses, "incident_id"),
            ("supply", self.supplies, "incident_id"),
        ):
            out += [(kind, k, v) for k, v in entities.items() if isinstance(v, dict) and v.get(field) == incident_id]
        return out

    def notified(self, incident_id: str) -> set[str]:
        """Provinces the brain notified about the incident."""
        return self._notified.get(incident_id, set())

    def tasked(self, incident_id: str) -> set[str]:
        """Province and county adcodes of responders tasked to the incident."""
        return self._tasked.get(incident_id, set())

    def home_of(self, responder_id: str) -> ResponderHome | None:
        return self._homes.get(responder_id)
