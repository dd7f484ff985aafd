"""Loss statistics (损失统计): each agency's latest figures for its part of an incident, combined per county without
counting the same people twice, summed over counties per incident and per region (the reporting agency's province).

A loss report is cumulative for the agency that sends it, as county figures are in the national disaster
statistics: a later report of the same agency for the same county replaces its earlier one. Within one county,
several agencies see the same people and houses (the fire brigade and the emergency bureau both count the dead of
one blast), so each count of people and houses is the highest any agency of that county reports, never their
sum; the direct economic loss is each department's own sector's loss (housing, roads, vehicles), so it adds up.
Counties add up: each reports its own part, as county figures are summed in the national statistics.
The playbooks grade the incident on the sums (playbooks/files/base.yaml: deaths, injured, direct loss; the
highest criterion wins), so the loss signal the lifecycle sees carries the incident's totals, not one agency's.
Every change is a `losses` delta with the totals and their split by region.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from playbooks.evidence import Signal
from playbooks.incident import Incident
from streams.theater.state import Emitter, TheaterState
from streams.wire.contract import LOSS_FIGURES


@dataclass(frozen=True, slots=True)
class LossTotals:
    """An incident's summed loss figures, and the same by region (province adcode)."""

    incident_id: str
    province: str  # the incident's owning province
    deaths: int
    injured: int
    missing: int
    relocated: int
    houses_damaged: int
    direct_loss_cny: int
    by_province: tuple[tuple[str, tuple[int, ...]], ...]  # (province, figures in LOSS_FIGURES order)
    agencies: int  # how many agencies' reports the sums hold
    signal_id: str  # the report that changed them


def figures_of(signal: Signal) -> tuple[int, ...]:
    """The report's figures in LOSS_FIGURES order (a figure that is not a count reads as 0)."""
    out = []
    for name in LOSS_FIGURES:
        try:
            out.append(max(0, int(signal.attr(name, "0") or 0)))
        except ValueError:
            out.append(0)
    return tuple(out)


def record(state: TheaterState, incident: Incident, signal: Signal, out: Emitter) -> Signal:
    """Keep the agency's figures for `incident`; emit the new sums; return the signal carrying the sums."""
    province = signal.attr("reporting_province") or signal.province
    reports = state.losses.setdefault(incident.id, {})
    reports[f"{province}/{signal.adcode}/{signal.attr('agency')}"] = figures_of(signal)
    totals = combine(reports)
    state.loss_totals[incident.id] = totals
    state.dirty.add(("meta", "losses"))
    regions: dict[str, dict[str, tuple[int, ...]]] = {}
    for key, figures in reports.items():
        regions.setdefault(key.split("/", 1)[0], {})[key] = figures
    by_province = tuple((p, combine(regions[p])) for p in sorted(regions))
    summary = LossTotals(
        incident_id=incident.id,
        province=incident.province,
        **named(totals),
        by_province=by_province,
        agencies=len(reports),
        signal_id=signal.signal_id,
    )
    out.emit("losses", incident.id, summary)
    attrs = tuple((k, v) for k, v in signal.attrs if k not in LOSS_FIGURES)
    summed = tuple((name, str(value)) for name, value in zip(LOSS_FIGURES, totals, strict=True))
    return replace(signal, value=float(totals[0]), attrs=(*attrs, *summed))


def named(figures: tuple[int, ...]) -> dict[str, int]:
    """Figures in LOSS_FIGURES order by their names, the fields of every record that carries them."""
    return dict(zip(LOSS_FIGURES, figures, strict=True))


_ADDED_BY_AGENCY = frozenset({LOSS_FIGURES.index("direct_loss_cny")})  # each department's own sector's loss


def combine(reports: dict[str, tuple[int, ...]]) -> tuple[int, ...]:
    """The incident's figures from each agency's latest report, keyed `<province>/<county>/<agency>`: per county the
    highest count of people and houses any agency gives and the sum of the agencies' losses; summed over counties.
    (A key of the older form `<province>/<agency>` is its own county.)"""
    counties: dict[str, list[tuple[int, ...]]] = {}
    for key, figures in reports.items():
        parts = key.split("/")
        counties.setdefault(parts[1] if len(parts) == 3 else key, []).append(figures)
    per_county = (
        tuple(
            sum(row[i] for row in rows) if i in _ADDED_BY_AGENCY else max(row[i] for row in rows)
            for i in range(len(LOSS_FIGURES))
        )
        for rows in counties.values()
    )
    return _sum(per_county)


def _sum(rows: Iterable[tuple[int, ...]]) -> tuple[int, ...]:
    totals = [0] * len(LOSS_FIGURES)
    for row in rows:
        for i, value in enumerate(row):
            totals[i] += value
    return tuple(totals)
