"""The model of docs/method.md: inputs -> monthly cash flows (roi.flows) -> metrics (roi.metrics) -> one frozen
summary of a scenario (`evaluate`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from roi import finance
from roi import inputs as vk
from roi.flows import (
    Array,
    Flows,
    Values,
    cash_flows,
    draw_count,
    likely_values,
    ranged_share_streams,
    risk_factor,
    row_of,
)
from roi.metrics import CHUNK_CELLS, Metrics, area_npvs, chunked_metrics, flow_chunks, metrics
from roi.scenario import AREAS, STREAMS, Scenario, likely

__all__ = [
    "CHUNK_CELLS",
    "Array",
    "Flows",
    "Metrics",
    "Values",
    "area_npvs",
    "cash_flows",
    "chunked_metrics",
    "draw_count",
    "flow_chunks",
    "likely_values",
    "metrics",
    "ranged_share_streams",
    "risk_factor",
]


def _opt(x: Any) -> float | None:
    value = float(x)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class AreaSummary:
    """One spend area alone: its own flows (as if it were the only one funded) and whether the plan includes it."""

    included: bool
    go_live_month: float
    investment_usd: float
    npv_usd: float
    payback_months: float | None
    roi: float | None
    monthly_benefit_usd: float
    pv_benefits_usd: float
    pv_costs_usd: float
    cash_npv_usd: float
    cash_payback_months: float | None
    engineer_hours_freed_per_month: float
    npv_with_continuing_value_usd: float
    continuing_value_usd: float


@dataclass(frozen=True)
class Summary:
    """The headline figures of one scenario; the keys of `roi summary --json`. None where undefined."""

    scenario: str
    horizon_months: int
    failed_merges_per_month: float
    monthly_waste_usd: float
    monthly_benefit_usd: float
    benefit_by_stream_usd: dict[str, float]
    one_time_cost_usd: float
    staff_cost_usd: float
    upfront_investment_usd: float
    annual_recurring_cost_usd: float
    pv_costs_usd: float
    delivery_to_ai_ratio: float | None
    delivery_to_ai_ratio_incl_staff: float | None
    annual_delivery_to_ai_ratio: float | None
    payback_months: float | None
    discounted_payback_months: float | None
    cumulative_zero_crossings: int
    npv_usd: float
    irr_annual: float | None
    roi: float | None
    peak_funding_usd: float
    first_year_cost_usd: float
    areas: dict[str, AreaSummary]
    pv_benefits_usd: float
    cash_npv_usd: float
    cash_payback_months: float | None
    engineer_hours_freed_per_month: float
    engineers_freed: float
    share_of_team_freed: float | None
    continuing_months: int
    continuing_value_usd: float
    npv_with_continuing_value_usd: float
    nothing_within_horizon: bool
    irr_not_unique: bool
    discount_rate: float  # the annual rate the NPV is discounted at (the likely one, where it is a range)
    lines: list[dict[str, Any]]  # {name, type, nature, pv_usd}: each line of the user's own, PV over the horizon
    include_staff_cost: bool = field(default=True)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in self.__dict__.items():
            if k == "areas":
                out[k] = {a: dict(area.__dict__) for a, area in v.items()}
            elif k == "lines":
                out[k] = [dict(line) for line in v]
            else:
                out[k] = dict(v) if isinstance(v, dict) else v
        return out


MONTHLY_COLUMNS = (
    "month",
    "growth_factor",
    *(f"live_{a}" for a in AREAS),
    "merges_usd",
    "builds_usd",
    "incidents_usd",
    "lead_time_usd",
    "benefit_usd",
    "one_time_usd",
    "staff_usd",
    "recurring_usd",
    "net_flow_usd",
    "cumulative_usd",
    "discount_factor",
    "discounted_flow_usd",
    "cumulative_discounted_usd",
    "baseline_waste_usd",
    "line_costs_usd",
    "time_cost_usd",
    "time_flow_usd",
    "cash_flow_usd",
    "cumulative_cash_usd",
    "within_horizon",
)


@dataclass(frozen=True)
class Result:
    """Everything `evaluate` computes for one scenario: the monthly table and the summary."""

    scenario: Scenario
    monthly: pd.DataFrame  # months 0..H, then the continuing months (within_horizon 0)
    summary: Summary

    @property
    def horizon_monthly(self) -> pd.DataFrame:
        """The monthly table within the horizon, months 0..H: what every figure but the continuing value reads."""
        return self.monthly[self.monthly["within_horizon"] == 1]


def with_each_area_alone(values: Mapping[str, Any]) -> dict[str, Any]:
    """Five rows of input values: the plan as given, then each area included alone (whatever the file says)."""
    out = dict(values)
    for i, area in enumerate(AREAS):
        alone = np.eye(len(AREAS))[i]
        out[vk.include(area)] = np.concatenate([[float(values[vk.include(area)])], alone])
    out[vk.LINES_PLAN] = np.array([1.0, 0.0, 0.0, 0.0, 0.0])  # a line of the whole plan counts in no area alone
    return out


def summarize(scenario: Scenario, flows: Flows, m: Metrics, values: Mapping[str, Any]) -> Summary:
    """The summary from flows of five rows (the plan, then each area alone: `with_each_area_alone`).

    Month-1 figures at full ramp, for the included areas; each area's figures are its own flows.
    """
    live = {a: float(values[vk.include(a)]) for a in AREAS}

    def delivered(table: dict[str, Array], stream: str, areas: Mapping[str, float]) -> float:
        return float(table[stream][0]) * sum(
            w * float(flows.share_delivered[f"{a}.{stream}"].reshape(-1)[0]) for a, w in areas.items()
        )

    by_stream = {s: delivered(flows.full_stream_usd, s, live) for s in STREAMS}
    hours = sum(delivered(flows.hours_freed, s, live) for s in STREAMS)
    per_engineer = scenario.team.hours_per_engineer_quarter
    engineer_month_hours = likely(per_engineer) / 3
    engineers_freed = hours / engineer_month_hours if engineer_month_hours > 0 else 0.0
    staff_counted = scenario.finance.include_staff_cost
    upfront = flows.upfront_investment_usd
    areas = {
        area: AreaSummary(
            included=bool(live[area]),
            go_live_month=float(values[vk.start_month(area)]) + float(values[vk.build_months(area)]),
            investment_usd=float(upfront[i]),
            npv_usd=float(m.npv_usd[i]),
            payback_months=_opt(m.payback_months[i]),
            roi=_opt(m.roi[i]),
            monthly_benefit_usd=float(flows.area_benefit_usd[area][i]),
            pv_benefits_usd=float(m.pv_benefits_usd[i]),
            pv_costs_usd=float(m.pv_costs_usd[i]),
            cash_npv_usd=float(m.cash_npv_usd[i]),
            cash_payback_months=_opt(m.cash_payback_months[i]),
            engineer_hours_freed_per_month=sum(delivered(flows.hours_freed, s, {area: 1.0}) for s in STREAMS),
            npv_with_continuing_value_usd=float(m.npv_with_continuing_value_usd[i]),
            continuing_value_usd=float(m.continuing_value_usd[i]),
        )
        for i, area in enumerate(AREAS, start=1)
    }
    engineers = scenario.team.engineers
    factors = flows.horizon(
        finance.discount_factors(finance.monthly_rate(row_of(flows.annual_discount_rate, 0)[0]), flows.months.size)
    )
    line_rows = flows.line_rows_usd() if scenario.lines else {}
    rows = [line_rows[i] for i in range(len(scenario.lines))]
    pv_usd = flows.horizon(np.array(rows)) @ factors if rows else np.zeros(0)  # one product for every line
    lines = [
        {"name": line.name, "type": line.type, "nature": line.nature, "pv_usd": float(pv)}
        for line, pv in zip(scenario.lines, pv_usd, strict=True)
    ]
    return Summary(
        scenario=scenario.name,
        horizon_months=scenario.finance.horizon_months,
        failed_merges_per_month=float(flows.failed_merges_per_month[0]),
        monthly_waste_usd=float(flows.waste_monthly_usd[0]),
        monthly_benefit_usd=float(sum(by_stream.values())),
        benefit_by_stream_usd=by_stream,
        one_time_cost_usd=float(flows.one_time_cost_usd[0]),
        staff_cost_usd=float(flows.staff_cost_usd[0]),
        upfront_investment_usd=float(upfront[0]),
        annual_recurring_cost_usd=float(flows.annual_recurring_cost_usd[0]),
        pv_costs_usd=float(m.pv_costs_usd[0]),
        delivery_to_ai_ratio=_opt(m.delivery_to_ai_ratio[0]),
        delivery_to_ai_ratio_incl_staff=_opt(m.delivery_to_ai_ratio_incl_staff[0]),
        annual_delivery_to_ai_ratio=_opt(m.annual_delivery_to_ai_ratio[0]),
        payback_months=_opt(m.payback_months[0]),
        discounted_payback_months=_opt(m.discounted_payback_months[0]),
        cumulative_zero_crossings=int(m.cumulative_zero_crossings[0]),
        npv_usd=float(m.npv_usd[0]),
        irr_annual=_opt(m.irr_annual[0]),
        roi=_opt(m.roi[0]),
        peak_funding_usd=float(m.peak_funding_usd[0]),
        first_year_cost_usd=float(m.first_year_cost_usd[0]),
        areas=areas,
        pv_benefits_usd=float(m.pv_benefits_usd[0]),
        cash_npv_usd=float(m.cash_npv_usd[0]),
        cash_payback_months=_opt(m.cash_payback_months[0]),
        engineer_hours_freed_per_month=float(hours),
        engineers_freed=float(engineers_freed),
        share_of_team_freed=None if engineers is None else float(engineers_freed / engineers),
        continuing_months=scenario.finance.continuing_months,
        continuing_value_usd=float(m.continuing_value_usd[0]),
        npv_with_continuing_value_usd=float(m.npv_with_continuing_value_usd[0]),
        nothing_within_horizon=bool(m.nothing_within_horizon[0]),
        irr_not_unique=bool(m.irr_not_unique[0]),
        discount_rate=float(row_of(flows.annual_discount_rate, 0)[0]),
        lines=lines,
        include_staff_cost=staff_counted,
    )


def monthly_table(scenario: Scenario, flows: Flows, row: int = 0) -> pd.DataFrame:
    """The monthly cash-flow table of one draw: each area's live share, every stream, costs (negative), flows, and the
    flows' engineer-time and cash parts; months 0..H, then the continuing months."""
    d = finance.monthly_rate(row_of(flows.annual_discount_rate, row)[0])
    net = flows.net_flow_usd[row]
    factors = finance.discount_factors(d, net.size)
    columns: dict[str, Array] = {"month": flows.months, "growth_factor": flows.growth_row(row)}
    for area in AREAS:
        columns[f"live_{area}"] = row_of(flows.live_share[area], row)
    for name in STREAMS:
        columns[f"{name}_usd"] = flows.stream_row_usd(name, row)
    columns.update(
        benefit_usd=flows.benefit_usd[row],
        one_time_usd=-flows.one_time_flow_usd[row],
        staff_usd=-flows.staff_flow_usd[row],
        recurring_usd=-flows.recurring_flow_usd[row],
        net_flow_usd=net,
        cumulative_usd=np.cumsum(net),
        discount_factor=factors,
        discounted_flow_usd=net * factors,
        cumulative_discounted_usd=np.cumsum(net * factors),
        baseline_waste_usd=flows.waste_row_usd(row),
        line_costs_usd=-row_of(flows.line_costs_flow_usd, row),
        time_cost_usd=-row_of(flows.time_cost_flow_usd, row),
        time_flow_usd=row_of(flows.time_flow_usd, row),
        cash_flow_usd=row_of(flows.cash_flow_usd, row),
        cumulative_cash_usd=np.cumsum(row_of(flows.cash_flow_usd, row)),
        within_horizon=(flows.months <= flows.horizon_months).astype(np.float64),
    )
    for i, line_usd in sorted(flows.line_rows_usd(row).items()):
        columns[f"line_{i + 1}_usd"] = line_usd
    names = [*MONTHLY_COLUMNS, *(f"line_{i + 1}_usd" for i in range(len(scenario.lines)))]
    # + 0.0 turns every -0.0 (a cost column of a month with no cost) into 0: no figure is ever -0
    table = pd.DataFrame(np.column_stack([columns[c] for c in names]) + 0.0, columns=names)
    table["month"] = table["month"].astype(np.int64)  # within_horizon stays 1.0 / 0.0: one cast less per evaluate
    return table


def evaluate(scenario: Scenario) -> Result:
    """The one entry point: the deterministic (likely) case of a scenario, as a table and a summary."""
    values = likely_values(scenario)
    flows = cash_flows(scenario, with_each_area_alone(values))
    m = metrics(flows, with_irr=False)  # the areas alone report no IRR: solve for the plan's row alone
    irr_m, not_unique = finance.irr_search(flows.horizon(flows.net_flow_usd)[:1])
    m = replace(
        m,
        irr_monthly=np.concatenate([irr_m, m.irr_monthly[1:]]),
        irr_annual=np.concatenate([finance.annualize(irr_m), m.irr_annual[1:]]),
        irr_not_unique=np.concatenate([not_unique, m.irr_not_unique[1:]]),
    )
    return Result(
        scenario=scenario, monthly=monthly_table(scenario, flows), summary=summarize(scenario, flows, m, values)
    )
