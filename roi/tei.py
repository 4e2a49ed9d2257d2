"""The case as a Forrester Total Economic Impact (TEI) table: its own monthly flows summed into TEI's years.

TEI tables have a column "Initial" (the decision date) and one per year; each row is a benefit or a cost,
risk-adjusted, with its total and its present value. Here Initial is month 0 and Year n holds months
12(n - 1) + 1 .. 12n, and the present value is the model's own (each month discounted at the monthly rate that
compounds to the annual one), so the table's NPV is the case's NPV to the cent. Rows: benefits by stream and by line
of the user's own, costs by area and kind and by line; amounts as the model counts them (risk adjustment, ramp,
growth and schedules in).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from roi import finance
from roi.model import Array, Result, cash_flows, likely_values
from roi.scenario import AREA_LABELS, AREAS, STREAM_LABELS, STREAMS

COST_KINDS = {"one_time": "one-time", "staff": "staff time", "recurring": "recurring"}


@dataclass(frozen=True)
class TeiRow:
    """One row: its label, whether it is a benefit, a cost or a total, and its amounts (a cost positive)."""

    label: str
    kind: str  # "benefit", "cost", "total benefits", "total costs" or "net"
    area: str  # the area a cost row belongs to ("" for a stream, a line or a total)
    by_year: tuple[float, ...]  # Initial, Year 1, ... Year N
    total: float
    present_value: float


@dataclass(frozen=True)
class TeiView:
    years: int  # N: the horizon's plan years
    rows: tuple[TeiRow, ...]

    @property
    def npv_usd(self) -> float:
        return self.rows[-1].present_value


def tei_years(monthly: Array) -> Array:
    """Monthly amounts (months 0..H) summed into TEI's Initial (month 0) and Years 1..N (months 12(n-1)+1..12n)."""
    values = np.asarray(monthly, dtype=np.float64)
    edges = [0, *range(1, values.shape[-1], 12)]
    return np.asarray(np.add.reduceat(values, edges, axis=-1), dtype=np.float64)


def tei_view(result: Result) -> TeiView:
    """The case's flows within the horizon as TEI rows (benefits, costs, totals and net), each with its PV."""
    scenario, table = result.scenario, result.horizon_monthly
    horizon = scenario.finance.horizon_months
    factors = finance.discount_factors(finance.monthly_rate(result.summary.discount_rate), horizon + 1)
    flows = cash_flows(scenario, likely_values(scenario))
    line_rows = flows.line_rows_usd()

    def row(label: str, kind: str, monthly: Array, area: str = "") -> TeiRow:
        amounts = np.asarray(monthly[: horizon + 1], dtype=np.float64)
        years = tei_years(amounts) + 0.0
        total, pv = float(amounts.sum()), float(amounts @ factors)
        return TeiRow(label, kind, area, tuple(float(x) for x in years), total, pv)

    streams = [row(STREAM_LABELS[s], "benefit", table[f"{s}_usd"].to_numpy()) for s in STREAMS]
    benefits = [r for r in streams if any(r.by_year)]  # a stream the case leaves out is no row
    costs = []
    for area in AREAS:
        for kind, words in COST_KINDS.items():
            monthly = flows.cost_row_usd(area, kind)
            if monthly[: horizon + 1].any():
                costs.append(row(f"{AREA_LABELS[area]}: {words}", "cost", monthly, area))
    for i, line in enumerate(scenario.lines):
        monthly = line_rows.get(i, np.zeros(flows.months.size))
        if line.is_benefit:
            benefits.append(row(line.name, "benefit", monthly))
        else:
            costs.append(row(line.name, "cost", -monthly))
    total_benefits = _sum("Total benefits", "total benefits", benefits)
    total_costs = _sum("Total costs", "total costs", costs)
    net = TeiRow(
        "Net benefits",
        "net",
        "",
        tuple(b - c for b, c in zip(total_benefits.by_year, total_costs.by_year, strict=True)),
        total_benefits.total - total_costs.total,
        total_benefits.present_value - total_costs.present_value,
    )
    return TeiView(len(total_benefits.by_year) - 1, (*benefits, total_benefits, *costs, total_costs, net))


#: The most rows (totals in) the brief view keeps.
BRIEF_ROWS = 9


def brief(view: TeiView) -> tuple[TeiView, int]:
    """The view for a slide: each area's costs on one row and, past BRIEF_ROWS rows, the largest by present value
    with the totals. Also how many rows (totals left out) the full view has."""
    rows: list[TeiRow] = []
    for r in view.rows:
        if r.kind == "cost" and r.area:
            if any(x.kind == "cost" and x.area == r.area for x in rows):
                continue
            rows.append(
                _sum(AREA_LABELS[r.area], "cost", [x for x in view.rows if x.kind == "cost" and x.area == r.area])
            )
            rows[-1] = TeiRow(rows[-1].label, "cost", r.area, rows[-1].by_year, rows[-1].total, rows[-1].present_value)
        else:
            rows.append(r)
    body = [r for r in rows if r.kind in ("benefit", "cost")]
    if len(rows) > BRIEF_ROWS:
        keep = sorted(body, key=lambda r: abs(r.present_value), reverse=True)[: BRIEF_ROWS - (len(rows) - len(body))]
        rows = [r for r in rows if r in keep or r.kind not in ("benefit", "cost")]
    return TeiView(view.years, tuple(rows)), len(body)


def _sum(label: str, kind: str, rows: list[TeiRow]) -> TeiRow:
    years = len(rows[0].by_year) if rows else 0
    return TeiRow(
        label,
        kind,
        "",
        tuple(float(sum(r.by_year[i] for r in rows)) for i in range(years)),
        float(sum(r.total for r in rows)),
        float(sum(r.present_value for r in rows)),
    )
