"""`ebrain drill`: exit 0 when every expectation is met, 1 when one is not (report written either way), 2 on a
file that cannot be loaded."""

from __future__ import annotations

import asyncio
from pathlib import Path

from ebrain.drill_cmd import run_drill_cmd
from ebrain.settings import PACKAGE_ROOT, Settings

YANJIAO = PACKAGE_ROOT / "scenarios" / "files" / "yanjiao_gas_explosion_2024.yaml"


def with_expectations(tmp_path: Path, expect: str) -> Path:
    text = YANJIAO.read_text(encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(text[: text.index("expect:")] + expect, encoding="utf-8")
    return path


def drill(path: Path, report: Path) -> int:
    return asyncio.run(run_drill_cmd(Settings(), path, None, report))


def test_exit_codes_and_report(tmp_path: Path) -> None:
    met = with_expectations(tmp_path, "expect:\n  - incidents: {type: gas_explosion, at_most: 1}\n")
    assert drill(met, tmp_path / "met.html") == 0
    assert "1 of 1 expectations met" in (tmp_path / "met.html").read_text(encoding="utf-8")
    missed = with_expectations(tmp_path, "expect:\n  - incidents: {type: gas_explosion, at_most: 0}\n")
    assert drill(missed, tmp_path / "missed.html") == 1
    assert "0 of 1 expectations met" in (tmp_path / "missed.html").read_text(encoding="utf-8")
    typo = with_expectations(tmp_path, "expect:\n  - incident: {region: 不存在的县}\n")
    assert drill(typo, tmp_path / "typo.html") == 2
    assert not (tmp_path / "typo.html").exists()
