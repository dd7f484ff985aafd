"""`ebrain evaluate DELTAS.jsonl`: the evaluation (调查评估) of each incident of a replay's or drill's output
(`--out`), one HTML page per incident, the same page the API serves for a live incident."""

from __future__ import annotations

from pathlib import Path

import msgspec

from ebrain.compose import build_core
from ebrain.serve import UserError
from ebrain.settings import Settings
from geo.names import did_you_mean
from scenarios.evaluation import Seen
from scenarios.evaluation_report import render_evaluation
from scenarios.run import Outcome
from scenarios.said import OutcomeLookup


def evaluate_file(settings: Settings, deltas: Path, incident: str | None, out_dir: Path) -> int:
    lines = deltas.read_bytes().splitlines()
    try:
        records = [msgspec.json.decode(line) for line in lines if line.strip()]
        outcome = Outcome.from_feed(records)
    except (msgspec.DecodeError, msgspec.ValidationError, KeyError, TypeError) as exc:
        raise UserError(
            f"{deltas}: not the JSON lines of `ebrain replay --out` or `ebrain drill --out` ({exc})"
        ) from None
    seen = Seen.from_deltas(outcome.deltas)
    known = sorted(i for i, inc in seen.incidents.items() if inc.get("status") != "merged")
    if incident is not None and incident not in seen.incidents:
        raise UserError(f"{deltas}: no incident {incident!r}{did_you_mean(incident, known)}")
    core = build_core(settings)
    out_dir.mkdir(parents=True, exist_ok=True)
    lookup = OutcomeLookup(outcome)
    for incident_id in [incident] if incident is not None else known:
        inc = seen.incidents[incident_id]
        model = seen.evaluate(incident_id, core.words.rule_ids(str(inc.get("playbook", ""))))
        path = out_dir / f"evaluation-{incident_id}.html"
        path.write_text(render_evaluation(model, core.words, lookup), encoding="utf-8")
        title = f"{core.words.incident_title(inc, 'zh')} / {core.words.incident_title(inc, 'en')}"
        print(f"调查评估 evaluation: {title} → {path}")
    return 0
