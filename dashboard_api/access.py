"""Who is asking: bearer tokens, the command centre each belongs to, and the sharing policy they see under.

A token belongs to one centre: the joint centre, a province (110000/120000/130000) or a county command post
(its county adcode). Tokens come from a YAML/JSON file or the EBRAIN_TOKENS environment variable (JSON of the
same shape); `AccessPolicy.demo()` gives the demo set. Tokens are looked up by their SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import pydantic

from dashboard_api.masking import EvidenceMasker
from geo.datafiles import StrictModel, load_yaml_model
from geo.names import did_you_mean
from geo.regions import PROVINCES, RegionIndex
from streams.wire.classification import ClassificationPolicy

DATA_DIR = Path(str(resources.files("dashboard_api.data")))
ENV_VAR = "EBRAIN_TOKENS"
CentreKind = Literal["joint", "province", "county"]
PersonalRule = Literal["own", "all", "none"]
_COUNTY = re.compile(r"^\d{6}$")


class _Joint(StrictModel):
    code: str
    name: str
    name_en: str


class _ProvinceAlso(StrictModel):
    notified: bool
    responders_sent: bool


class _CountyAlso(StrictModel):
    spans_county: bool
    evidence_in_county: bool
    responders_sent: bool


class _PersonalDefault(StrictModel):
    joint: PersonalRule
    province: PersonalRule
    county: PersonalRule


class SharingPolicy(StrictModel):
    """dashboard_api/data/sharing.yaml: what one centre may see of another's incidents."""

    joint: _Joint
    province_also_sees: _ProvinceAlso
    county_also_sees: _CountyAlso
    responders: Literal["all"]
    personal_default: _PersonalDefault
    replay_control: list[CentreKind]

    @classmethod
    def load(cls, path: Path = DATA_DIR / "sharing.yaml") -> SharingPolicy:
        return load_yaml_model(cls, path)


@dataclass(frozen=True, slots=True)
class Centre:
    code: str  # "joint", a province adcode, or a county adcode
    kind: CentreKind
    province: str | None = None  # for a province or county centre
    county: str | None = None  # for a county command post


@dataclass(frozen=True, slots=True)
class Viewer:
    """An authenticated operator; everything they see passes through `dashboard_api.scoping.scope`."""

    name: str
    centre: Centre
    personal: PersonalRule
    can_control_replay: bool
    sharing: SharingPolicy = field(compare=False, repr=False)
    masker: EvidenceMasker = field(compare=False, repr=False)

    @property
    def view_key(self) -> tuple[str, str]:
        """Viewers with the same key see exactly the same data, so the feed encodes once per key."""
        return self.centre.code, self.personal

    def sees_personal_of(self, owner_province: str | None) -> bool:
        if self.personal == "all":
            return True
        return self.personal == "own" and owner_province is not None and self.centre.province == owner_province

    @property
    def masking_province(self) -> str | None:
        """The province the viewer counts as for the classification policy (None: outside every region)."""
        return self.centre.province if self.personal == "own" else None


class _TokenEntry(StrictModel):
    token: str = pydantic.Field(min_length=12)
    name: str = pydantic.Field(min_length=1, max_length=64)
    centre: str
    personal: PersonalRule | None = None
    replay: bool | None = None


class _TokenFile(StrictModel):
    tokens: list[_TokenEntry] = pydantic.Field(min_length=1)

    @pydantic.field_validator("tokens")
    @classmethod
    def _unique(cls, tokens: list[_TokenEntry]) -> list[_TokenEntry]:
        seen: dict[str, int] = {}
        for i, entry in enumerate(tokens):
            if entry.token in seen:
                raise ValueError(f"tokens {seen[entry.token]} and {i} ({entry.name}) have the same token")
            seen[entry.token] = i
        return tokens


def parse_centre(code: str, sharing: SharingPolicy) -> Centre:
    """A centre from its code; an unknown code is an error with a did-you-mean."""
    if code == sharing.joint.code:
        return Centre(code, "joint")
    if code in PROVINCES:
        return Centre(code, "province", province=code)
    if _COUNTY.match(code) and code[:2] + "0000" in PROVINCES:
        return Centre(code, "county", province=code[:2] + "0000", county=code)
    known = [sharing.joint.code, *PROVINCES]
    raise ValueError(
        f"centre {code!r} is not {sharing.joint.code!r}, a province ({', '.join(PROVINCES)}) "
        f"or a county adcode in one of them{did_you_mean(code, known)}"
    )


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


class AccessPolicy:
    """Token → Viewer. Build it with one of the constructors and pass it to `create_app`."""

    def __init__(self, entries: Iterable[tuple[str, Viewer]], sharing: SharingPolicy):
        self.sharing = sharing
        self._listing = tuple(entries)
        self._by_digest: Mapping[bytes, Viewer] = {_digest(tok): viewer for tok, viewer in self._listing}

    @classmethod
    def _build(
        cls, doc: _TokenFile, sharing: SharingPolicy | None, classification: ClassificationPolicy | None, where: str
    ) -> AccessPolicy:
        sharing = sharing or SharingPolicy.load()
        masker = EvidenceMasker(classification or ClassificationPolicy.load())
        entries = []
        for i, entry in enumerate(doc.tokens):
            try:
                centre = parse_centre(entry.centre, sharing)
            except ValueError as exc:
                raise ValueError(f"{where}: tokens.{i}.centre: {exc}") from None
            personal = entry.personal or getattr(sharing.personal_default, centre.kind)
            replay = entry.replay if entry.replay is not None else centre.kind in sharing.replay_control
            entries.append((entry.token, Viewer(entry.name, centre, personal, replay, sharing, masker)))
        return cls(entries, sharing)

    @classmethod
    def from_file(
        cls,
        path: Path | str,
        sharing: SharingPolicy | None = None,
        classification: ClassificationPolicy | None = None,
    ) -> AccessPolicy:
        """A YAML or JSON file `{tokens: [{token, name, centre, personal?, replay?}, ...]}`.

        `sharing` and `classification` default to the shipped policies (data/sharing.yaml and
        streams/data/classification.yaml).
        """
        path = Path(path)
        return cls._build(load_yaml_model(_TokenFile, path), sharing, classification, str(path))

    @classmethod
    def from_env(
        cls,
        var: str = ENV_VAR,
        environ: Mapping[str, str] | None = None,
        sharing: SharingPolicy | None = None,
        classification: ClassificationPolicy | None = None,
    ) -> AccessPolicy:
        """The same shape as the file, as JSON in an environment variable (a bare list of tokens also works)."""
        env = os.environ if environ is None else environ
        if var not in env:
            raise ValueError(f'{var} is not set; give it as JSON: {{"tokens": [{{"token": …}}]}}')
        try:
            data = json.loads(env[var])
        except json.JSONDecodeError as exc:
            raise ValueError(f"{var}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
        if isinstance(data, list):
            data = {"tokens": data}
        try:
            doc = _TokenFile.model_validate(data)
        except pydantic.ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "(top)"
            raise ValueError(f"{var}: {where}: {err['msg']}") from None
        return cls._build(doc, sharing, classification, var)

    @classmethod
    def demo(
        cls, sharing: SharingPolicy | None = None, classification: ClassificationPolicy | None = None
    ) -> AccessPolicy:
        """The demo set: joint, the three provinces and one county (三河市); see data/demo_tokens.yaml."""
        return cls.from_file(DATA_DIR / "demo_tokens.yaml", sharing, classification)

    def authenticate(self, token: str | None) -> Viewer | None:
        if not token:
            return None
        return self._by_digest.get(_digest(token))

    def listing(self) -> list[dict[str, str]]:
        """Token, operator name and centre of each entry, for the caller to print (e.g. the demo's tokens)."""
        return [{"token": tok, "name": v.name, "centre": v.centre.code} for tok, v in self._listing]

    def check(self, regions: RegionIndex) -> None:
        """Every county command post must name a county unit of the theater."""
        codes = {u.adcode for u in regions.units}
        for _, viewer in self._listing:
            county = viewer.centre.county
            if county is not None and county not in codes:
                raise ValueError(
                    f"token of {viewer.name!r}: centre {county!r} is not a county unit{did_you_mean(county, codes)}"
                )

    def centre_name(self, centre: Centre, regions: RegionIndex, english: bool = False) -> str:
        if centre.kind == "joint":
            return self.sharing.joint.name_en if english else self.sharing.joint.name
        if centre.kind == "province":
            return PROVINCES[centre.code]
        return regions.unit(centre.code).name
