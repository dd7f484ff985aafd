"""The mutual-aid agreement table (``geo/data/mutual_aid.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pydantic

from geo.datafiles import DATA_DIR, StrictModel, load_yaml_model
from geo.names import did_you_mean
from geo.regions import PROVINCES
from geo.stockpiles import ITEMS, SHELTER_PLACES

SUPPLIES = frozenset({*ITEMS, SHELTER_PLACES})


class _Agreement(StrictModel):
    lender: str
    borrower: str
    capabilities: list[str]
    approval: list[str] = pydantic.Field(default_factory=list)
    auto_accept: list[str] = pydantic.Field(default_factory=list)
    auto_accept_up_to: int | None = pydantic.Field(default=None, ge=1)  # units per request lent at once; more: asked
    # supplies and shelter places lent (geo/supplies.py), and which of them need approval or are lent at once
    supplies: list[str] = pydantic.Field(default_factory=list)
    supplies_approval: list[str] = pydantic.Field(default_factory=list)
    supplies_auto_accept: list[str] = pydantic.Field(default_factory=list)


class _Deadlines(StrictModel):
    offer_within_s: int
    commit_within_s: int


class _AgreementFile(StrictModel):
    agreements: list[_Agreement]
    deadlines: _Deadlines


@dataclass(frozen=True)
class Agreements:
    lends: dict[tuple[str, str], frozenset[str]]  # (lender, borrower) → capabilities
    approval: dict[tuple[str, str], frozenset[str]]  # (lender, borrower) → capabilities needing approval
    offer_within_ms: int
    commit_within_ms: int
    # (lender, borrower) → capabilities lent at once: the exchange is offered and committed when asked
    auto_accept: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    # (lender, borrower) → how many units of one request the standing authorisation lends (none: all asked for)
    auto_up_to: dict[tuple[str, str], int] = field(default_factory=dict)

    def lenders_of(self, borrower: str, capability: str) -> frozenset[str]:
        return frozenset(lender for (lender, b), caps in self.lends.items() if b == borrower and capability in caps)

    def lends_to(self, lender: str, borrower: str, capability: str) -> bool:
        return capability in self.lends.get((lender, borrower), frozenset())

    def needs_approval(self, lender: str, borrower: str, capability: str) -> bool:
        return capability in self.approval.get((lender, borrower), frozenset())

    def auto_accepts(self, lender: str, borrower: str, capability: str) -> bool:
        """A standing authorisation: the lender offers the units dispatch ranked and the borrower commits
        them at once; for a capability that needs approval, the agreement itself is the approval."""
        return capability in self.auto_accept.get((lender, borrower), frozenset())

    def auto_limit(self, lender: str, borrower: str) -> int | None:
        """How many units of one request the standing authorisation lends at once (None: as many as asked)."""
        return self.auto_up_to.get((lender, borrower))


def load_agreements(
    path: Path = DATA_DIR / "mutual_aid.yaml", capabilities: frozenset[str] | None = None
) -> Agreements:
    raw = load_yaml_model(_AgreementFile, path)
    lends: dict[tuple[str, str], frozenset[str]] = {}
    approval: dict[tuple[str, str], frozenset[str]] = {}
    auto: dict[tuple[str, str], frozenset[str]] = {}
    up_to: dict[tuple[str, str], int] = {}
    for n, a in enumerate(raw.agreements):
        where = f"{path}: agreements[{n}]"
        for role, code in (("lender", a.lender), ("borrower", a.borrower)):
            if code not in PROVINCES:
                raise ValueError(f"{where}: {role}={code!r} is not a province{did_you_mean(code, PROVINCES)}")
        if a.lender == a.borrower:
            raise ValueError(f"{where}: a province does not lend to itself ({a.lender})")
        for cap in (*a.capabilities, *a.approval, *a.auto_accept):
            if capabilities is not None and cap not in capabilities:
                raise ValueError(f"{where}: capability {cap!r} is unknown{did_you_mean(cap, capabilities)}")
        extra = set(a.approval) - set(a.capabilities)
        if extra:
            raise ValueError(f"{where}: approval lists {sorted(extra)} that are not lent")
        extra = set(a.auto_accept) - set(a.capabilities)
        if extra:
            raise ValueError(f"{where}: auto_accept lists {sorted(extra)} that are not lent")
        for item in (*a.supplies, *a.supplies_approval, *a.supplies_auto_accept):
            if item not in SUPPLIES:
                raise ValueError(f"{where}: supply {item!r} is unknown{did_you_mean(item, SUPPLIES)}")
        for name, listed in (
            ("supplies_approval", a.supplies_approval),
            ("supplies_auto_accept", a.supplies_auto_accept),
        ):
            extra = set(listed) - set(a.supplies)
            if extra:
                raise ValueError(f"{where}: {name} lists {sorted(extra)} that are not lent")
        if (a.lender, a.borrower) in lends:
            raise ValueError(f"{where}: a second agreement for lender {a.lender} and borrower {a.borrower}")
        # supply items and responder capabilities share the tables: their names differ (boats, boat)
        lends[(a.lender, a.borrower)] = frozenset(a.capabilities) | frozenset(a.supplies)
        approval[(a.lender, a.borrower)] = frozenset(a.approval) | frozenset(a.supplies_approval)
        auto[(a.lender, a.borrower)] = frozenset(a.auto_accept) | frozenset(a.supplies_auto_accept)
        if a.auto_accept_up_to is not None:
            up_to[(a.lender, a.borrower)] = a.auto_accept_up_to
    deadlines = raw.deadlines
    return Agreements(lends, approval, deadlines.offer_within_s * 1000, deadlines.commit_within_s * 1000, auto, up_to)
