"""The model of docs/method.md: inputs -> monthly cash flows -> metrics, for one scenario or many draws at once."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from roi import finance, streams
from roi.scenario import AREAS, STREAMS, Range, Scenario, likely

Array = NDArray[np.float64]
Values = Mapping[str, ArrayLike]


def likely_values(scenario: Scenario) -> dict[str, float]:
    """Every input the flows read, at its deterministic value (`likely` for a range).

    Besides the numbers of the file: each area's `include` as 1 or 0, the share of each stream it delivers (named
    or the default attribution) as `investments.<area>.delivers.<stream>`, and the cost risk adjustment.
    """
    values = {p: likely(v) for p, v in scenario.numeric_inputs().items()}
    attribution = scenario.attribution()
    for area in AREAS:
        values[f"investments.{area}.include"] = 1.0 if getattr(scenario.investments, area).include else 0.0
        for stream in STREAMS:
            values[f"investments.{area}.delivers.{stream}"] = attribution[area][stream]
    values["finance.cost_risk_adjustment"] = scenario.finance.cost_risk_adjustment
    values["lines.plan"] = 1.0  # the lines of the plan as a whole count (0 in the rows of each area alone)
    return values


def ranged_share_streams(scenario: Scenario) -> tuple[str, ...]:
    """The streams with a share given as a range: their shares are divided by their sum in every draw."""
    return tuple(
        s
        for s in STREAMS
        if any(isinstance(getattr(scenario.investments, a).delivers.named_values().get(s), Range) for a in AREAS)
    )


@dataclass(frozen=True)
class Flows:
    """Monthly flows of one or many draws (or candidate plans); costs negative in the net flow, positive in cost_usd.

    Month-by-month arrays run over months 0..H+T: the horizon H and the T continuing months after it (`horizon`
    slices the first H + 1). Per-draw figures are shaped (draws,); month-by-month ones (draws, months), or
    (1, months) where every draw shares them. Every flow is time (engineer hours at the loaded rate) or cash; the
    `time_*` arrays hold the time part, and cash is the rest.
    """

    months: Array
    horizon_months: int
    annual_discount_rate: Array  # (draws or 1, 1)
    growth_factor: Array  # (draws or 1, months)
    live_share: dict[str, Array]  # by area: I_a x its go-live ramp, (draws or 1, months)
    share_delivered: dict[str, Array]  # by "area.stream": the area's share of the stream, (draws or 1, 1)
    full_stream_usd: dict[str, Array]  # by stream: month-1 value at full ramp, recapture and risk in, (draws,)
    full_stream_time_usd: dict[str, Array]  # by stream: its engineer-time part, (draws,)
    hours_freed: dict[str, Array]  # by stream: engineer hours a month at full ramp, risk in, before recapture
    area_benefit_usd: dict[str, Array]  # by area: its monthly benefit at full ramp and growth 1, (draws,)
    area_time_benefit_usd: dict[str, Array]  # by area: the engineer-time part of it, (draws,)
    benefit_usd: Array  # streams and benefit lines
    time_benefit_usd: Array  # the engineer-time part of the benefit, (draws, months)
    benefit_terms: tuple[CostTerm, ...]  # the benefit lines of the user's own, as amounts times month patterns
    cost_terms: tuple[CostTerm, ...]  # every cost as an amount per draw times a month pattern
    cost_usd: Array  # every cost in the flows by month, positive, (draws, months)
    net_flow_usd: Array
    waste_monthly_usd: Array  # cost of doing nothing in month 1, a positive amount
    failed_merges_per_month: Array
    one_time_cost_usd: Array  # of the included areas, cost risk in
    staff_cost_usd: Array  # of the included areas, cost risk in, counted in the flows or not
    annual_recurring_cost_usd: Array
    ai_annual_spend_usd: Array

    @functools.cached_property
    def time_flow_usd(self) -> Array:
        """The engineer-time part of the net flow: time benefits less staff cost and time lines, (draws, months)."""
        return self.time_benefit_usd - self.time_cost_flow_usd

    @functools.cached_property
    def time_cost_flow_usd(self) -> Array:
        """The costs that are engineer time (staff, time lines) by month, positive, (draws, months)."""
        return _spread([t for t in self.cost_terms if t.time], self.cost_usd.shape)

    @functools.cached_property
    def line_costs_flow_usd(self) -> Array:
        """The cost lines of the user's own by month, positive, (draws, months)."""
        return self._costs("line")

    def cost_row_usd(self, area: str, kind: str, row: int = 0) -> Array:
        """One area's costs of one kind (one_time, staff, recurring) month by month for one draw, positive."""
        terms = [t for t in self.cost_terms if t.area == area and t.kind == kind]
        return np.asarray(_spread(terms, self.cost_usd.shape)[min(row, self.cost_usd.shape[0] - 1)], dtype=np.float64)

    def line_rows_usd(self, row: int = 0) -> dict[int, Array]:
        """Each line of the user's own month by month for one draw, by index: a benefit positive, a cost negative."""
        out: dict[int, Array] = {}
        for sign, terms in ((1.0, self.benefit_terms), (-1.0, self.cost_terms)):
            for t in terms:
                if t.line is not None:
                    amount = t.amount_usd[min(row, t.amount_usd.size - 1)]
                    out[t.line] = out.get(t.line, 0.0) + sign * amount * _row(t.pattern, row)
        return out

    @functools.cached_property
    def cash_flow_usd(self) -> Array:
        """Money out of and back into the bank: the net flow less its engineer-time part, (draws, months)."""
        return self.net_flow_usd - self.time_flow_usd

    def horizon(self, table: Array) -> Array:
        """A month-by-month array cut to months 0..H."""
        return table[..., : self.horizon_months + 1]

    @property
    def paid(self) -> Array:
        """1 in months 1..H+T; 0 at month 0."""
        return np.asarray(self.months >= 1, dtype=np.float64)

    def _costs(self, kind: str) -> Array:
        return _spread([t for t in self.cost_terms if t.kind == kind], self.cost_usd.shape)

    @functools.cached_property
    def one_time_flow_usd(self) -> Array:
        """One-time costs by month, positive, (draws, months)."""
        return self._costs("one_time")

    @functools.cached_property
    def staff_flow_usd(self) -> Array:
        """Staff costs by month, positive; 0 when staff is not counted."""
        return self._costs("staff")

    @functools.cached_property
    def recurring_flow_usd(self) -> Array:
        """Recurring costs by month, positive."""
        return self._costs("recurring")

    def growth_row(self, row: int = 0) -> Array:
        """The growth factor month by month for one draw (shared by all draws when growth is not ranged)."""
        return _row(self.growth_factor, row)

    def stream_row_usd(self, name: str, row: int = 0) -> Array:
        """One stream's contribution to the benefit, month by month, for one draw."""
        return np.asarray(
            self.full_stream_usd[name][row] * self.growth_row(row) * self.stream_weight_row(name, row),
            dtype=np.float64,
        )

    def stream_weight_row(self, name: str, row: int = 0) -> Array:
        """Month by month, the stream's share that is live: the sum over areas of live share x share delivered."""
        return np.asarray(
            sum(_row(self.live_share[a], row) * _row(self.share_delivered[f"{a}.{name}"], row)[0] for a in AREAS),
            dtype=np.float64,
        )

    def waste_row_usd(self, row: int = 0) -> Array:
        """The cost of doing nothing, month by month (grows with volume, ignores ramp and risk)."""
        return np.asarray(self.waste_monthly_usd[row] * self.growth_row(row) * self.paid, dtype=np.float64)


@dataclass(frozen=True)
class CostTerm:
    """One cost (or a line's benefit) of one kind: an amount per draw (positive) spread by a month pattern."""

    kind: str  # one_time, staff, recurring or line (a line of the user's own: `line` its index)
    amount_usd: Array  # (draws,)
    pattern: Array  # share of the amount in each month, (draws or 1, months)
    area: str  # the area it belongs to; "" for a line of the plan as a whole
    time: bool = False  # engineer time (staff, a time line) rather than cash
    line: int | None = None


def _spread(terms: list[CostTerm], shape: tuple[int, ...]) -> Array:
    """The sum of cost terms month by month: patterns every draw shares go through one matrix product."""
    shared = [t for t in terms if t.pattern.shape[0] == 1]
    out = np.zeros(shape)
    if shared:
        out += np.column_stack([t.amount_usd for t in shared]) @ np.vstack([t.pattern for t in shared])
    # patterns of their own per draw (a drawn go-live): terms on the same pattern (an area's lines) summed first
    by_pattern: dict[int, tuple[Array, Array]] = {}
    for t in terms:
        if t.pattern.shape[0] != 1:
            amount, pattern = by_pattern.get(id(t.pattern), (np.zeros(shape[0]), t.pattern))
            by_pattern[id(t.pattern)] = (amount + t.amount_usd, pattern)
    for amount, pattern in by_pattern.values():
        out += amount[:, None] * pattern
    return out


def _row(table: Array, row: int) -> Array:
    return np.asarray(table[min(row, table.shape[0] - 1)], dtype=np.float64)


#: Each stream's formula, wired to its inputs by path. `hour_usd` is the value of a freed engineer-hour: the loaded
#: rate times the share of freed time recaptured.
STREAM_FORMULAS: dict[str, Callable[[Callable[[str], Array], Array], Array]] = {
    "merges": lambda v, hour_usd: streams.merges_usd(
        v("merges.merges_per_month"), v("merges.success_rate_before"), v("merges.success_rate_after"),
        v("merges.fix_hours"), hour_usd,
    ),
    "builds": lambda v, hour_usd: streams.builds_usd(
        v("builds.builds_per_month"), v("builds.build_minutes_before"), v("builds.build_minutes_after"),
        v("builds.blocked_fraction"), hour_usd,
    ),
    "incidents": lambda v, hour_usd: streams.incidents_usd(
        v("incidents.deploys_per_month_before"), v("incidents.deploys_per_month_after"),
        v("incidents.change_failure_rate_before"), v("incidents.change_failure_rate_after"),
        v("incidents.mttr_hours_before"), v("incidents.mttr_hours_after"), v("incidents.responders_per_incident"),
        v("incidents.downtime_cost_per_hour"), hour_usd,
    ),
    "lead_time": lambda v, hour_usd: streams.lead_time_usd(
        v("lead_time.changes_per_month"), v("lead_time.lead_time_days_before"), v("lead_time.lead_time_days_after"),
        v("lead_time.cost_of_delay_per_change_day"),
    ),
}  # fmt: skip


#: Each stream's engineer hours freed a month (before recapture and risk): the part of it that is engineer time.
#: Lead time is cash alone (the value of changes reaching customers sooner).
STREAM_HOURS: dict[str, Callable[[Callable[[str], Array]], Array]] = {
    "merges": lambda v: streams.merges_usd(
        v("merges.merges_per_month"), v("merges.success_rate_before"), v("merges.success_rate_after"),
        v("merges.fix_hours"), 1.0,
    ),
    "builds": lambda v: streams.builds_usd(
        v("builds.builds_per_month"), v("builds.build_minutes_before"), v("builds.build_minutes_after"),
        v("builds.blocked_fraction"), 1.0,
    ),
    "incidents": lambda v: streams.incidents_usd(
        v("incidents.deploys_per_month_before"), v("incidents.deploys_per_month_after"),
        v("incidents.change_failure_rate_before"), v("incidents.change_failure_rate_after"),
        v("incidents.mttr_hours_before"), v("incidents.mttr_hours_after"), v("incidents.responders_per_incident"),
        0.0, 1.0,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class StreamValues:
    """Each stream's monthly value at growth 1 and full ramp after its risk adjustment, its engineer-time part, and
    the engineer hours behind that part (risk in, before recapture); 0 for an absent section."""

    usd: dict[str, Array]
    time_usd: dict[str, Array]
    hours: dict[str, Array]


def _stream_values(scenario: Scenario, v: Callable[[str], Array], n: int) -> StreamValues:
    rate = v("team.loaded_hourly_rate")
    hour_usd = rate * v("team.engineer_time_recapture")
    usd, time_usd, hours = {}, {}, {}
    for name, formula in STREAM_FORMULAS.items():
        if getattr(scenario, name) is None:
            usd[name] = time_usd[name] = hours[name] = np.zeros(n)
            continue
        whole = formula(v, hour_usd)
        # the risk adjustment follows the sign of the whole stream, and applies to its time and cash parts alike
        risk = v(f"{name}.risk_adjustment")
        factor = risk_factor(whole, risk)
        usd[name] = whole * factor
        if name not in STREAM_HOURS:  # lead time: cash alone
            time_usd[name] = hours[name] = np.zeros(n)
            continue
        raw_hours = STREAM_HOURS[name](v)
        time_usd[name] = np.asarray(raw_hours * hour_usd * factor, dtype=np.float64)
        # hours freed are the time benefit computed with every freed hour counted (k = 1), over the rate: the risk
        # adjustment follows the sign of the stream computed that way
        at_full_value = formula(v, rate)
        hours[name] = np.asarray(raw_hours * risk_factor(at_full_value, risk), dtype=np.float64)
    return StreamValues(usd, time_usd, hours)


def risk_factor(stream_usd: Array, risk: Array) -> Array:
    """What a stream is multiplied by for its risk adjustment, which never improves a case: (1 - r) for a gain,
    (1 + r) for a loss."""
    return np.asarray(np.where(stream_usd >= 0, 1 - risk, 1 + risk), dtype=np.float64)


def draw_count(values: Values) -> int:
    """How many draws a set of input values holds (scalars count as one)."""
    sizes = {np.asarray(x).size for x in values.values()} - {1}
    if len(sizes) > 1:
        raise ValueError(f"input arrays differ in length: {sorted(sizes)}")
    return sizes.pop() if sizes else 1


def cash_flows(scenario: Scenario, values: Values | None = None) -> Flows:
    """Monthly flows of docs/method.md for the scenario's structure and the given input values (default: likely).

    Any input may be one value or an array of draws (or of candidate plans): start months, build months and
    `include` as much as the amounts, so one call evaluates a whole Monte Carlo sample or a whole set of plans.
    The months run to the horizon and on through the continuing months after it.
    """
    values = likely_values(scenario) if values is None else values
    n = draw_count(values)

    seen: dict[str, Array] = {}

    def v(path: str) -> Array:
        if path not in seen:
            x = np.asarray(values[path], dtype=np.float64)
            seen[path] = x if x.shape == (n,) else np.full(n, float(x.reshape(-1)[0]))
        return seen[path]

    def col(path: str) -> Array:
        """An input as a column: (draws, 1), or (1, 1) when every draw shares it."""
        return np.asarray(values[path], dtype=np.float64).reshape(-1, 1)

    horizon = scenario.finance.horizon_months
    months = np.arange(horizon + scenario.finance.continuing_months + 1, dtype=np.float64)
    row = months[None, :]
    ramp = col("finance.ramp_months")
    growth_rate = col("growth.volume_growth_per_year")
    growth = np.exp(np.log1p(growth_rate) * ((row - 1) / 12))

    full = _stream_values(scenario, v, n)
    shares = _shares(scenario, col)
    risk = 1 + v("finance.cost_risk_adjustment")
    rate = v("team.loaded_hourly_rate")
    staff_counted = scenario.finance.include_staff_cost
    live: dict[str, Array] = {}
    area_benefit: dict[str, Array] = {}
    area_time: dict[str, Array] = {}
    terms: list[CostTerm] = []
    totals = {"one_time": np.zeros(n), "staff": np.zeros(n), "recurring": np.zeros(n)}
    for area in AREAS:
        key = f"investments.{area}"
        included = col(f"{key}.include")
        start, build = col(f"{key}.start_month"), col(f"{key}.build_months")
        go_live = start + build
        since = row - go_live
        ramped = np.where(ramp > 0, np.minimum(1.0, since / np.where(ramp > 0, ramp, 1.0)), 1.0)
        live[area] = included * np.where(since > 0, ramped, 0.0)
        area_share = {s: shares[f"{area}.{s}"].reshape(-1) for s in STREAMS}
        area_benefit[area] = sum((full.usd[s] * area_share[s] for s in STREAMS), np.zeros(n))
        area_time[area] = sum((full.time_usd[s] * area_share[s] for s in STREAMS), np.zeros(n))
        scale = v(f"{key}.include") * risk
        # a build that runs over (a drawn build time above the planned one) costs staff in proportion
        planned = likely(getattr(scenario.investments, area).build_months)
        overrun = v(f"{key}.build_months") / planned if planned > 0 else 1.0
        one_time = scale * v(f"{key}.one_time")
        staff = (
            scale
            * overrun
            * streams.staff_cost_usd(v(f"{key}.engineer_quarters"), v("team.hours_per_engineer_quarter"), rate)
        )
        recurring = scale * v(f"{key}.annual_recurring")
        totals["one_time"] += one_time
        totals["staff"] += staff
        totals["recurring"] += recurring
        terms.append(CostTerm("one_time", one_time, (row == start).astype(np.float64), area))
        if staff_counted:
            spread = np.where(build > 0, ((row > start) & (row <= go_live)) / np.maximum(build, 1), row == start)
            terms.append(CostTerm("staff", staff, spread, area, time=True))
        terms.append(CostTerm("recurring", recurring / 12, (row >= start + 1).astype(np.float64), area))

    plan = col("lines.plan") if "lines.plan" in values else np.ones((1, 1))
    benefit_terms = _line_terms(scenario, v, col, live, row, risk, plan, terms)
    shape = (n, months.size)
    # sum over streams of S_s x sum over areas of live_a x w_as = sum over areas of live_a x (the area's benefit)
    benefit = growth * _live_sum(live, area_benefit, n, months.size) + _spread(benefit_terms, shape)
    time_benefit = growth * _live_sum(live, area_time, n, months.size) + _spread(
        [t for t in benefit_terms if t.time], shape
    )
    cost = _spread(terms, shape)
    net = benefit - cost
    return Flows(
        months=months,
        horizon_months=horizon,
        annual_discount_rate=col("finance.annual_discount_rate"),
        growth_factor=growth,
        live_share=live,
        share_delivered=shares,
        full_stream_usd=full.usd,
        full_stream_time_usd=full.time_usd,
        hours_freed=full.hours,
        area_benefit_usd=area_benefit,
        area_time_benefit_usd=area_time,
        benefit_usd=benefit,
        time_benefit_usd=time_benefit,
        benefit_terms=tuple(benefit_terms),
        cost_terms=tuple(terms),
        cost_usd=cost,
        net_flow_usd=net,
        waste_monthly_usd=_waste(scenario, v, n),
        failed_merges_per_month=(
            np.zeros(n)
            if scenario.merges is None
            else streams.failed_merges_per_month(v("merges.merges_per_month"), v("merges.success_rate_before"))
        ),
        one_time_cost_usd=totals["one_time"],
        staff_cost_usd=totals["staff"],
        annual_recurring_cost_usd=totals["recurring"],
        ai_annual_spend_usd=v("ai_tools.annual_spend"),
    )


def _line_terms(
    scenario: Scenario,
    v: Callable[[str], Array],
    col: Callable[[str], Array],
    live: dict[str, Array],
    row: Array,
    cost_risk: Array,
    plan: Array,
    cost_terms: list[CostTerm],
) -> list[CostTerm]:
    """The lines of the user's own: each cost line is appended to `cost_terms`; the benefit lines are returned.

    A per-month line runs from month 1, or with an area from the month after its go-live with its ramp; a by-year
    line puts entry n at month 12 n. A line with an area counts only when the area is funded; one without counts in
    the plan (`lines.plan` 1) and in no area alone. A benefit is x (1 - r), a cost x (1 + r) x the cost risk.
    """
    benefits: list[CostTerm] = []
    for i, line in enumerate(scenario.lines):
        gate = col(f"investments.{line.area}.include") if line.area else plan
        if line.per_month is not None:
            amount = v(f"lines.{i}.per_month")
            pattern = live[line.area] if line.area else plan * (row >= 1)
        else:
            years = np.zeros(row.shape[-1])
            for year, x in enumerate(line.by_year or []):
                if 12 * year < years.size:
                    years[12 * year] = x
            amount = np.ones_like(v("team.loaded_hourly_rate"))
            pattern = gate * years[None, :]
        r = line.risk_adjustment
        if line.is_benefit:
            term = CostTerm("line", amount * (1 - r), pattern, line.area or "", line.nature == "time", i)
            benefits.append(term)
        else:
            term = CostTerm("line", amount * (1 + r) * cost_risk, pattern, line.area or "", line.nature == "time", i)
            cost_terms.append(term)
    return benefits


def _waste(scenario: Scenario, v: Callable[[str], Array], n: int) -> Array:
    if scenario.merges is None:
        return np.zeros(n)
    return streams.baseline_waste_usd(
        v("merges.merges_per_month"),
        v("merges.success_rate_before"),
        v("merges.fix_hours"),
        v("team.loaded_hourly_rate"),
    )


def _shares(scenario: Scenario, col: Callable[[str], Array]) -> dict[str, Array]:
    """Each area's share of each stream, (draws or 1, 1); for a stream with a ranged share, divided by the stream's
    sum of shares in each draw (the likely shares sum to 1, so the likely case is unchanged)."""
    out = {f"{a}.{s}": col(f"investments.{a}.delivers.{s}") for a in AREAS for s in STREAMS}
    for stream in ranged_share_streams(scenario):
        total = sum((out[f"{a}.{stream}"] for a in AREAS), np.zeros((1, 1)))
        safe = np.where(total > 0, total, 1.0)
        for a in AREAS:
            out[f"{a}.{stream}"] = np.where(total > 0, out[f"{a}.{stream}"] / safe, 0.0)
    return out


def _live_sum(live: dict[str, Array], per_area: dict[str, Array], n: int, months: int) -> Array:
    """Sum over areas of the area's live share (month by month) times its monthly amount (per draw)."""
    if all(live[a].shape[0] == 1 for a in AREAS):  # every draw shares the schedule: one matrix product
        return np.asarray(np.column_stack([per_area[a] for a in AREAS]) @ np.vstack([live[a] for a in AREAS]))
    return np.asarray(sum((per_area[a][:, None] * live[a] for a in AREAS), np.zeros((n, months))))


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
        out[f"investments.{area}.include"] = np.concatenate([[float(values[f"investments.{area}.include"])], alone])
    out["lines.plan"] = np.array([1.0, 0.0, 0.0, 0.0, 0.0])  # a line of the whole plan counts in no area alone
    return out


def summarize(scenario: Scenario, flows: Flows, m: Metrics, values: Mapping[str, Any]) -> Summary:
    """The summary from flows of five rows (the plan, then each area alone: `with_each_area_alone`).

    Month-1 figures at full ramp, for the included areas; each area's figures are its own flows.
    """
    live = {a: float(values[f"investments.{a}.include"]) for a in AREAS}

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
    upfront = flows.one_time_cost_usd + (flows.staff_cost_usd if staff_counted else 0.0)
    areas = {
        area: AreaSummary(
            included=bool(live[area]),
            go_live_month=float(values[f"investments.{area}.start_month"])
            + float(values[f"investments.{area}.build_months"]),
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
    factors = flows.horizon(finance.discount_factors(finance.monthly_rate(_row(flows.annual_discount_rate, 0)[0]),
                                                     flows.months.size))  # fmt: skip
    line_rows = flows.line_rows_usd() if scenario.lines else {}
    lines = [
        {
            "name": line.name,
            "type": line.type,
            "nature": line.nature,
            "pv_usd": float(flows.horizon(line_rows[i]) @ factors),
        }
        for i, line in enumerate(scenario.lines)
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
        discount_rate=float(_row(flows.annual_discount_rate, 0)[0]),
        lines=lines,
        include_staff_cost=staff_counted,
    )


def monthly_table(scenario: Scenario, flows: Flows, row: int = 0) -> pd.DataFrame:
    """The monthly cash-flow table of one draw: each area's live share, every stream, costs (negative), flows, and the
    flows' engineer-time and cash parts; months 0..H, then the continuing months."""
    d = finance.monthly_rate(_row(flows.annual_discount_rate, row)[0])
    net = flows.net_flow_usd[row]
    factors = finance.discount_factors(d, net.size)
    columns: dict[str, Array] = {"month": flows.months, "growth_factor": flows.growth_row(row)}
    for area in AREAS:
        columns[f"live_{area}"] = _row(flows.live_share[area], row)
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
        line_costs_usd=-_row(flows.line_costs_flow_usd, row),
        time_cost_usd=-_row(flows.time_cost_flow_usd, row),
        time_flow_usd=_row(flows.time_flow_usd, row),
        cash_flow_usd=_row(flows.cash_flow_usd, row),
        cumulative_cash_usd=np.cumsum(_row(flows.cash_flow_usd, row)),
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
