"""Faults a trainer injects into a scenario, written as what the brain would really see.

- `sensors_silent`: the devices' readings stop arriving (the replay drops them); the detector notices the
  silence and, under an active warning, the theater treats it as a blackout risk.
- `command_post_down`: an agency reports that a county's own command post is out of action
  (`agency.incident`, kind `command_post_down`), so work meant for it must go to the level above.
- `road_closed`: an agency reports a closed road, flooded underpass, collapsed bridge or landslide.
- `responder_breakdown`: the unit's agency reports it out of service (`agency.resource_status`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from geo.datafiles import LoadError, line_of
from geo.names import did_you_mean

FAULT_KINDS: dict[str, frozenset[str]] = {
    "sensors_silent": frozenset({"devices", "until"}),
    "command_post_down": frozenset({"agency", "province", "position", "address", "description"}),
    "road_closed": frozenset({"agency", "province", "position", "address", "description", "closure"}),
    "responder_breakdown": frozenset({"responder", "agency", "province"}),
}
CLOSURE_KINDS = ("road_closed", "underpass_flooded", "bridge_collapsed", "landslide")
_RESPONDER_ID = re.compile(r"^[a-z_]+-([1-9][0-9])[0-9]{4}-[0-9]+$")


@dataclass(frozen=True)
class Silence:
    """Readings of these devices are not sent from `from_ms` (until `until_ms`, if given)."""

    devices: frozenset[str]
    from_ms: int
    until_ms: int | None
    line: int

    def mutes(self, device_id: str, at_ms: int) -> bool:
        if not device_id or device_id not in self.devices or at_ms < self.from_ms:
            return False
        return self.until_ms is None or at_ms < self.until_ms


def _need(file: str, node: Any, key: str, kind: str, line: int) -> Any:
    if key not in node or node[key] in (None, ""):
        raise LoadError(file, line, f"fault {kind}: missing {key!r}")
    return node[key]


def _located(file: str, node: Any, kind: str, line: int) -> dict[str, Any]:
    if "position" not in node and "address" not in node:
        raise LoadError(file, line, f"fault {kind}: give a position or an address")
    out: dict[str, Any] = {}
    if "position" in node:
        position = node["position"]
        if not isinstance(position, dict):
            raise LoadError(
                file,
                line_of(node, "position"),
                f"fault {kind}: position: expected {{lon, lat, crs}}, got {position!r:.60}",
            )
        out["position"] = dict(position)
    if "address" in node:
        out["address"] = str(node["address"])
    return out


def fault_payloads(file: str, kind: str, node: Any, line: int) -> list[dict[str, Any]]:
    """The wire payloads (without time and id) a fault stands for."""
    if kind == "responder_breakdown":
        responder = str(_need(file, node, "responder", kind, line))
        province = node.get("province")
        if province is None:
            match = _RESPONDER_ID.match(responder)
            if match is None:
                raise LoadError(
                    file, line_of(node, "responder"), f"fault {kind}: {responder!r}: give its province (adcode)"
                )
            province = f"{match.group(1)}0000"
        return [
            {
                "type": "agency.resource_status",
                "agency": str(node.get("agency", "fleet-maintenance")),
                "province": str(province),
                "responder_id": responder,
                "status": "out_of_service",
            }
        ]
    if kind == "road_closed":
        closure = str(node.get("closure", "road_closed"))
        if closure not in CLOSURE_KINDS:
            raise LoadError(
                file,
                line_of(node, "closure"),
                f"fault road_closed.closure: {closure!r} is unknown{did_you_mean(closure, CLOSURE_KINDS)}",
            )
        return [
            {
                "type": "agency.incident",
                "agency": str(_need(file, node, "agency", kind, line)),
                "province": str(_need(file, node, "province", kind, line)),
                "incident_kind": closure,
                "description": str(node.get("description", closure)),
                **_located(file, node, kind, line),
            }
        ]
    if kind == "command_post_down":
        return [
            {
                "type": "agency.incident",
                "agency": str(_need(file, node, "agency", kind, line)),
                "province": str(_need(file, node, "province", kind, line)),
                "incident_kind": "command_post_down",
                "description": str(node.get("description", "command post out of action")),
                **_located(file, node, kind, line),
            }
        ]
    raise AssertionError(f"fault {kind} has no payload")  # sensors_silent is handled by the loader
