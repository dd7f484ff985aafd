"""The house rules a reader can check without running the product: every product module opens with a docstring
saying its concept and rule; no test module imports another test module (shared helpers live in a kit module:
`*_kit.py`, `kit.py`, `streams/testing.py`, `ebrain/kafka_kit.py`); nothing in `bench/` imports `tests/`."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("ebrain", "scenarios", "dashboard_api", "streams", "playbooks", "geo")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imported(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, dotted module) of every import, also one inside a function, and each name of a `from … import`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def test_every_product_module_has_a_docstring() -> None:
    bare = [
        str(path.relative_to(ROOT))
        for pkg in PRODUCT
        for path in sorted((ROOT / pkg).rglob("*.py"))
        if not ast.get_docstring(_tree(path))
    ]
    assert bare == [], "a module says its concept and rule in its docstring"


def test_no_test_module_imports_another_test_module() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for line, name in _imported(_tree(path))
        if name.startswith("tests.") and any(part.startswith("test_") for part in name.split(".")[1:])
    ]
    assert found == [], "move what tests share into a kit module"


def test_nothing_in_bench_imports_tests() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sorted((ROOT / "bench").rglob("*.py"))
        for line, name in _imported(_tree(path))
        if name == "tests" or name.startswith("tests.")
    ]
    assert found == []
