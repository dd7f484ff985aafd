"""Recovery work as data (`playbooks/data/recovery.yaml`): the kinds of work a playbook may assign to an agency in
recovery, and the kind of agency that owns each. Rule: a playbook names the work only; who does it follows from
the work (here) and the incident's place (the theater's agency bodies, streams/data/work_orders.yaml)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from geo.datafiles import StrictModel, load_yaml_model

DATA = Path(str(resources.files("playbooks"))) / "data" / "recovery.yaml"


class RecoveryWork(StrictModel):
    work: dict[str, str]  # work kind → agency kind


def load_recovery_work(path: Path = DATA) -> dict[str, str]:
    return dict(load_yaml_model(RecoveryWork, path).work)
