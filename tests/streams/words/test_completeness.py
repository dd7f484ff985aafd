"""Every shipped scenario, said in both languages: nothing unsaid, nothing an operator should not see.

Each scenario in scenarios/files is replayed on the embedded runtime; every delta goes through the API's
picture as it would for a command centre, and its feed lines, its entity's labels and, at the end, every
incident's timeline are checked: no phrase missing from the data, no id, epoch time, adcode, enum id or JSON.
After the Yanjiao replay, commands the core must refuse are sent, so that rejections are said too.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard_api.deltas import as_delta_json
from dashboard_api.picture import Picture
from dashboard_api.queries import timeline
from ebrain.compose import Core, embedded_runtime
from ebrain.settings import PACKAGE_ROOT
from scenarios.model import load_scenario
from scenarios.run import Outcome, run_scenario
from streams.wire import codec, contract, topics
from streams.wire.timefmt import format_time_ms
from streams.words.check import machine_text

SCENARIOS = sorted((PACKAGE_ROOT / "scenarios" / "files").glob("*.yaml"))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _command(action: str, at_ms: int, incident_id: str = "", target: str = "", level: str = "") -> bytes:
    return codec.encode(
        contract.Command(
            schema_version=contract.CURRENT_VERSION,
            event_id=f"cmd-{uuid.uuid4().hex}",
            at=format_time_ms(at_ms),
            operator="测试值班员",
            centre="130000",
            action=action,  # type: ignore[arg-type]
            incident_id=incident_id,
            target=target,
            level=level,
        )
    )


def _replay(core: Core, path: Path, refusals: bool) -> tuple[Picture, list[dict[str, Any]]]:
    picture = Picture()
    picture.speak_with(core.words)
    seen: list[dict[str, Any]] = []

    def publish(delta: Any) -> None:
        data, _ = as_delta_json(delta)
        if picture.apply(data):
            seen.append(data)

    async def go() -> None:
        runtime = embedded_runtime(core)
        outcome = Outcome()
        runtime.sinks.extend([outcome.apply, publish])
        await runtime.start()
        try:
            await run_scenario(load_scenario(path), runtime, outcome)
            if refusals:
                incident = next(iter(picture.incidents))
                at = picture.at_ms
                for action, inc, target, level in [
                    ("acknowledge", "JINGJINJI-999999", "", ""),
                    ("approve", incident, "A9", ""),
                    ("set_level", incident, "", "V"),
                    ("offer", incident, "NO-SUCH-REQUEST", ""),
                    ("merge", incident, incident, ""),
                    ("assign", incident, "", ""),
                ]:
                    await runtime.produce(topics.COMMANDS.name, inc, _command(action, at, inc, target, level))
                await runtime.drain()
        finally:
            await runtime.stop()

    asyncio.run(go())
    return picture, seen


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_delta_is_said_in_both_languages(core: Core, path: Path) -> None:
    refusals = path.stem.startswith("yanjiao")
    picture, deltas = _replay(core, path, refusals)
    ids = {rule.id for book in core.theater.playbooks.values() for rule in book.rules}
    ids |= {timer.id for book in core.theater.playbooks.values() for timer in book.timers}
    ids |= set(picture.incidents) | set(picture.tasks) | set(picture.responders)
    names = frozenset(ids)
    problems: list[str] = []
    assert not picture.unsaid, f"{path.name}: no phrase for {dict(picture.unsaid)}"
    for delta in deltas:
        said = delta["say"]
        assert said["zh"] and len(said["zh"]) == len(said["en"]), delta
        labels = delta["data"].get("say") if isinstance(delta["data"], dict) else {}
        for text in [*_strings(said), *_strings(labels or {})]:
            problems += [f"seq {delta['seq']} {delta['kind']}: {text!r}: {p}" for p in machine_text(text, names)]
    for incident in picture.incidents.values():
        missing: list[str] = []
        tasks = picture.tasks_of(incident["id"])
        for entry in timeline(incident, tasks, picture.notifications_of(incident["id"])):
            for text in core.words.timeline_entry(entry, incident, picture, missing).values():
                problems += [f"timeline {incident['id']}: {text!r}: {p}" for p in machine_text(text, names)]
        assert not missing, f"{incident['id']}: no phrase for {missing}"
    assert not problems, f"{len(problems)} pieces of machine text, e.g.:\n" + "\n".join(problems[:20])
    if refusals:
        refused = [d for d in deltas if d["kind"] == "rejected"]
        assert len(refused) == 6, [d["data"] for d in refused]
        assert all("未执行" in d["say"]["zh"][0] and "not carried out" in d["say"]["en"][0] for d in refused)


def test_every_playbook_rule_and_timer_has_a_title_and_every_text_a_translation(core: Core) -> None:
    untitled, untranslated = [], []
    for book in core.theater.playbooks.values():
        untitled += [f"{book.id}: rule {r.id}" for r in book.rules if r.title is None and ":" not in r.id]
        untitled += [f"{book.id}: timer {t.id}" for t in book.timers if t.title is None and ":" not in t.id]
        actions = [a for r in book.rules for a in r.then] + [a for t in book.timers for a in t.then]
        actions += [a for _, acts in book.on_enter for a in acts] + [a for ap in book.approvals for a in ap.then]
        texts = [ap.summary for ap in book.approvals]
        for action in actions:
            texts += [
                str(getattr(action, k))
                for k in ("reason", "message", "headline", "instruction", "event")
                if getattr(action, k, "")
            ]
        untranslated += [f"{book.id}: {text!r}" for text in texts if text not in core.words.book.texts]
    assert not untitled, untitled
    assert not untranslated, "add these to texts: in streams/data/phrases.yaml:\n" + "\n".join(
        sorted(set(untranslated))
    )
