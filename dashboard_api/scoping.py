"""Scoping and masking: the one function that decides what a viewer gets of an entity.

REST and the websocket feed both call `scope`, so a centre sees the same thing by either path. Who sees which
incident is the sharing policy (data/sharing.yaml); how evidence looks outside its owning region is the data
classification policy (streams/data/classification.yaml). The relations the sharing policy asks about
(notified provinces, tasked responders, who issued a command) come from the picture.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Any, Protocol

from dashboard_api.access import Viewer


class IncidentRelations(Protocol):
    """What deciding who sees an incident asks besides the incident: whom the brain notified, whose units it sent."""

    def notified(self, incident_id: str) -> Set[str]: ...
    def tasked(self, incident_id: str) -> Set[str]: ...


class Relations(IncidentRelations, Protocol):
    """What `scope` asks the picture."""

    incidents: dict[str, dict[str, Any]]

    def issuer_of(self, command_id: str) -> str | None: ...


#: the fields of an incident that decide who sees it (`incident_visible`)
_VISIBILITY_FIELDS = ("id", "province", "provinces", "adcode", "adcodes", "evidence")


@dataclass(frozen=True, slots=True)
class SeenBefore:
    """An incident as it stood for `incident_visible` before a delta changed it (None: not in the picture yet):
    whoever could not see it then and can now is sent what of it was emitted before (`catch_up`)."""

    incident: dict[str, Any] | None
    notified_provinces: frozenset[str]
    tasked_places: frozenset[str]

    @classmethod
    def of(cls, incident_id: str, picture: Relations) -> SeenBefore:
        old = picture.incidents.get(incident_id)
        # only what visibility reads is kept (the evidence list is referenced, not copied)
        slim = None if old is None else {k: old[k] for k in _VISIBILITY_FIELDS if k in old}
        return cls(slim, frozenset(picture.notified(incident_id)), frozenset(picture.tasked(incident_id)))

    def notified(self, incident_id: str) -> Set[str]:
        return self.notified_provinces

    def tasked(self, incident_id: str) -> Set[str]:
        return self.tasked_places

    def visible_to(self, viewer: Viewer) -> bool:
        return self.incident is not None and incident_visible(viewer, self.incident, self)


def scope(viewer: Viewer, kind: str, key: str, data: Any, picture: Relations) -> Any | None:
    """`data` (the entity of a delta of `kind` and `key`) as `viewer` may see it, or None if out of scope.

    Personal data is masked unless the viewer's province owns it.
    """
    if kind == "incident":
        # a delta carries what changed of the evidence: who sees it is decided on the whole incident
        whole = data if "evidence" in data else picture.incidents.get(key, data)
        return mask_incident(viewer, data) if incident_visible(viewer, whole, picture) else None
    if kind == "task":
        return data if _task_visible(viewer, data, picture) else None
    if kind == "notification":
        return data if _notification_visible(viewer, data, picture) else None
    if kind == "responder":
        return data  # responder statuses are the shared mutual-aid picture (sharing.yaml: responders: all)
    if kind == "rejected":
        return data if rejected_visible(viewer, key, picture) else None
    if kind in ("warning", "closure"):
        return data  # public warnings are public by nature; road closures are the shared road picture
    if kind in ("mutual_aid", "supply"):
        return data if _exchange_visible(viewer, data, picture) else None
    if kind in ("casualty_routing", "losses"):
        incident = picture.incidents.get(data.get("incident_id", ""))
        return data if incident is not None and incident_visible(viewer, incident, picture) else None
    if kind == "event":  # a site named part of an event: seen where the site is seen
        site = picture.incidents.get(data.get("site_id", ""))
        return data if site is not None and incident_visible(viewer, site, picture) else None
    if kind == "report":
        return data if _report_visible(viewer, data, picture) else None
    if kind == "work_order":
        return data if _work_order_visible(viewer, data) else None
    if kind == "readiness":
        return data if _readiness_visible(viewer, [str(a) for a in data.get("area_adcodes") or ()]) else None
    if kind == "move_up":
        places = [str(data.get("from_adcode", "")), str(data.get("to_adcode", ""))]
        return data if _readiness_visible(viewer, places) else None
    raise ValueError(f"kind={kind!r} is not an entity kind of the feed")


def _readiness_visible(viewer: Viewer, adcodes: list[str]) -> bool:
    """Readiness under a warning is the business of the centres whose counties it covers or whose units it moves:
    their provinces' centres, those county posts, and the joint centre."""
    centre = viewer.centre
    if centre.kind == "joint":
        return True
    if centre.kind == "province":
        return any(code[:2] == str(centre.province)[:2] for code in adcodes)
    return centre.county in adcodes


def may_decide_move(viewer: Viewer, move: dict[str, Any]) -> bool:
    """Who accepts or rejects a move-up: the centre of the province where the unit would stand, or the joint one."""
    centre = viewer.centre
    return centre.kind == "joint" or (
        centre.kind == "province" and str(move.get("to_adcode", ""))[:2] == str(centre.province)[:2]
    )


def _work_order_visible(viewer: Viewer, order: dict[str, Any]) -> bool:
    """A 12345 work order is the business of the hotline centre that took the calls (its province's centre), of the
    county post where it is handled, and of the joint centre; it carries no caller's personal data."""
    centre = viewer.centre
    if centre.kind == "joint":
        return True
    if centre.kind == "province":
        return centre.province == order.get("hotline")
    return centre.county == order.get("agency_adcode")


def _report_visible(viewer: Viewer, report: dict[str, Any], picture: Relations) -> bool:
    """A report upward is seen where its incident is seen, and by the centre above: its province's centre."""
    centre = viewer.centre
    if centre.kind == "joint" or (centre.kind == "province" and centre.province == report.get("province")):
        return True
    incident = picture.incidents.get(report.get("incident_id", ""))
    return incident is not None and incident_visible(viewer, incident, picture)


def _exchange_visible(viewer: Viewer, exchange: dict[str, Any], picture: Relations) -> bool:
    """A mutual-aid exchange is seen by the joint centre, the borrowing and lending provinces' centres, and every
    centre that sees its incident."""
    if exchange_party(viewer, exchange):
        return True
    incident = picture.incidents.get(exchange.get("incident_id", ""))
    return incident is not None and incident_visible(viewer, incident, picture)


def exchange_party(viewer: Viewer, exchange: dict[str, Any]) -> bool:
    """The joint centre, or the borrowing or lending province's centre: who may answer the exchange."""
    centre = viewer.centre
    return centre.kind == "joint" or centre.province in (exchange.get("borrower"), exchange.get("lender"))


def incident_of(kind: str, key: str, data: Any) -> str | None:
    """The incident an entity of the feed belongs to (an incident is its own), or None."""
    if kind == "incident":
        return key
    if not isinstance(data, dict):
        return None
    if kind in ("task", "notification", "mutual_aid", "casualty_routing", "report", "losses", "supply"):
        return data.get("incident_id") or None
    if kind == "event":
        return data.get("site_id") or None
    return None


def seen_apart_from_incident(viewer: Viewer, kind: str, data: Any) -> bool:
    """Whether the viewer sees this entity whatever it sees of its incident (its own responders' task, a
    notification to its province, an exchange it is party to, what everybody sees). Such an entity reached the
    viewer when it changed; the others only if the viewer saw their incident then."""
    centre = viewer.centre
    if centre.kind == "joint" or kind in ("responder", "warning", "closure"):
        return True
    if kind == "task":
        own = data.get("responder_adcode") if centre.kind == "county" else data.get("responder_province")
        return bool(own) and own == centre.code
    if kind == "notification":
        return centre.kind == "province" and data.get("to_province") == centre.province
    if kind in ("mutual_aid", "supply"):
        return exchange_party(viewer, data)
    return False


def rejected_visible(viewer: Viewer, key: str, picture: Relations) -> bool:
    """A rejection goes to the joint centre and to the centre that issued the rejected command."""
    return viewer.centre.kind == "joint" or picture.issuer_of(key) == viewer.centre.code


def incident_visible(viewer: Viewer, incident: dict[str, Any], picture: IncidentRelations) -> bool:
    centre = viewer.centre
    if centre.kind == "joint":
        return True
    if centre.kind == "province":
        if centre.province in incident["provinces"] or centre.province == incident["province"]:
            return True
        also = viewer.sharing.province_also_sees
        return bool(
            (also.notified and centre.province in picture.notified(incident["id"]))
            or (also.responders_sent and centre.province in picture.tasked(incident["id"]))
        )
    county = centre.county
    if county == incident["adcode"]:
        return True
    county_also = viewer.sharing.county_also_sees
    return bool(
        (county_also.spans_county and county in incident["adcodes"])
        or (county_also.evidence_in_county and any(e.get("adcode") == county for e in incident.get("evidence", ())))
        or (county_also.responders_sent and county in picture.tasked(incident["id"]))
    )


def _task_visible(viewer: Viewer, task: dict[str, Any], picture: Relations) -> bool:
    centre = viewer.centre
    if centre.kind == "joint":
        return True
    own = task.get("responder_adcode") if centre.kind == "county" else task.get("responder_province")
    if own and own == centre.code:
        return True  # a centre always sees where its own responders were sent
    incident = picture.incidents.get(task["incident_id"])
    return incident is not None and incident_visible(viewer, incident, picture)


def _notification_visible(viewer: Viewer, note: dict[str, Any], picture: Relations) -> bool:
    centre = viewer.centre
    if centre.kind == "joint" or (centre.kind == "province" and note["to_province"] == centre.province):
        return True
    incident = picture.incidents.get(note["incident_id"])
    return incident is not None and incident_visible(viewer, incident, picture)


def mask_incident(viewer: Viewer, incident: dict[str, Any]) -> dict[str, Any]:
    """The incident (whole, or a delta's data) with its evidence masked as the classification policy says, unless
    the viewer owns it."""
    out = incident
    for field in ("evidence", "evidence_added"):
        evidence = incident.get(field)
        if not evidence:
            continue
        masked = [_mask_signal(viewer, signal) for signal in evidence]
        if not all(m is s for m, s in zip(masked, evidence, strict=True)):
            out = {**out, field: masked}
    return out


def _mask_signal(viewer: Viewer, signal: dict[str, Any]) -> dict[str, Any]:
    personal = signal.get("personal")
    if personal and viewer.sees_personal_of(personal.get("owner_province")):
        return signal
    # Evidence without an owner (sensors, agencies) is masked too: phone numbers typed into its text.
    return viewer.masker.signal(signal, viewer.masking_province)
