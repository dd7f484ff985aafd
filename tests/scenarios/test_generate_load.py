"""The load scenario is generated from a seed: the same seed gives the same bytes, and the default is large."""

from __future__ import annotations

from pathlib import Path

from ebrain.compose import Core
from scenarios.generate_load import LoadSpec, generate, write
from scenarios.model import load_scenario


def test_same_seed_same_bytes_and_it_loads(core: Core, tmp_path: Path) -> None:
    spec = LoadSpec(hours=2, sensors=30, storm_from_h=0.5, storm_to_h=1.5, surge_calls_per_h=100, name="small")
    first = write(spec, core.regions, tmp_path / "a")
    second = write(spec, core.regions, tmp_path / "b")
    assert (tmp_path / "a" / "small.jsonl").read_bytes() == (tmp_path / "b" / "small.jsonl").read_bytes()
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    scenario = load_scenario(first)  # every generated message passes the pipeline's decoder
    kinds = {e.topic for e in scenario.timeline}
    assert kinds == {"ingest.sensor", "ingest.hotline", "ingest.agency"}
    other = generate(LoadSpec(hours=2, sensors=30, seed=1, name="small"), core.regions)
    assert other != generate(spec, core.regions)


def test_default_is_72_hours_of_at_least_200k_messages(core: Core) -> None:
    rows = generate(LoadSpec(), core.regions)
    assert len(rows) >= 200_000
    assert rows[-1][0] < 72 * 3_600_000 <= rows[-1][0] + 3_600_000
    assert [at for at, _ in rows] == sorted(at for at, _ in rows)
