"""Who owns a 12345 call fused into an incident, as data (`streams/data/work_orders.yaml`): the agency kind per
topic, the capability whose tasks are that agency's part, and the province-wide bodies that replace a county's
own. Checked on load; errors name the file and line."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pydantic

from geo.datafiles import StrictModel, load_yaml_model

DATA = Path(str(resources.files("streams"))) / "data" / "work_orders.yaml"


class AgencyKind(StrictModel):
    capability: str | None = None


class WorkOrderRules(StrictModel):
    agencies: dict[str, AgencyKind]
    topics: dict[str, str]
    provinces: dict[str, dict[str, str]] = pydantic.Field(default_factory=dict)

    @pydantic.model_validator(mode="after")
    def _known(self) -> WorkOrderRules:
        for topic, kind in self.topics.items():
            if kind not in self.agencies:
                raise ValueError(f"topics.{topic}: {kind!r} is not one of the agencies {sorted(self.agencies)}")
        if "other" not in self.topics:
            raise ValueError("topics: 'other' is required (the owner of a call no other topic names)")
        for province, bodies in self.provinces.items():
            for kind in bodies:
                if kind not in self.agencies:
                    raise ValueError(f"provinces.{province}.{kind}: not one of the agencies {sorted(self.agencies)}")
        return self

    def owner(self, topic: str, province: str) -> tuple[str, str, str]:
        """(agency kind, province-wide body id or "", capability or "") for a call's first topic."""
        kind = self.topics.get(topic) or self.topics["other"]
        body = self.provinces.get(province, {}).get(kind, "")
        return kind, body, self.agencies[kind].capability or ""


def load_work_order_rules(path: Path = DATA) -> WorkOrderRules:
    return load_yaml_model(WorkOrderRules, path)
