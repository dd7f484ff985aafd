"""The house rules a reader can check without running the product: every product module opens with a docstring
saying its concept and rule; no test module imports another test module (shared helpers live in a kit module:
`*_kit.py`, `kit.py`, `streams/testing.py`, `ebrain/kafka_kit.py`); nothing in `bench/` imports `tests/`."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from tests.source_kit import imports, parsed

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("ebrain", "scenarios", "dashboard_api", "streams", "playbooks", "geo")


def _is_test_module(name: str) -> bool:
    return name.startswith("tests.") and any(part.startswith("test_") for part in name.split(".")[1:])


def _is_tests(name: str) -> bool:
    return name == "tests" or name.startswith("tests.")


def _imports_of(folder: Path, forbidden: Callable[[str], bool], root: Path = ROOT) -> list[str]:
    """Every import of a module below `folder` that `forbidden` names, as `file:line: module` (once a line)."""
    found = {
        f"{path.relative_to(root)}:{line}": name
        for path in sorted(folder.rglob("*.py"))
        for line, name in reversed(imports(path))
        if forbidden(name)
    }
    return [f"{where}: {name}" for where, name in sorted(found.items())]


def test_every_product_module_has_a_docstring() -> None:
    bare = [
        str(path.relative_to(ROOT))
        for pkg in PRODUCT
        for path in sorted((ROOT / pkg).rglob("*.py"))
        if not ast.get_docstring(parsed(path))
    ]
    assert bare == [], "a module says its concept and rule in its docstring"


def test_no_test_module_imports_another_test_module() -> None:
    assert _imports_of(ROOT / "tests", _is_test_module) == [], "move what tests share into a kit module"


def test_nothing_in_bench_imports_tests() -> None:
    assert _imports_of(ROOT / "bench", _is_tests) == []


def test_the_checks_see_a_test_module_imported_late(tmp_path: Path) -> None:
    """A test module imported inside a function is found (the test can fail); a kit module is not."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text(
        "from tests.b_kit import x\n\ndef test_a():\n    from tests.c.test_d import y\n", encoding="utf-8"
    )
    assert _imports_of(tmp_path / "tests", _is_test_module, tmp_path) == ["tests/test_a.py:4: tests.c.test_d"]
