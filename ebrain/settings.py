"""Settings, read once by the composition root from CLI flags and EBRAIN_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8765
    theater: str = "jingjinji"
    boundaries: str = "tianditu"
    playbook_dir: Path = field(default_factory=lambda: PACKAGE_ROOT / "playbooks" / "files")
    fleet_seed: int = 7
    fleet_scale: float = 1.0
    queue_size: int = 10_000
    tokens_file: Path | None = None
    broker: str | None = None
    # live only (a worker fed by `ebrain clock`): the theater does not wait for a source partition not heard from
    # for this long, and holds its watermark this far behind the ticks (docs/operations.md, "Late and idle")
    idle_after_s: float | None = None
    lateness_s: float = 0.0
    kafka_credentials: Path | None = None  # a closed broker: this process's SASL/SCRAM credentials file (JSON)
    tick_key: Path | None = None  # live on a closed broker: the clock's key file (mode 600), clock and workers
    exercise: bool = False  # a run of a scenario file: public warnings go out as CAP <status>Exercise</status>

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env: dict[str, object] = {}
        if "EBRAIN_HOST" in os.environ:
            env["host"] = os.environ["EBRAIN_HOST"]
        if "EBRAIN_PORT" in os.environ:
            env["port"] = int(os.environ["EBRAIN_PORT"])
        if "EBRAIN_TOKENS_FILE" in os.environ:
            env["tokens_file"] = Path(os.environ["EBRAIN_TOKENS_FILE"])
        if "EBRAIN_KAFKA_CREDENTIALS" in os.environ:
            env["kafka_credentials"] = Path(os.environ["EBRAIN_KAFKA_CREDENTIALS"])
        if os.environ.get("EBRAIN_TICK_KEY"):  # set but empty: no key, as unset
            env["tick_key"] = Path(os.environ["EBRAIN_TICK_KEY"])
        if "EBRAIN_BROKER" in os.environ:
            env["broker"] = os.environ["EBRAIN_BROKER"]
        env.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**env)  # type: ignore[arg-type]
