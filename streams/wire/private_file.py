"""A secret kept in a file only its owner may read (credentials, the clock's tick key).

A secret is named by a setting and read from its file, never given on a command line, where any process listing
shows it. A file that its group or others may read is refused with the `chmod 600` that fixes it.
"""

from __future__ import annotations

import stat
from pathlib import Path


def read_private(path: Path, what: str, error: type[ValueError] = ValueError) -> str:
    """The text of `path`, a `what` (e.g. "Kafka credentials file"); raises `error` naming the file and the fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read the {what}: {exc.strerror}") from exc
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise error(f"{path}: the {what} is readable by others (mode {stat.filemode(mode)}); run `chmod 600 {path}`")
    return text
