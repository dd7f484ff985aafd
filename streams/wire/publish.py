"""Writes the published contract from the models: a JSON Schema per event type and an AsyncAPI 3 document.

    python -m streams.wire.publish            # (re)write schemas/
    python -m streams.wire.publish --check    # exit 1 if schemas/ differs from what the models generate

The files are generated, never edited by hand; a test checks they equal what the models give, so the
published contract cannot drift from the decoder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import msgspec
import yaml

from playbooks.evidence import Signal
from playbooks.incident import Incident, Notification, Task
from streams.wire import contract, topics
from streams.wire.codec import DeadLetter
from streams.wire.incident_delta import EvidenceFields
from streams.wire.records import Counts, Failure, OperatorCommand, ResourceUpdate, TaskReply, Tick

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "schemas"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
VERSION_DIR = f"v{contract.SUPPORTED_MAJOR}"

_INTERNAL = {
    "signal": Signal,
    "incident": Incident,
    "task": Task,
    "notification": Notification,
    "ingest_counts": Counts,
    "failure": Failure,
}
_SIGNAL_ENVELOPE: dict[str, type[Any]] = {
    "signal": Signal,
    "tick": Tick,
    "task_reply": TaskReply,
    "resource": ResourceUpdate,
    "command": OperatorCommand,
}


def _schema(shape: Any, name: str, description: str | None = None) -> dict[str, Any]:
    body = msgspec.json.schema(shape)
    head: dict[str, Any] = {"$schema": JSON_SCHEMA_DIALECT, "title": name}
    if description:
        head["description"] = description
    head["x-schema-version"] = contract.CURRENT_VERSION
    return {**head, **body}


def _wire_file(tag: str) -> str:
    return f"{VERSION_DIR}/{tag}.json"


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name (relative to the schemas folder) → JSON Schema document."""
    out = {_wire_file(contract.type_tag(cls)): _schema(cls, contract.type_tag(cls)) for cls in contract.WIRE_TYPES}
    out[_wire_file("dead_letter")] = _schema(DeadLetter, "dead_letter")
    for name, shape in _INTERNAL.items():
        out[f"{VERSION_DIR}/internal/{name}.json"] = _schema(
            shape, name, "Produced by the brain for its own stages and command centres; not an input contract."
        )
    refs, defs = msgspec.json.schema_components(tuple(_SIGNAL_ENVELOPE.values()), ref_template="#/$defs/{name}")
    envelope = {
        "type": "object",
        "properties": {"t": {"enum": list(_SIGNAL_ENVELOPE)}, "v": {"anyOf": list(refs)}},
        "required": ["t", "v"],
        "$defs": defs,
    }
    out[f"{VERSION_DIR}/internal/signals_envelope.json"] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "signals_envelope",
        "description": "A located record for the theater stage: `t` names the record type of `v`.",
        **envelope,
    }
    out[f"{VERSION_DIR}/internal/incident_delta.json"] = _incident_delta_schema()
    out[f"{VERSION_DIR}/internal/feed_delta.json"] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "feed_delta",
        "description": (
            "One numbered change for command-centre feeds; `data` is the entity named by `kind`. An incident's data "
            "carries what changed of its evidence (incident_delta.json); on the picture topic, all of it."
        ),
        "type": "object",
        "properties": {
            "seq": {"type": "integer", "minimum": 1},
            "at_ms": {"type": "integer", "description": "event time, epoch milliseconds"},
            "kind": {"type": "string"},
            "key": {"type": "string"},
            "data": {"type": "object"},
        },
        "required": ["seq", "at_ms", "kind", "key", "data"],
        "if": {"properties": {"kind": {"const": "incident"}}},
        "then": {"properties": {"data": {"$ref": "./incident_delta.json"}}},
    }
    return out


def _incident_delta_schema() -> dict[str, Any]:
    """The incident's schema with the evidence fields of a delta (streams/wire/incident_delta.py) in place of
    `evidence`."""
    (ref, extra), defs = msgspec.json.schema_components((Incident, EvidenceFields), ref_template="#/$defs/{name}")
    incident_name, fields_name = ref["$ref"].rsplit("/", 1)[1], extra["$ref"].rsplit("/", 1)[1]
    fields = defs.pop(fields_name)
    body = defs[incident_name]
    properties: dict[str, Any] = {}
    for name, value in body["properties"].items():
        if name == "evidence":
            properties.update(fields["properties"])
        else:
            properties[name] = value
    required = [n for n in body["required"] if n != "evidence"] + list(fields["required"])
    defs[incident_name] = {**body, "title": "IncidentDelta", "properties": properties, "required": required}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "incident_delta",
        "description": (
            "The data of an incident delta: the incident without `evidence`, with what changed of it since the "
            "incident's last delta (`evidence_added`, `evidence_removed`; the whole list when `evidence_complete`) "
            "and its counts. Folded in seq order: the list before, without the removed ids, then the added pieces."
        ),
        "x-schema-version": contract.CURRENT_VERSION,
        "$ref": ref["$ref"],
        "$defs": defs,
    }


def _message(tag: str, title: str, summary: str, key: dict[str, Any], payload_file: str) -> dict[str, Any]:
    return {
        "name": tag,
        "title": title,
        "summary": summary,
        "contentType": "application/json",
        "payload": {"$ref": f"./{payload_file}"},
        "bindings": {"kafka": {"key": key, "bindingVersion": "0.5.0"}},
    }


def _channel_id(name: str) -> str:
    head, *rest = name.replace("-", ".").replace("_", ".").split(".")
    return head + "".join(part.capitalize() for part in rest)


def asyncapi() -> dict[str, Any]:
    """The AsyncAPI 3.0 document: every topic, its key, partitions and the messages it carries."""
    messages: dict[str, Any] = {}
    by_topic: dict[str, list[str]] = {spec.name: [] for spec in topics.ALL}
    for cls, (spec, key_field) in topics.ROUTES.items():
        tag = contract.type_tag(cls)
        doc = (cls.__doc__ or tag).strip().splitlines()[0]
        key = {"type": "string", "description": f"the message's `{key_field}`; {topics.PARTITIONING}"}
        messages[_channel_id(tag)] = _message(tag, cls.__name__, doc, key, _wire_file(tag))
        by_topic[spec.name].append(_channel_id(tag))
    tick_key = {"type": "string", "const": "tick", "description": "sent to every partition of every source topic"}
    messages["tick"] = _message("tick", "Tick", "Event-time punctuation.", tick_key, _wire_file("tick"))
    for spec in topics.SOURCES:
        by_topic[spec.name].append("tick")
    outputs = {
        topics.DLQ.name: ("deadLetter", "dead_letter", _wire_file("dead_letter"), "the source topic"),
        topics.SIGNALS.name: ("signalsEnvelope", "signals", f"{VERSION_DIR}/internal/signals_envelope.json", ""),
        topics.INCIDENTS.name: ("incident", "incident", f"{VERSION_DIR}/internal/incident.json", "incident id"),
        topics.TASKS.name: ("task", "task", f"{VERSION_DIR}/internal/task.json", "province adcode of the unit"),
        topics.FEED.name: ("feedDelta", "feed", f"{VERSION_DIR}/internal/feed_delta.json", "theater name"),
        topics.PICTURE.name: ("latestDelta", "picture", f"{VERSION_DIR}/internal/feed_delta.json", "<kind>/<key>"),
        topics.FAILED.name: ("failure", "failure", f"{VERSION_DIR}/internal/failure.json", "incident id (or theater)"),
        topics.INGEST_COUNTS.name: (
            "ingestCounts",
            "ingest_counts",
            f"{VERSION_DIR}/internal/ingest_counts.json",
            "<source topic>/<partition>",
        ),
    }
    for topic, (mid, tag, file, key_text) in outputs.items():
        spec = next(s for s in topics.ALL if s.name == topic)
        key = {"type": "string", "description": key_text or spec.key}
        messages[mid] = _message(tag, mid[0].upper() + mid[1:], spec.description, key, file)
        by_topic[topic].append(mid)

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for spec in topics.ALL:
        cid = _channel_id(spec.name)
        kafka: dict[str, Any] = {"topic": spec.name, "partitions": spec.partitions, "bindingVersion": "0.5.0"}
        if spec.compacted:
            kafka["topicConfiguration"] = {"cleanup.policy": ["compact"]}
        channels[cid] = {
            "address": spec.name,
            "description": f"{spec.description}. Key: {spec.key}."
            + (f" {topics.PARTITIONING[0].upper()}{topics.PARTITIONING[1:]}." if spec in topics.SOURCES else ""),
            "messages": {m: {"$ref": f"#/components/messages/{m}"} for m in by_topic[spec.name]},
            "bindings": {"kafka": kafka},
        }
        inbound = spec in topics.SOURCES
        operations[("receive_" if inbound else "send_") + cid] = {
            "action": "receive" if inbound else "send",
            "channel": {"$ref": f"#/channels/{cid}"},
            "summary": ("agencies and operators produce; the brain consumes" if inbound else "the brain produces"),
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Emergency brain event contract (京津冀)",
            "version": f"{contract.CURRENT_VERSION}.0",
            "description": (
                "Topics agencies produce to and the brain produces. Every input message carries `type` and "
                "`schema_version`; minor versions only add optional fields; an unknown major version is rejected "
                "to ingest.dlq with a reason. See docs/contract.md."
            ),
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def render() -> dict[str, str]:
    """File name → exact text, as written to the schemas folder."""
    files = {name: json.dumps(doc, ensure_ascii=False, indent=2) + "\n" for name, doc in json_schemas().items()}
    files["asyncapi.yaml"] = yaml.safe_dump(asyncapi(), sort_keys=False, allow_unicode=True, width=110)
    return files


def differences(folder: Path) -> list[str]:
    """What differs between `folder` and the generated files: missing, changed and stray files."""
    expected = render()
    found = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    problems = [f"{name}: missing" for name in sorted(set(expected) - found)]
    problems += [f"{name}: not generated by the models (remove it)" for name in sorted(found - set(expected))]
    problems += [
        f"{name}: differs from the models"
        for name in sorted(set(expected) & found)
        if (folder / name).read_text(encoding="utf-8") != expected[name]
    ]
    return problems


def write(folder: Path) -> list[str]:
    written = []
    for name, text in render().items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(name)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m streams.wire.publish", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR, help="the schemas folder (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 on any difference")
    args = parser.parse_args(argv)
    if args.check:
        problems = differences(args.out)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    for name in write(args.out):
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
