"""The rules of reporting upward as data (`streams/data/reporting.yaml`): which grades are reported, to whom, and the
deadlines per region (first report written and by phone, follow-ups, the final report). Checked on load; errors
name the file and line."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import pydantic

from geo.datafiles import StrictModel, load_yaml_model
from geo.names import did_you_mean
from playbooks.incident import EVENT_GRADES

DATA = Path(str(resources.files("streams"))) / "data" / "reporting.yaml"
Recipient = Literal["city", "province", "state_council"]


class RegionRule(StrictModel):
    written_min: int = pydantic.Field(gt=0)
    phone_min: int | None = pydantic.Field(default=None, gt=0)
    phone_from_grade: str | None = None
    followup_min: int = pydantic.Field(gt=0)
    final_min: int = pydantic.Field(gt=0)

    @pydantic.field_validator("phone_from_grade")
    @classmethod
    def _grade(cls, value: str | None) -> str | None:
        if value is not None and value not in EVENT_GRADES:
            raise ValueError(f"{value!r} is not one of {list(EVENT_GRADES)}{did_you_mean(value, EVENT_GRADES)}")
        return value


class ReportingRules(StrictModel):
    reportable_grades: list[str]
    recipients: dict[str, Recipient]
    regions: dict[str, RegionRule]

    @pydantic.model_validator(mode="after")
    def _complete(self) -> ReportingRules:
        for grade in (*self.reportable_grades, *self.recipients):
            if grade not in EVENT_GRADES:
                raise ValueError(
                    f"grade {grade!r} is not one of {list(EVENT_GRADES)}{did_you_mean(grade, EVENT_GRADES)}"
                )
        missing = [g for g in self.reportable_grades if g not in self.recipients]
        if missing:
            raise ValueError(f"recipients: no recipient for the reportable grades {missing}")
        if "default" not in self.regions:
            raise ValueError("regions: a 'default' entry is required for provinces not listed")
        return self

    def region(self, province: str) -> RegionRule:
        return self.regions.get(province) or self.regions["default"]


def load_reporting_rules(path: Path = DATA) -> ReportingRules:
    return load_yaml_model(ReportingRules, path)
