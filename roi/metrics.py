"""Flows to metrics (docs/method.md): NPV, IRR, the paybacks, ROI, funding and the spend ratios of every row at
once, and the same a chunk of draws at a time."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from roi import finance
from roi.flows import Array, Flows, cash_flows, draw_count
from roi.scenario import AREAS, Scenario


@dataclass(frozen=True)
class Metrics:
    """Per-draw metrics, each shaped (draws,). Payback never reached is +inf, and NaN where nothing is spent or earned
    within the horizon; IRR undefined (none, or more than one) is NaN."""

    npv_usd: Array
    irr_monthly: Array
    irr_annual: Array
    irr_not_unique: NDArray[np.bool_]
    payback_months: Array
    discounted_payback_months: Array
    cumulative_zero_crossings: NDArray[np.int64]
    pv_benefits_usd: Array
    pv_costs_usd: Array
    roi: Array
    delivery_to_ai_ratio: Array
    delivery_to_ai_ratio_incl_staff: Array
    annual_delivery_to_ai_ratio: Array
    peak_funding_usd: Array
    cost_by_year_usd: Array  # (draws, plan years)
    cash_npv_usd: Array
    cash_payback_months: Array
    npv_with_continuing_value_usd: Array

    @property
    def first_year_cost_usd(self) -> Array:
        return np.asarray(self.cost_by_year_usd[:, 0], dtype=np.float64)

    @property
    def continuing_value_usd(self) -> Array:
        return np.asarray(self.npv_with_continuing_value_usd - self.npv_usd, dtype=np.float64)

    @property
    def nothing_within_horizon(self) -> NDArray[np.bool_]:
        """Where nothing is spent or earned within the horizon (payback NaN rather than a month)."""
        return np.asarray(np.isnan(self.payback_months))


def _per_ai_dollar(amount: Array, ai: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.asarray(np.where(ai > 0, amount / np.where(ai > 0, ai, 1.0), np.nan), dtype=np.float64)


def metrics(flows: Flows, *, with_irr: bool = True) -> Metrics:
    """NPV, IRR, both paybacks, ROI, funding and spend ratios of the flows, all draws at once.

    Everything but the NPV with continuing value is of months 0..H; that one runs on through the continuing months.
    """
    d = finance.monthly_rate(flows.annual_discount_rate)  # (draws or 1, 1)
    factors_all = finance.discount_factors(d, flows.months.size)  # (draws or 1, months)
    factors = flows.horizon(factors_all)
    net_all = flows.net_flow_usd
    net = flows.horizon(net_all)
    cost = flows.horizon(flows.cost_usd)
    cash = flows.horizon(flows.cash_flow_usd)
    npv = _dot(net, factors)
    pv_costs = _dot(cost, factors)
    cumulative = np.cumsum(net, axis=-1)
    if with_irr:
        irr_m, not_unique = finance.irr_search(net)
    else:
        irr_m, not_unique = np.full(net.shape[0], np.nan), np.zeros(net.shape[0], dtype=bool)
    delivery = flows.one_time_cost_usd + flows.annual_recurring_cost_usd
    ai = flows.ai_annual_spend_usd
    horizon = flows.horizon_months
    return Metrics(
        npv_usd=npv,
        irr_monthly=irr_m,
        irr_annual=finance.annualize(irr_m),
        irr_not_unique=not_unique,
        payback_months=finance.payback_months(net, cumulative),
        discounted_payback_months=finance.payback_months(net * factors),
        cumulative_zero_crossings=finance.zero_crossings(net, cumulative),
        pv_benefits_usd=npv + pv_costs,
        pv_costs_usd=pv_costs,
        roi=finance.roi(npv, pv_costs),
        delivery_to_ai_ratio=_per_ai_dollar(delivery, ai),
        delivery_to_ai_ratio_incl_staff=_per_ai_dollar(delivery + flows.staff_cost_usd, ai),
        annual_delivery_to_ai_ratio=_per_ai_dollar(cost.sum(axis=-1) * 12 / max(horizon, 12), ai),
        peak_funding_usd=finance.peak_funding(net, cumulative),
        cost_by_year_usd=finance.by_plan_year(cost),
        cash_npv_usd=_dot(cash, factors),
        cash_payback_months=finance.payback_months(cash),
        npv_with_continuing_value_usd=npv if net_all.shape[-1] == net.shape[-1] else _dot(net_all, factors_all),
    )


def _dot(flows: Array, factors: Array) -> Array:
    """The present value of each row of flows with its row of discount factors (one row of factors: a product)."""
    if factors.shape[0] == 1:
        return np.asarray(flows @ factors[0], dtype=np.float64)
    return np.asarray((flows * factors).sum(axis=-1), dtype=np.float64)


def area_npvs(flows: Flows, *, continuing: bool = False) -> dict[str, Array]:
    """Each area's own NPV per draw, from flows in which every area is included: the present value of its benefit
    (its live share, growth and its benefit) less that of its cost terms. They sum to the NPV of the flows.

    Over months 0..H, or with `continuing` on through the continuing months (the NPV with continuing value).
    """
    factors = finance.discount_factors(finance.monthly_rate(flows.annual_discount_rate), flows.months.size)
    if not continuing:
        factors = np.where(flows.months <= flows.horizon_months, factors, 0.0)
    out = {}
    for area in AREAS:
        live = flows.live_share[area] * flows.growth_factor  # (draws or 1, months)
        pv = (live * factors).sum(axis=-1) * flows.area_benefit_usd[area]
        for term in flows.benefit_terms:
            if term.area == area:
                pv = pv + term.amount_usd * (term.pattern * factors).sum(axis=-1)
        for term in flows.cost_terms:
            if term.area == area:
                pv = pv - term.amount_usd * (term.pattern * factors).sum(axis=-1)
        out[area] = pv
    return out


#: Draws x months held at once: about 8 MB per month-by-month array, so memory stays flat however many draws.
CHUNK_CELLS = 1_000_000


def flow_chunks(
    scenario: Scenario, values: Mapping[str, Any], draws: int | None = None
) -> Iterator[tuple[slice, Flows]]:
    """The flows of many draws a chunk at a time (CHUNK_CELLS draws x months at once), each with its draws' slice.

    `draws` (default: as many as the values hold) is how many rows the caller fills; when every input is one value
    the flows have one row, which the caller broadcasts over the chunk's rows.
    """
    n = draw_count(values) if draws is None else draws
    size = max(1, CHUNK_CELLS // (scenario.finance.horizon_months + scenario.finance.continuing_months + 1))
    for start in range(0, n, size):
        rows = slice(start, min(n, start + size))
        yield rows, cash_flows(scenario, {k: (v[rows] if np.ndim(v) else v) for k, v in values.items()})


def chunked_metrics(scenario: Scenario, values: Mapping[str, Any], *, with_irr: bool = True) -> Metrics:
    """The metrics of many draws, computed a chunk of draws at a time through the same flows code."""
    parts = [metrics(flows, with_irr=with_irr) for _, flows in flow_chunks(scenario, values)]
    if len(parts) == 1:
        return parts[0]
    return Metrics(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Metrics)})
