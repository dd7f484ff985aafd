"""The product's source read as text, for the tests of the house rules (layers, docstrings, kits): never imported,
only parsed, so a check sees a late import inside a function as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path


def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import of the module, also one inside a function; a `from a import b` gives
    both `a` and `a.b`, since `from streams import fusion` names a wing as much as `import streams.fusion` does."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found
