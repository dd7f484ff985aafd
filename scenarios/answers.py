"""A drill's scripted answers: what a person would decide, written in the scenario as timeline entries.

An unattended drill has nobody at the command centres. A scenario can say who approves a playbook's pending
approval and how a lender answers a mutual-aid request, at an offset from T0:

    - at: +25m
      approve: {rule: plume-over-homes}                     # or reject:; by the joint centre unless `centre`
    - at: +30m
      offer: {capability: hazmat, lender: 北京}              # the lender's centre offers the units dispatch ranked
    - at: +30m
      decline: {capability: hazmat, lender: 天津, reason: 本地力量已全部投入}
    - at: +32m
      commit: {capability: hazmat, borrower: 河北}           # the borrower takes what was offered

Each becomes an ordinary `command` on the commands topic, the same the API sends, with a target that names what it
answers instead of an id the drill cannot know in advance: `rule:<rule id>` (the oldest pending approval of that
rule) or `capability:<capability>` (the oldest open request of that capability to or from the centre's province).
What nobody answers follows the declared default: an approval its `default`, a request its deadline.
"""

from __future__ import annotations

from typing import Any

from geo.datafiles import LineDict, LoadError, line_of
from geo.names import did_you_mean
from geo.regions import PROVINCES

ANSWERS: dict[str, tuple[frozenset[str], str]] = {  # the entry key → (its keys, the province key naming the centre)
    "approve": (frozenset({"rule", "centre", "by", "reason"}), "centre"),
    "reject": (frozenset({"rule", "centre", "by", "reason"}), "centre"),
    "offer": (frozenset({"capability", "lender", "by", "reason"}), "lender"),
    "decline": (frozenset({"capability", "lender", "by", "reason"}), "lender"),
    "commit": (frozenset({"capability", "borrower", "by", "reason"}), "borrower"),
}
_PROVINCE_CODES = {
    **{code: code for code in PROVINCES},
    **{name: code for code, name in PROVINCES.items()},
    **{name.removesuffix("市").removesuffix("省"): code for code, name in PROVINCES.items()},
}
SCRIPTED_OPERATOR = "drill-script"


def answer_payload(file: str, kind: str, node: Any, where: str) -> dict[str, Any]:
    """The command payload for one scripted answer; a mistake is a LoadError at its line with a did-you-mean."""
    keys, centre_key = ANSWERS[kind]
    if not isinstance(node, LineDict):
        raise LoadError(file, line_of(node), f"{where}.{kind}: expected a mapping such as {_example(kind)}")
    for key in node:
        if key not in keys:
            raise LoadError(file, line_of(node, key), f"{where}.{kind}: unknown key {key!r}{did_you_mean(key, keys)}")
    subject = "rule" if kind in ("approve", "reject") else "capability"
    if subject not in node:
        raise LoadError(file, line_of(node), f"{where}.{kind}: give {subject!r}, e.g. {_example(kind)}")
    centre = "joint"
    if centre_key in node:
        written = str(node[centre_key])
        if written not in _PROVINCE_CODES:
            raise LoadError(
                file,
                line_of(node, centre_key),
                f"{where}.{kind}.{centre_key}: {written!r} is not a province of the theater"
                f"{did_you_mean(written, _PROVINCE_CODES)}",
            )
        centre = _PROVINCE_CODES[written]
    elif kind not in ("approve", "reject"):
        raise LoadError(file, line_of(node), f"{where}.{kind}: give {centre_key!r} (the province that answers)")
    return {
        "type": "command",
        "operator": str(node.get("by", SCRIPTED_OPERATOR)),
        "centre": centre,
        "action": kind,
        "target": f"{subject}:{node[subject]}",
        "reason": str(node.get("reason", "")),
    }


def _example(kind: str) -> str:
    if kind in ("approve", "reject"):
        return f"{{{kind}: {{rule: plume-over-homes}}}}"
    side = "borrower: 河北" if kind == "commit" else "lender: 北京"
    return f"{{{kind}: {{capability: hazmat, {side}}}}}"
