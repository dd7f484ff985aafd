"""Imports only go down. Between packages: ebrain → scenarios, dashboard_api → streams → playbooks → geo.
Inside streams, between wings: runtime → theater → fusion → ingest → words → wire (a `testing` kit may use them
all). `words` (the operator language) sits low so that the API and the after-action report can both speak it.

Every import statement counts, also one inside a function: a late import is still an arrow.
"""

from __future__ import annotations

from pathlib import Path

from tests.source_kit import imports

ROOT = Path(__file__).resolve().parents[1]
# package → the rank of its layer; an import may only go to a lower rank (or stay in its own package)
PACKAGES = {"geo": 0, "playbooks": 1, "streams": 2, "dashboard_api": 3, "scenarios": 3, "ebrain": 4}
WINGS = {"wire": 0, "words": 1, "ingest": 2, "fusion": 3, "theater": 4, "runtime": 5, "testing": 6}


def _modules(root: Path) -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (root / pkg).rglob("*.py"))


def _wing(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "streams" and parts[1] in WINGS else None


def _upward_arrows(root: Path = ROOT) -> list[str]:
    arrows: list[str] = []
    for path in _modules(root):
        here = path.relative_to(root).with_suffix("").parts
        package, wing = here[0], (here[1] if here[0] == "streams" and len(here) > 1 else None)
        wing = wing if wing in WINGS else None
        for line, target in imports(path):
            top = target.split(".")[0]
            if top not in PACKAGES or (top == package and package != "streams"):
                continue
            where = f"{path.relative_to(root)}:{line}"
            if top != package and PACKAGES[top] >= PACKAGES[package]:
                arrows.append(f"{where}: {package} imports {target} ({top} is not below {package})")
            elif top == package == "streams" and wing is not None:
                other = _wing(target)
                if other is not None and WINGS[other] > WINGS[wing]:
                    arrows.append(f"{where}: streams/{wing} imports streams.{other} ({other} is above {wing})")
    return sorted(set(arrows))


def test_imports_only_go_down() -> None:
    arrows = _upward_arrows()
    assert not arrows, "imports that go up:\n" + "\n".join(arrows)


def test_the_check_sees_an_upward_arrow(tmp_path: Path) -> None:
    """The rule catches a wing importing the one above it, late or not (the test can fail)."""
    fake = tmp_path / "streams" / "wire" / "fake.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    from streams.theater import core\n", encoding="utf-8")
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "up.py").write_text("import playbooks.model\n", encoding="utf-8")
    assert _upward_arrows(tmp_path) == [
        "geo/up.py:1: geo imports playbooks.model (playbooks is not below geo)",
        "streams/wire/fake.py:2: streams/wire imports streams.theater (theater is above wire)",
    ]
