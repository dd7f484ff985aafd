"""A drill: run a scenario, score every expectation, and gather what the after-action report shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from geo.regions import PROVINCES, RegionIndex
from scenarios.expectations import RegionResolver, Result, check_regions, score
from scenarios.kpis import IncidentKpis, incident_kpis
from scenarios.model import Scenario
from scenarios.replay import ReplayControl
from scenarios.run import Outcome, refused, replay_embedded
from streams.runtime.embedded import EmbeddedRuntime
from streams.words.render import Words

_PROVINCE_NAMES = {
    **{name: code for code, name in PROVINCES.items()},
    **{name.removesuffix("市").removesuffix("省"): code for code, name in PROVINCES.items()},
}


@dataclass(frozen=True)
class DrillResult:
    scenario: Scenario
    outcome: Outcome
    results: tuple[Result, ...]
    kpis: tuple[IncidentKpis, ...]

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failed(self) -> tuple[Result, ...]:
        return tuple(r for r in self.results if not r.passed)


@dataclass(frozen=True)
class Refusal:
    """An input the run did not use: the scenario line that sent it (when known) and why."""

    line: int | None
    event_id: str
    reason: str


def refusals(scenario: Scenario, outcome: Outcome) -> tuple[Refusal, ...]:
    """Every input rejected at ingest or refused or ignored in the theater, each with its scenario line."""
    lines = {e.event_id: e.line for e in scenario.timeline if e.event_id}
    return tuple(Refusal(lines.get(event_id), event_id, reason) for event_id, reason in refused(outcome))


@dataclass(frozen=True)
class Unanswered:
    """A decision nobody made in the run, and what happened instead: an approval's declared default applied at its
    deadline, or a mutual-aid request that timed out (its slots left unfilled)."""

    at_ms: int
    incident_id: str
    kind: str  # "approval" | "mutual_aid"
    subject: str  # the approval's summary, or the capability asked for
    default: str  # "approve" | "reject" (the approval's default), or "timed_out"
    lender: str = ""  # the province that did not answer (mutual aid)

    def said(self, words: Words) -> tuple[str, str]:
        """What happened, in Chinese and in English: "no answer → default"."""
        if self.kind == "approval":
            summary_zh, summary_en = words.text(self.subject, "zh"), words.text(self.subject, "en")
            verdict_zh, verdict_en = _both(words, "verdict", self.default)
            return (
                f"审批「{summary_zh}」无人答复 → 按默认{verdict_zh}",
                f"approval “{summary_en}”: no answer → default {verdict_en}",
            )
        capability_zh, capability_en = _both(words, "capability", self.subject)
        return (
            f"{words.place(self.lender, 'zh')}未答复{capability_zh}支援请求 → 超时，任务待补",
            f"{words.place(self.lender, 'en')}: no answer to the {capability_en} request → timed out, slots unfilled",
        )


def _both(words: Words, kind: str, key: str) -> tuple[str, str]:
    """A word of the operator language in Chinese and in English."""
    return words.word(kind, key, "zh"), words.word(kind, key, "en")


def unanswered(outcome: Outcome) -> tuple[Unanswered, ...]:
    """Every approval and mutual-aid request nobody answered, in event time: "no answer → default"."""
    found = [
        Unanswered(a.deadline_ms, incident.id, "approval", a.summary, a.default)
        for incident in outcome.incidents.values()
        for a in incident.approvals
        if a.state == "expired"
    ]
    for delta in outcome.deltas:
        if delta.kind != "mutual_aid":
            continue
        update = delta.entity if isinstance(delta.entity, dict) else vars_of(delta.entity)
        if update.get("stage") == "timed_out":
            subject, lender = str(update.get("capability")), str(update.get("lender"))
            found.append(
                Unanswered(delta.at_ms, str(update.get("incident_id")), "mutual_aid", subject, "timed_out", lender)
            )
    return tuple(sorted(found, key=lambda u: (u.at_ms, u.incident_id, u.kind)))


def vars_of(entity: object) -> dict[str, object]:
    """A feed entity's fields, whether a slotted dataclass (an embedded run) or already a mapping (Kafka)."""
    return {name: getattr(entity, name) for name in getattr(entity, "__slots__", ())} or dict(vars(entity))


def region_resolver(regions: RegionIndex) -> RegionResolver:
    """Adcodes as they are; province names (北京, 河北省); county names (涿州市, 涿州, 房山区)."""
    counties = {unit.adcode for unit in regions.units}
    prefectures = {unit.city_adcode for unit in regions.units}

    def resolve(text: str) -> str | None:
        text = text.strip()
        if text in PROVINCES or text in counties or text in prefectures:
            return text
        if text in _PROVINCE_NAMES:
            return _PROVINCE_NAMES[text]
        for unit in regions.units:
            if text == unit.city_name:
                return unit.city_adcode
        found = regions.find_in_text(text)
        return None if found is None else found.adcode

    return resolve


def evidence_ids(scenario: Scenario) -> dict[str, str]:
    """Timeline entry ids → what incidents list as their evidence: the event id a message carries, or for a
    sensor the device (its alarms come from whichever reading crossed a tier)."""
    return {
        entry.name: f"device:{entry.device_id}" if entry.device_id else entry.event_id
        for entry in scenario.timeline
        if entry.name
    }


def score_outcome(scenario: Scenario, outcome: Outcome, resolve: RegionResolver) -> DrillResult:
    """Score a finished run (from either runtime); pure."""
    regions = check_regions(scenario.file, scenario.expectations, resolve)
    results = score(scenario.expectations, outcome.deltas, regions, evidence_ids(scenario))
    kpis = incident_kpis(outcome.incidents, outcome.tasks, outcome.notifications, outcome.deltas)
    return DrillResult(scenario, outcome, results, kpis)


async def run_drill(
    scenario: Scenario,
    runtime: EmbeddedRuntime,
    resolve: RegionResolver,
    control: ReplayControl | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> DrillResult:
    """Replay on a fresh embedded runtime (not started yet), then score. Region names are checked before the
    replay starts, so a typo in an expectation costs nothing."""
    check_regions(scenario.file, scenario.expectations, resolve)
    outcome = await replay_embedded(scenario, runtime, control=control, progress=progress)
    return score_outcome(scenario, outcome, resolve)
