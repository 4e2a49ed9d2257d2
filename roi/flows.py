"""Inputs to monthly flows (docs/method.md): each stream's value, each area's costs and go-live, the lines of the
case's own; for one scenario or many draws at once, split into cash and engineer time."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from roi import inputs as vk
from roi import streams
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
        values[vk.include(area)] = 1.0 if getattr(scenario.investments, area).include else 0.0
        for stream in STREAMS:
            values[vk.delivers(area, stream)] = attribution[area][stream]
    values[vk.COST_RISK_ADJUSTMENT] = scenario.finance.cost_risk_adjustment
    values[vk.LINES_PLAN] = 1.0  # the lines of the plan as a whole count (0 in the rows of each area alone)
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
    staff_counted: bool  # the finance section's include_staff_cost: staff is in the flows and in the investment

    @property
    def upfront_investment_usd(self) -> Array:
        """The investment: the one-time costs, and the staff cost when it is counted, (draws,)."""
        return self.one_time_cost_usd + (self.staff_cost_usd if self.staff_counted else 0.0)

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
        """Each line of the user's own month by month for one draw, by index: a benefit positive, a cost negative.

        Worked out once a draw: the summary and the monthly table of a case both read the first."""
        if row not in self._line_rows:
            out: dict[int, Array] = {}
            for sign, terms in ((1.0, self.benefit_terms), (-1.0, self.cost_terms)):
                for t in terms:
                    if t.line is not None:
                        amount = t.amount_usd[min(row, t.amount_usd.size - 1)]
                        out[t.line] = out.get(t.line, 0.0) + sign * amount * t.pattern[min(row, t.pattern.shape[0] - 1)]
            self._line_rows[row] = out
        return self._line_rows[row]

    @functools.cached_property
    def _line_rows(self) -> dict[int, dict[int, Array]]:
        return {}

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
        return row_of(self.growth_factor, row)

    def stream_row_usd(self, name: str, row: int = 0) -> Array:
        """One stream's contribution to the benefit, month by month, for one draw."""
        return np.asarray(
            self.full_stream_usd[name][row] * self.growth_row(row) * self.stream_weight_row(name, row),
            dtype=np.float64,
        )

    def stream_weight_row(self, name: str, row: int = 0) -> Array:
        """Month by month, the stream's share that is live: the sum over areas of live share x share delivered."""
        return np.asarray(
            sum(row_of(self.live_share[a], row) * row_of(self.share_delivered[f"{a}.{name}"], row)[0] for a in AREAS),
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
    """The sum of cost terms month by month. Terms on the same pattern (an area's lines, the plan's lines) are summed
    first; the patterns every draw shares then go through one matrix product."""
    groups: dict[int, tuple[Array, Array]] = {}
    for t in terms:
        if id(t.pattern) in groups:
            amount, pattern = groups[id(t.pattern)]
            groups[id(t.pattern)] = (amount + t.amount_usd, pattern)  # a new array: a term's amount is never changed
        else:
            groups[id(t.pattern)] = (t.amount_usd, t.pattern)
    shared = [(amount, pattern) for amount, pattern in groups.values() if pattern.shape[0] == 1]
    out = np.zeros(shape)
    if shared:
        # np.array and np.concatenate: column_stack and vstack build the same operands with far more Python per term
        out += np.array([amount for amount, _ in shared]).T @ np.concatenate([pattern for _, pattern in shared])
    for amount, pattern in groups.values():
        if pattern.shape[0] != 1:  # a pattern of its own per draw (a drawn go-live)
            out += amount[:, None] * pattern
    return out


def row_of(table: Array, row: int) -> Array:
    return np.asarray(table[min(row, table.shape[0] - 1)], dtype=np.float64)


#: Each stream's formula, wired to its inputs by path. `hour_usd` is the value of a freed engineer-hour: the loaded
#: rate times the share of freed time recaptured.
STREAM_FORMULAS: dict[str, Callable[[Callable[[vk.ValueKey], Array], ArrayLike], Array]] = {
    "merges": lambda v, hour_usd: streams.merges_usd(
        v(vk.MERGES_PER_MONTH),
        v(vk.SUCCESS_RATE_BEFORE),
        v(vk.SUCCESS_RATE_AFTER),
        v(vk.FIX_HOURS),
        hour_usd,
    ),
    "builds": lambda v, hour_usd: streams.builds_usd(
        v(vk.BUILDS_PER_MONTH),
        v(vk.BUILD_MINUTES_BEFORE),
        v(vk.BUILD_MINUTES_AFTER),
        v(vk.BLOCKED_FRACTION),
        hour_usd,
    ),
    "incidents": lambda v, hour_usd: streams.incidents_usd(
        v(vk.DEPLOYS_BEFORE),
        v(vk.DEPLOYS_AFTER),
        v(vk.CHANGE_FAILURE_RATE_BEFORE),
        v(vk.CHANGE_FAILURE_RATE_AFTER),
        v(vk.MTTR_HOURS_BEFORE),
        v(vk.MTTR_HOURS_AFTER),
        v(vk.RESPONDERS_PER_INCIDENT),
        v(vk.DOWNTIME_COST_PER_HOUR),
        hour_usd,
    ),
    "lead_time": lambda v, hour_usd: streams.lead_time_usd(
        v(vk.CHANGES_PER_MONTH),
        v(vk.LEAD_TIME_DAYS_BEFORE),
        v(vk.LEAD_TIME_DAYS_AFTER),
        v(vk.COST_OF_DELAY_PER_CHANGE_DAY),
    ),
}


#: The streams that free engineer time; lead time is cash alone (the value of changes reaching customers sooner).
TIME_STREAMS = ("merges", "builds", "incidents")
#: The inputs of a stream's formula that are money rather than engineer time.
CASH_INPUTS = frozenset({vk.DOWNTIME_COST_PER_HOUR})


def stream_hours(name: str, v: Callable[[vk.ValueKey], Array]) -> Array:
    """A stream's engineer hours freed a month, before recapture and risk: its formula at $1 an hour with its cash
    inputs at zero, so the formula is written once."""
    return STREAM_FORMULAS[name](lambda key: 0.0 * v(key) if key in CASH_INPUTS else v(key), 1.0)


@dataclass(frozen=True)
class StreamValues:
    """Each stream's monthly value at growth 1 and full ramp after its risk adjustment, its engineer-time part, and
    the engineer hours behind that part (risk in, before recapture); 0 for an absent section."""

    usd: dict[str, Array]
    time_usd: dict[str, Array]
    hours: dict[str, Array]


def _stream_values(scenario: Scenario, v: Callable[[vk.ValueKey], Array], n: int) -> StreamValues:
    rate = v(vk.LOADED_HOURLY_RATE)
    hour_usd = rate * v(vk.ENGINEER_TIME_RECAPTURE)
    usd, time_usd, hours = {}, {}, {}
    for name, formula in STREAM_FORMULAS.items():
        if getattr(scenario, name) is None:
            usd[name] = time_usd[name] = hours[name] = np.zeros(n)
            continue
        whole = formula(v, hour_usd)
        # the risk adjustment follows the sign of the whole stream, and applies to its time and cash parts alike
        risk = v(vk.risk_adjustment(name))
        factor = risk_factor(whole, risk)
        usd[name] = whole * factor
        if name not in TIME_STREAMS:
            time_usd[name] = hours[name] = np.zeros(n)
            continue
        raw_hours = stream_hours(name, v)
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

    def v(path: vk.ValueKey) -> Array:
        if path not in seen:
            x = np.asarray(values[path], dtype=np.float64)
            seen[path] = x if x.shape == (n,) else np.full(n, float(x.reshape(-1)[0]))
        return seen[path]

    def col(path: vk.ValueKey) -> Array:
        """An input as a column: (draws, 1), or (1, 1) when every draw shares it."""
        return np.asarray(values[path], dtype=np.float64).reshape(-1, 1)

    horizon = scenario.finance.horizon_months
    months = np.arange(horizon + scenario.finance.continuing_months + 1, dtype=np.float64)
    row = months[None, :]
    ramp = col(vk.RAMP_MONTHS)
    growth_rate = col(vk.GROWTH_PER_YEAR)
    growth = np.exp(np.log1p(growth_rate) * ((row - 1) / 12))

    full = _stream_values(scenario, v, n)
    shares = _shares(scenario, col)
    risk = 1 + v(vk.COST_RISK_ADJUSTMENT)
    rate = v(vk.LOADED_HOURLY_RATE)
    staff_counted = scenario.finance.include_staff_cost
    live: dict[str, Array] = {}
    area_benefit: dict[str, Array] = {}
    area_time: dict[str, Array] = {}
    terms: list[CostTerm] = []
    totals = {"one_time": np.zeros(n), "staff": np.zeros(n), "recurring": np.zeros(n)}
    for area in AREAS:
        included = col(vk.include(area))
        start, build = col(vk.start_month(area)), col(vk.build_months(area))
        go_live = start + build
        since = row - go_live
        ramped = np.where(ramp > 0, np.minimum(1.0, since / np.where(ramp > 0, ramp, 1.0)), 1.0)
        live[area] = included * np.where(since > 0, ramped, 0.0)
        area_share = {s: shares[f"{area}.{s}"].reshape(-1) for s in STREAMS}
        area_benefit[area] = sum((full.usd[s] * area_share[s] for s in STREAMS), np.zeros(n))
        area_time[area] = sum((full.time_usd[s] * area_share[s] for s in STREAMS), np.zeros(n))
        scale = v(vk.include(area)) * risk
        # a build that runs over (a drawn build time above the planned one) costs staff in proportion
        planned = likely(getattr(scenario.investments, area).build_months)
        overrun = v(vk.build_months(area)) / planned if planned > 0 else 1.0
        one_time = scale * v(vk.one_time(area))
        staff = (
            scale
            * overrun
            * streams.staff_cost_usd(v(vk.engineer_quarters(area)), v(vk.HOURS_PER_ENGINEER_QUARTER), rate)
        )
        recurring = scale * v(vk.annual_recurring(area))
        totals["one_time"] += one_time
        totals["staff"] += staff
        totals["recurring"] += recurring
        terms.append(CostTerm("one_time", one_time, (row == start).astype(np.float64), area))
        if staff_counted:
            spread = np.where(build > 0, ((row > start) & (row <= go_live)) / np.maximum(build, 1), row == start)
            terms.append(CostTerm("staff", staff, spread, area, time=True))
        terms.append(CostTerm("recurring", recurring / 12, (row >= start + 1).astype(np.float64), area))

    plan = col(vk.LINES_PLAN) if vk.LINES_PLAN in values else np.ones((1, 1))
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
        annual_discount_rate=col(vk.ANNUAL_DISCOUNT_RATE),
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
            else streams.failed_merges_per_month(v(vk.MERGES_PER_MONTH), v(vk.SUCCESS_RATE_BEFORE))
        ),
        one_time_cost_usd=totals["one_time"],
        staff_cost_usd=totals["staff"],
        annual_recurring_cost_usd=totals["recurring"],
        ai_annual_spend_usd=v(vk.AI_ANNUAL_SPEND),
        staff_counted=staff_counted,
    )


def _line_terms(
    scenario: Scenario,
    v: Callable[[vk.ValueKey], Array],
    col: Callable[[vk.ValueKey], Array],
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
    plan_from_month_1 = plan * (row >= 1)  # the pattern of every per-month line of the plan as a whole
    by_year_amount = np.ones_like(v(vk.LOADED_HOURLY_RATE))  # a by-year line's amounts are in its pattern
    for i, line in enumerate(scenario.lines):
        if line.per_month is not None:
            amount = v(vk.line_per_month(i))
            pattern = live[line.area] if line.area else plan_from_month_1
        else:
            gate = col(vk.include(line.area)) if line.area else plan
            years = np.zeros(row.shape[-1])
            for year, x in enumerate(line.by_year or []):
                if 12 * year < years.size:
                    years[12 * year] = x
            amount = by_year_amount
            pattern = gate * years[None, :]
        r = line.risk_adjustment
        if line.is_benefit:
            term = CostTerm("line", amount * (1 - r), pattern, line.area or "", line.nature == "time", i)
            benefits.append(term)
        else:
            term = CostTerm("line", amount * (1 + r) * cost_risk, pattern, line.area or "", line.nature == "time", i)
            cost_terms.append(term)
    return benefits


def _waste(scenario: Scenario, v: Callable[[vk.ValueKey], Array], n: int) -> Array:
    if scenario.merges is None:
        return np.zeros(n)
    return streams.baseline_waste_usd(
        v(vk.MERGES_PER_MONTH),
        v(vk.SUCCESS_RATE_BEFORE),
        v(vk.FIX_HOURS),
        v(vk.LOADED_HOURLY_RATE),
    )


def _shares(scenario: Scenario, col: Callable[[vk.ValueKey], Array]) -> dict[str, Array]:
    """Each area's share of each stream, (draws or 1, 1); for a stream with a ranged share, divided by the stream's
    sum of shares in each draw (the likely shares sum to 1, so the likely case is unchanged)."""
    out = {f"{a}.{s}": col(vk.delivers(a, s)) for a in AREAS for s in STREAMS}
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
