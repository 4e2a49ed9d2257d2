"""The model of docs/method.md: inputs -> monthly cash flows -> metrics, for one scenario or many draws at once."""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from roi import finance, streams
from roi.scenario import AREAS, STREAMS, Scenario, likely

Array = NDArray[np.float64]
Values = Mapping[str, ArrayLike]


def likely_values(scenario: Scenario) -> dict[str, float]:
    """Every numeric input at its deterministic value (`likely` for a range)."""
    return {p: likely(v) for p, v in scenario.numeric_inputs().items()}


@dataclass(frozen=True)
class Flows:
    """Cash flows of one or many draws; costs negative.

    Per-draw figures are shaped (draws,); month-by-month ones (draws, months 0..H), or (1, months)
    where every draw shares them. Only the net flow and the benefit are materialized per draw and month.
    """

    months: Array
    growth_factor: Array  # (draws or 1, months)
    ramp_factor: Array  # (months,), 0 at month 0
    full_stream_usd: dict[str, Array]  # month-1 value at full ramp, risk-adjusted, by stream
    benefit_usd: Array
    upfront_usd: Array  # at month 0, negative
    recurring_monthly_usd: Array  # each month 1..H, negative
    net_flow_usd: Array
    waste_monthly_usd: Array  # cost of doing nothing in month 1, a positive amount
    failed_merges_per_month: Array
    one_time_cost_usd: Array
    staff_cost_usd: Array
    annual_recurring_cost_usd: Array
    ai_annual_spend_usd: Array

    @property
    def paid(self) -> Array:
        """1 in months 1..H, when benefits and recurring costs fall; 0 at month 0."""
        return np.asarray(self.months >= 1, dtype=np.float64)

    def growth_row(self, row: int = 0) -> Array:
        """The growth factor month by month for one draw (shared by all draws when growth is not ranged)."""
        return np.asarray(self.growth_factor[min(row, self.growth_factor.shape[0] - 1)], dtype=np.float64)

    def stream_row_usd(self, name: str, row: int = 0) -> Array:
        """One stream's contribution to the benefit, month by month, for one draw."""
        return np.asarray(self.full_stream_usd[name][row] * self.growth_row(row) * self.ramp_factor, dtype=np.float64)

    def waste_row_usd(self, row: int = 0) -> Array:
        """The cost of doing nothing, month by month (grows with volume, ignores ramp and risk)."""
        return np.asarray(self.waste_monthly_usd[row] * self.growth_row(row) * self.paid, dtype=np.float64)


#: The formula of each stream; each takes its section's fields (and the loaded rate) by name.
STREAM_FORMULAS: dict[str, Callable[..., Array]] = {
    "merges": streams.merges_usd,
    "builds": streams.builds_usd,
    "incidents": streams.incidents_usd,
    "lead_time": streams.lead_time_usd,
}


def _stream_values(scenario: Scenario, v: Callable[[str], Array], n: int) -> dict[str, Array]:
    """Each stream's monthly value at growth 1 and full ramp, after its risk adjustment; 0 for absent sections."""
    out = {}
    for name, formula in STREAM_FORMULAS.items():
        section = getattr(scenario, name)
        if section is None:
            out[name] = np.zeros(n)
            continue
        kwargs = {f: v(f"{name}.{f}") for f in type(section).model_fields if f != "risk_adjustment"}
        if "loaded_hourly_rate" in inspect.signature(formula).parameters:
            kwargs["loaded_hourly_rate"] = v("team.loaded_hourly_rate")
        out[name] = risk_adjusted(formula(**kwargs), v(f"{name}.risk_adjustment"))
    return out


def risk_adjusted(stream_usd: Array, risk: Array) -> Array:
    """A stream after its risk adjustment, which never improves a case: x (1 - r) a gain, x (1 + r) a loss."""
    return np.asarray(np.where(stream_usd >= 0, stream_usd * (1 - risk), stream_usd * (1 + risk)), dtype=np.float64)


def draw_count(values: Values) -> int:
    """How many draws a set of input values holds (scalars count as one)."""
    sizes = {np.asarray(x).size for x in values.values()} - {1}
    if len(sizes) > 1:
        raise ValueError(f"input arrays differ in length: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def cash_flows(scenario: Scenario, values: Values | None = None) -> Flows:
    """Monthly flows (docs/method.md) for the scenario's structure and the given input values (default: likely)."""
    values = likely_values(scenario) if values is None else values
    n = draw_count(values)

    def v(path: str) -> Array:
        return np.broadcast_to(np.asarray(values[path], dtype=np.float64), (n,))

    horizon = scenario.finance.horizon_months
    months = np.arange(horizon + 1, dtype=np.float64)
    paid = np.asarray(months >= 1, dtype=np.float64)
    ramp = scenario.finance.ramp_months
    ramp_factor = np.minimum(1.0, months / ramp) if ramp > 0 else np.ones_like(months)
    ramp_factor = ramp_factor * paid  # no benefit at the investment date
    growth_rate = np.asarray(values["growth.volume_growth_per_year"], dtype=np.float64).reshape(-1, 1)
    growth = np.exp(np.log1p(growth_rate) * ((months - 1) / 12)[None, :])

    full = _stream_values(scenario, v, n)
    benefit = sum(full.values(), np.zeros(n))[:, None] * (growth * ramp_factor[None, :])

    one_time = sum((v(f"investments.{a}.one_time") for a in AREAS), np.zeros(n))
    recurring_annual = sum((v(f"investments.{a}.annual_recurring") for a in AREAS), np.zeros(n))
    quarters = sum((v(f"investments.{a}.engineer_quarters") for a in AREAS), np.zeros(n))
    rate = v("team.loaded_hourly_rate")
    staff = streams.staff_cost_usd(quarters, v("team.hours_per_engineer_quarter"), rate)
    upfront = -(one_time + (staff if scenario.finance.include_staff_cost else 0.0))
    recurring = -recurring_annual / 12

    net = benefit + recurring[:, None] * paid[None, :]
    net[:, 0] += upfront
    return Flows(
        months=months,
        growth_factor=growth,
        ramp_factor=ramp_factor,
        full_stream_usd=full,
        benefit_usd=benefit,
        upfront_usd=upfront,
        recurring_monthly_usd=recurring,
        net_flow_usd=net,
        waste_monthly_usd=streams.baseline_waste_usd(
            v("merges.merges_per_month"), v("merges.success_rate_before"), v("merges.fix_hours"), rate
        ),
        failed_merges_per_month=streams.failed_merges_per_month(
            v("merges.merges_per_month"), v("merges.success_rate_before")
        ),
        one_time_cost_usd=one_time,
        staff_cost_usd=staff,
        annual_recurring_cost_usd=recurring_annual,
        ai_annual_spend_usd=v("ai_tools.annual_spend"),
    )


@dataclass(frozen=True)
class Metrics:
    """Per-draw metrics, each shaped (draws,). Payback never reached is +inf; IRR undefined is NaN."""

    npv_usd: Array
    irr_monthly: Array
    irr_annual: Array
    payback_months: Array
    discounted_payback_months: Array
    cumulative_zero_crossings: NDArray[np.int64]
    pv_costs_usd: Array
    roi: Array
    delivery_to_ai_ratio: Array
    delivery_to_ai_ratio_incl_staff: Array


def metrics(flows: Flows, annual_discount_rate: float, *, with_irr: bool = True) -> Metrics:
    """NPV, IRR, both paybacks, ROI and spend ratios of the flows, all draws at once."""
    d = finance.monthly_rate(annual_discount_rate)
    net = flows.net_flow_usd
    npv = finance.npv(d, net)
    pv_costs = -flows.upfront_usd - flows.recurring_monthly_usd * finance.npv(d, flows.paid)
    irr_m = finance.irr(net) if with_irr else np.full(net.shape[0], np.nan)
    delivery = flows.one_time_cost_usd + flows.annual_recurring_cost_usd
    ai = flows.ai_annual_spend_usd
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(ai > 0, delivery / np.where(ai > 0, ai, 1.0), np.nan)
        ratio_staff = np.where(ai > 0, (delivery + flows.staff_cost_usd) / np.where(ai > 0, ai, 1.0), np.nan)
    return Metrics(
        npv_usd=npv,
        irr_monthly=irr_m,
        irr_annual=finance.annualize(irr_m),
        payback_months=finance.payback_months(net),
        discounted_payback_months=finance.payback_months(finance.discounted(d, net)),
        cumulative_zero_crossings=finance.zero_crossings(net),
        pv_costs_usd=pv_costs,
        roi=finance.roi(npv, pv_costs),
        delivery_to_ai_ratio=ratio,
        delivery_to_ai_ratio_incl_staff=ratio_staff,
    )


def _opt(x: Any) -> float | None:
    value = float(x)
    return value if math.isfinite(value) else None


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
    payback_months: float | None
    discounted_payback_months: float | None
    cumulative_zero_crossings: int
    npv_usd: float
    irr_annual: float | None
    roi: float | None
    include_staff_cost: bool = field(default=True)

    def to_dict(self) -> dict[str, Any]:
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.__dict__.items()}


MONTHLY_COLUMNS = (
    "month",
    "growth_factor",
    "ramp_factor",
    "merges_usd",
    "builds_usd",
    "incidents_usd",
    "lead_time_usd",
    "benefit_usd",
    "upfront_usd",
    "recurring_usd",
    "net_flow_usd",
    "cumulative_usd",
    "discount_factor",
    "discounted_flow_usd",
    "cumulative_discounted_usd",
    "baseline_waste_usd",
)


@dataclass(frozen=True)
class Result:
    """Everything `evaluate` computes for one scenario: the monthly table and the summary."""

    scenario: Scenario
    monthly: pd.DataFrame
    summary: Summary


def summarize(scenario: Scenario, flows: Flows, m: Metrics, row: int = 0) -> Summary:
    """The summary of one draw (row) of flows and metrics."""
    full = {name: float(flows.full_stream_usd[name][row]) for name in STREAMS}
    return Summary(
        scenario=scenario.name,
        horizon_months=scenario.finance.horizon_months,
        failed_merges_per_month=float(flows.failed_merges_per_month[row]),
        monthly_waste_usd=float(flows.waste_monthly_usd[row]),
        monthly_benefit_usd=float(sum(full.values())),
        benefit_by_stream_usd=full,
        one_time_cost_usd=float(flows.one_time_cost_usd[row]),
        staff_cost_usd=float(flows.staff_cost_usd[row]),
        upfront_investment_usd=float(-flows.upfront_usd[row]),
        annual_recurring_cost_usd=float(flows.annual_recurring_cost_usd[row]),
        pv_costs_usd=float(m.pv_costs_usd[row]),
        delivery_to_ai_ratio=_opt(m.delivery_to_ai_ratio[row]),
        delivery_to_ai_ratio_incl_staff=_opt(m.delivery_to_ai_ratio_incl_staff[row]),
        payback_months=_opt(m.payback_months[row]),
        discounted_payback_months=_opt(m.discounted_payback_months[row]),
        cumulative_zero_crossings=int(m.cumulative_zero_crossings[row]),
        npv_usd=float(m.npv_usd[row]),
        irr_annual=_opt(m.irr_annual[row]),
        roi=_opt(m.roi[row]),
        include_staff_cost=scenario.finance.include_staff_cost,
    )


def monthly_table(scenario: Scenario, flows: Flows, row: int = 0) -> pd.DataFrame:
    """The monthly cash-flow table of one draw: every stream, costs (negative), flows, discounting."""
    d = finance.monthly_rate(scenario.finance.annual_discount_rate)
    net = flows.net_flow_usd[row]
    factors = finance.discount_factors(d, net.size)
    columns: dict[str, Array] = {
        "month": flows.months,
        "growth_factor": flows.growth_row(row),
        "ramp_factor": flows.ramp_factor,
    }
    for name in STREAMS:
        columns[f"{name}_usd"] = flows.stream_row_usd(name, row)
    upfront = np.zeros_like(net)
    upfront[0] = flows.upfront_usd[row]
    columns.update(
        benefit_usd=flows.benefit_usd[row],
        upfront_usd=upfront,
        recurring_usd=flows.recurring_monthly_usd[row] * flows.paid,
        net_flow_usd=net,
        cumulative_usd=np.cumsum(net),
        discount_factor=factors,
        discounted_flow_usd=net * factors,
        cumulative_discounted_usd=np.cumsum(net * factors),
        baseline_waste_usd=flows.waste_row_usd(row),
    )
    table = pd.DataFrame(columns, columns=list(MONTHLY_COLUMNS))
    table["month"] = table["month"].astype(np.int64)
    return table


def evaluate(scenario: Scenario) -> Result:
    """The one entry point: the deterministic (likely) case of a scenario, as a table and a summary."""
    flows = cash_flows(scenario)
    m = metrics(flows, scenario.finance.annual_discount_rate)
    return Result(scenario=scenario, monthly=monthly_table(scenario, flows), summary=summarize(scenario, flows, m))
