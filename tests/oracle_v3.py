"""An independent reference implementation of the cash-flow model, format v3, read from a scenario's RAW data.

`evaluate(data)` takes the dict that `tomllib.loads` gives for a scenario file (schema_version 1, 2 or 3), applies
the defaults the method states, and computes the deterministic (likely) case in plain floats and loops. Nothing is
imported from `roi`; there is no validation (the data is assumed valid) and no numpy.

The model as understood from the design (months m = 0..H+T; H the horizon, T the continuing months, default 0):
- Inputs: a range {low, likely, high} stands for `likely` (default the midpoint; for the whole-month fields
  start_month and build_months, the midpoint rounded half up). R = loaded hourly rate, k = engineer-time
  recapture (default 1), c = 1 + cost risk (default 0), hours per engineer-quarter default 520.
- Four streams a month at growth 1 and full ramp, each split into a time part (engineer hours at R x k) and a cash
  part: merges (time) = merges x (after - before) x fix hours x R x k; builds (time) = builds x (minutes before -
  after) / 60 x blocked fraction x R x k; incidents = outage-hours saved x (responders x R x k [time] + downtime
  cost [cash]); lead time (cash) = changes x days saved x cost of delay. An absent section gives 0. Risk: both parts
  x (1 - r) when the whole stream >= 0, x (1 + r) when it is negative (the sign of the whole, for incidents too).
- Attribution: a stream named by some area's `delivers` takes the named (likely) shares, 0 for the others; a stream
  nobody names follows the default table below.
- Area a, start s, build b, go-live G = s + b, included I (the file's `include`, default true): benefit
  I x ramp(m) x g(m) x sum_s share x S_s, ramp 0 for m <= G, else min(1, (m - G) / ramp_months) (1 for no ramp),
  g(m) = (1 + growth)^((m - 1) / 12). Costs x I x c: one-time (cash) at s; staff (time; engineer-quarters x hours
  x R, when counted) at s if b = 0, else / b in months s+1..s+b; annual recurring / 12 (cash) in months >= s+1.
- Lines of your own: `per_month` from month 1 (with an `area`: from the month after its go-live, times its ramp)
  through H+T, no growth; `by_year` entry n at month 12 n (entry 0 at month 0), dropped past H+T. Benefit x (1 - r),
  cost x (1 + r) x c. A line with an area counts when that area is in the plan; one without counts in the plan and
  every combination, never in one area alone. Nature cash or time (default cash); k does not touch a line.
- Flows beyond H+T are outside. NPV etc. on months 0..H: discount d = (1 + annual rate)^(1/12) - 1; ROI = NPV /
  PV(costs), None when PV(costs) < $1; payback: the month after which the cumulative flow stays >= 0, interpolated
  (None when the last negative month is H; None with `nothing_within_horizon` when every flow in 0..H is 0);
  discounted payback the same on discounted flows; IRR by the 200-point grid in log(1 + r) and bisection; peak
  funding = max(0, -min cumulative); cost by plan year (year 1 = months 0..12, year n = 12(n-1)+1..12n).
  npv_with_continuing_value over 0..H+T; continuing value = that - NPV. Cash figures: the same on the cash parts.
- Sign convention of `lines[].pv_usd`: a benefit line's PV is positive, a cost line's negative (risk and c in),
  over months 0..H; a line whose area is not included lists PV 0.
"""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

AREAS = ("ci_cd", "testing", "deployment", "observability")
STREAMS = ("merges", "builds", "incidents", "lead_time")
#: The method's "Who delivers what": the default attribution (a share not listed is 0).
DEFAULT_SHARES: dict[str, dict[str, float]] = {
    "merges": {"ci_cd": 1 / 2, "testing": 1 / 2},
    "builds": {"ci_cd": 1.0},
    "incidents": {"testing": 1 / 3, "deployment": 1 / 3, "observability": 1 / 3},
    "lead_time": {"ci_cd": 1 / 2, "deployment": 1 / 2},
}
IRR_POINTS = 200
IRR_R_MAX = 1000.0


# ----------------------------------------------------------------------------------------------------- inputs
def likely(value: Any, whole: bool = False) -> float:
    """A number as a float; a range's `likely`, else its midpoint (rounded half up for a whole-month field)."""
    if isinstance(value, Mapping):
        if "likely" in value:
            return float(value["likely"])
        mid = (float(value["low"]) + float(value["high"])) / 2
        return float(math.floor(mid + 0.5)) if whole else mid
    return float(value)


def _num(section: Mapping[str, Any] | None, key: str, default: float, whole: bool = False) -> float:
    if section is None or key not in section:
        return default
    return likely(section[key], whole)


def risk_adjusted(whole: float, part: float, r: float) -> float:
    """A part of a stream, written down by r when the whole stream is a gain, up by r when it is a loss."""
    return part * (1.0 - r) if whole >= 0 else part * (1.0 + r)


@dataclass(frozen=True)
class AreaInputs:
    include: bool
    start: int
    build: int
    one_time: float  # before I and c
    recurring: float  # annual, before I and c
    staff: float  # engineer-quarters x hours x R, before I and c, counted or not
    shares: dict[str, float]


@dataclass(frozen=True)
class LineInputs:
    name: str
    type: str  # "benefit" or "cost"
    nature: str  # "cash" or "time"
    area: str | None
    per_month: float | None
    by_year: list[float] | None
    risk: float


@dataclass(frozen=True)
class Inputs:
    horizon: int
    continuing: int
    rate: float  # R
    recapture: float  # k
    c: float
    hours_per_quarter: float
    engineers: float | None
    ai_spend: float
    annual_discount: float
    ramp_months: float
    growth: float
    include_staff: bool
    streams: dict[str, tuple[float, float]]  # (time, cash): monthly, full ramp, growth 1, k and risk in
    streams_k1_time: dict[str, float]  # time parts with k = 1 (for hours freed)
    failed_merges: float | None
    monthly_waste: float | None
    areas: dict[str, AreaInputs]
    lines: list[LineInputs]


def _streams(data: Mapping[str, Any], rate: float, k: float) -> dict[str, tuple[float, float]]:
    """Each stream's (time, cash) parts a month at growth 1 and full ramp, risk-adjusted by the whole's sign."""
    hour = rate * k
    out = {s: (0.0, 0.0) for s in STREAMS}
    mg = data.get("merges")
    if mg is not None:
        t = _num(mg, "merges_per_month", 0) * (_num(mg, "success_rate_after", 0) - _num(mg, "success_rate_before", 0))
        t *= _num(mg, "fix_hours", 0) * hour
        out["merges"] = (risk_adjusted(t, t, _num(mg, "risk_adjustment", 0)), 0.0)
    b = data.get("builds")
    if b is not None:
        minutes = _num(b, "build_minutes_before", 0) - _num(b, "build_minutes_after", 0)
        t = _num(b, "builds_per_month", 0) * minutes / 60.0 * _num(b, "blocked_fraction", 0) * hour
        out["builds"] = (risk_adjusted(t, t, _num(b, "risk_adjustment", 0)), 0.0)
    i = data.get("incidents")
    if i is not None:
        before = _num(i, "deploys_per_month_before", 0) * _num(i, "change_failure_rate_before", 0)
        before *= _num(i, "mttr_hours_before", 0)
        after = _num(i, "deploys_per_month_after", 0) * _num(i, "change_failure_rate_after", 0)
        after *= _num(i, "mttr_hours_after", 0)
        hours = before - after
        t = hours * (_num(i, "responders_per_incident", 0) * hour)
        cash = hours * _num(i, "downtime_cost_per_hour", 0)
        whole = hours * (_num(i, "responders_per_incident", 0) * hour + _num(i, "downtime_cost_per_hour", 0))
        r = _num(i, "risk_adjustment", 0)
        out["incidents"] = (risk_adjusted(whole, t, r), risk_adjusted(whole, cash, r))
    lt = data.get("lead_time")
    if lt is not None:
        days = _num(lt, "lead_time_days_before", 0) - _num(lt, "lead_time_days_after", 0)
        cash = _num(lt, "changes_per_month", 0) * days * _num(lt, "cost_of_delay_per_change_day", 0)
        out["lead_time"] = (0.0, risk_adjusted(cash, cash, _num(lt, "risk_adjustment", 0)))
    return out


def read(data: Mapping[str, Any]) -> Inputs:
    """The likely inputs of raw scenario data, with the method's defaults for what the file leaves out."""
    team = data.get("team", {})
    fin = data.get("finance", {})
    rate = _num(team, "loaded_hourly_rate", 0)
    k = _num(team, "engineer_time_recapture", 1.0)
    hours_q = _num(team, "hours_per_engineer_quarter", 520.0)
    include_staff = bool(fin.get("include_staff_cost", True))
    invs = data.get("investments", {})
    named: dict[str, dict[str, float]] = {s: {} for s in STREAMS}
    for a in AREAS:
        for s, v in invs.get(a, {}).get("delivers", {}).items():
            named[s][a] = likely(v)
    areas = {}
    for a in AREAS:
        inv = invs.get(a, {})
        shares = {s: (named[s].get(a, 0.0) if named[s] else DEFAULT_SHARES[s].get(a, 0.0)) for s in STREAMS}
        areas[a] = AreaInputs(
            include=bool(inv.get("include", True)),
            start=int(_num(inv, "start_month", 0, whole=True)),
            build=int(_num(inv, "build_months", 0, whole=True)),
            one_time=_num(inv, "one_time", 0),
            recurring=_num(inv, "annual_recurring", 0),
            staff=_num(inv, "engineer_quarters", 0) * hours_q * rate,
            shares=shares,
        )
    lines = [
        LineInputs(
            name=str(ln["name"]),
            type=str(ln["type"]),
            nature=str(ln.get("nature", "cash")),
            area=ln.get("area"),
            per_month=likely(ln["per_month"]) if "per_month" in ln else None,
            by_year=[likely(v) for v in ln["by_year"]] if "by_year" in ln else None,
            risk=_num(ln, "risk_adjustment", 0),
        )
        for ln in data.get("lines", [])
    ]
    mg = data.get("merges")
    failed = waste = None
    if mg is not None:
        failed = _num(mg, "merges_per_month", 0) * (1.0 - _num(mg, "success_rate_before", 0))
        waste = failed * _num(mg, "fix_hours", 0) * rate
    engineers = _num(team, "engineers", -1.0)
    return Inputs(
        horizon=int(fin.get("horizon_months", 36)),
        continuing=int(fin.get("continuing_months", 0)),
        rate=rate,
        recapture=k,
        c=1.0 + float(fin.get("cost_risk_adjustment", 0.0)),
        hours_per_quarter=hours_q,
        engineers=None if engineers < 0 else engineers,
        ai_spend=_num(data.get("ai_tools"), "annual_spend", 0),
        annual_discount=_num(fin, "annual_discount_rate", 0.10),
        ramp_months=_num(fin, "ramp_months", 0),
        growth=_num(data.get("growth"), "volume_growth_per_year", 0),
        include_staff=include_staff,
        streams=_streams(data, rate, k),
        streams_k1_time={s: v[0] for s, v in _streams(data, rate, 1.0).items()},
        failed_merges=failed,
        monthly_waste=waste,
        areas=areas,
        lines=lines,
    )


# ----------------------------------------------------------------------------------------------------- flows
@dataclass
class Parts:
    """Monthly amounts over months 0..H+T: benefits and costs (positive), each split into time and cash."""

    benefit_time: list[float]
    benefit_cash: list[float]
    cost_time: list[float]
    cost_cash: list[float]
    lines: list[list[float]] = field(default_factory=list)  # per line: signed flow (benefit +, cost -)


def _zeros(n: int) -> list[float]:
    return [0.0] * n


def ramp(inp: Inputs, go_live: int, m: int) -> float:
    if m <= go_live:
        return 0.0
    return 1.0 if inp.ramp_months == 0 else min(1.0, (m - go_live) / inp.ramp_months)


def add_area(inp: Inputs, a: str, p: Parts) -> None:
    """Add area a's benefits and costs (as included) to the parts."""
    x = inp.areas[a]
    go_live = x.start + x.build
    full_time = sum(x.shares[s] * inp.streams[s][0] for s in STREAMS)
    full_cash = sum(x.shares[s] * inp.streams[s][1] for s in STREAMS)
    c = inp.c
    for m in range(len(p.cost_cash)):
        r = ramp(inp, go_live, m)
        if r > 0:
            g = (1.0 + inp.growth) ** ((m - 1) / 12.0)
            p.benefit_time[m] += r * g * full_time
            p.benefit_cash[m] += r * g * full_cash
        if m == x.start:
            p.cost_cash[m] += x.one_time * c
        if inp.include_staff:
            if x.build == 0 and m == x.start:
                p.cost_time[m] += x.staff * c
            elif x.build > 0 and x.start + 1 <= m <= x.start + x.build:
                p.cost_time[m] += x.staff * c / x.build
        if m >= x.start + 1:
            p.cost_cash[m] += x.recurring * c / 12.0


def line_amounts(inp: Inputs, ln: LineInputs, n: int) -> list[float]:
    """A line's positive amounts over months 0..n-1, with its risk (and c for a cost)."""
    factor = (1.0 - ln.risk) if ln.type == "benefit" else (1.0 + ln.risk) * inp.c
    out = _zeros(n)
    if ln.per_month is not None:
        for m in range(1, n):
            share = 1.0
            if ln.area is not None:
                x = inp.areas[ln.area]
                share = ramp(inp, x.start + x.build, m)
            out[m] += ln.per_month * share * factor
    if ln.by_year is not None:
        for year, amount in enumerate(ln.by_year):
            if 12 * year < n:
                out[12 * year] += amount * factor
    return out


def plan_parts(inp: Inputs, included: Sequence[str], plan_lines: bool) -> Parts:
    """The flows of the plan funding `included`; lines without an area count when `plan_lines`."""
    n = inp.horizon + inp.continuing + 1
    p = Parts(_zeros(n), _zeros(n), _zeros(n), _zeros(n))
    for a in AREAS:
        if a in included:
            add_area(inp, a, p)
    for ln in inp.lines:
        counts = (ln.area in included) if ln.area is not None else plan_lines
        amounts = line_amounts(inp, ln, n) if counts else _zeros(n)
        target = {
            ("benefit", "time"): p.benefit_time,
            ("benefit", "cash"): p.benefit_cash,
            ("cost", "time"): p.cost_time,
            ("cost", "cash"): p.cost_cash,
        }[(ln.type, ln.nature)]
        for m in range(n):
            target[m] += amounts[m]
        p.lines.append([v if ln.type == "benefit" else -v for v in amounts])
    return p


# ----------------------------------------------------------------------------------------------------- finance
def monthly_rate(annual: float) -> float:
    return (1.0 + annual) ** (1.0 / 12.0) - 1.0


def present_value(flows: Sequence[float], d: float) -> float:
    return sum(f / (1.0 + d) ** m for m, f in enumerate(flows))


def payback(flows: Sequence[float]) -> float | None:
    """Month after which the cumulative flow stays >= 0, interpolated; None if negative at the end or all zero."""
    if all(f == 0 for f in flows):
        return None
    cumulative = list(itertools.accumulate(flows))
    negative = [m for m, v in enumerate(cumulative) if v < 0]
    if not negative:
        return 0.0
    last = negative[-1]
    if last == len(flows) - 1:
        return None
    return last + (-cumulative[last]) / flows[last + 1]


def _npv_sign_value(flows: Sequence[float], x: float) -> float:
    """sum f_m e^(-m x), scaled by a positive factor so that no term overflows (only its sign is used)."""
    shift = max(0.0, -(len(flows) - 1) * x)
    return math.fsum(f * math.exp(-m * x - shift) for m, f in enumerate(flows))


def irr_bounds(horizon: int) -> tuple[float, float]:
    """[x_lo, x_hi] in x = log(1 + r): the widest range where (1 + r)^(H+1) is a normal float, r <= 1000."""
    n = horizon + 1
    x_lo = math.log(sys.float_info.min) / n
    x_hi = min(math.log(1.0 + IRR_R_MAX), math.log(sys.float_info.max) / n)
    while math.exp(x_lo) ** n < sys.float_info.min:
        x_lo = math.nextafter(x_lo, 0.0)
    while True:
        try:
            if math.isfinite(math.exp(x_hi) ** n):
                break
        except OverflowError:
            pass
        x_hi = math.nextafter(x_hi, 0.0)
    return x_lo, x_hi


def irr_grid(flows: Sequence[float]) -> tuple[float | None, bool]:
    """(x = log(1 + monthly IRR) or None, not_unique) by the design's grid rule over months 0..len-1."""
    x_lo, x_hi = irr_bounds(len(flows) - 1)
    xs = [x_lo + (x_hi - x_lo) * i / (IRR_POINTS - 1) for i in range(IRR_POINTS)]
    xs[-1] = x_hi
    values = [_npv_sign_value(flows, x) for x in xs]
    nonzero = [(x, v) for x, v in zip(xs, values, strict=True) if v != 0]
    changes = [(a, b) for a, b in itertools.pairwise(nonzero) if (a[1] > 0) != (b[1] > 0)]
    if not changes:
        return None, False
    if len(changes) > 1:
        return None, True
    (lo, v_lo), (hi, _) = changes[0]
    exact = [x for x, v in zip(xs, values, strict=True) if v == 0 and lo < x < hi]
    if exact:
        return exact[0], False
    for _ in range(400):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        v = _npv_sign_value(flows, mid)
        if v == 0:
            return mid, False
        if (v > 0) == (v_lo > 0):
            lo, v_lo = mid, v
        else:
            hi = mid
    return (lo + hi) / 2, False


def cost_by_year(costs: Sequence[float]) -> list[float]:
    """Costs of months 0..H by plan year: year 1 is months 0..12, year n months 12(n-1)+1..12n."""
    years = _zeros(1 if len(costs) <= 13 else (len(costs) - 2) // 12 + 1)
    for m, v in enumerate(costs):
        years[0 if m <= 12 else (m - 1) // 12] += v
    return years


def _z(x: float | None) -> float | None:
    """No -0: a zero is 0."""
    return None if x is None else x + 0.0


@dataclass(frozen=True)
class Figures:
    """The figures of one set of monthly flows (the plan, one area alone or one combination)."""

    benefits: list[float]  # months 0..H+T
    costs: list[float]
    flows: list[float]
    cash_flows: list[float]
    time_flows: list[float]
    npv: float
    pv_benefits: float
    pv_costs: float
    roi: float | None
    payback: float | None
    discounted_payback: float | None
    nothing_within_horizon: bool
    irr_monthly: float | None
    irr_annual: float | None
    irr_not_unique: bool
    peak_funding: float
    cost_by_year: list[float]
    cash_npv: float
    cash_payback: float | None
    npv_with_continuing_value: float
    continuing_value: float


def figures(inp: Inputs, p: Parts, with_irr: bool = True) -> Figures:
    h = inp.horizon
    n = len(p.cost_cash)
    benefits = [p.benefit_time[m] + p.benefit_cash[m] for m in range(n)]
    costs = [p.cost_time[m] + p.cost_cash[m] for m in range(n)]
    flows = [benefits[m] - costs[m] for m in range(n)]
    cash = [p.benefit_cash[m] - p.cost_cash[m] for m in range(n)]
    time = [p.benefit_time[m] - p.cost_time[m] for m in range(n)]
    d = monthly_rate(inp.annual_discount)
    within = flows[: h + 1]
    nothing = all(f == 0 for f in within)
    npv = present_value(within, d)
    pv_costs = present_value(costs[: h + 1], d)
    discounted = [f / (1.0 + d) ** m for m, f in enumerate(within)]
    irr_x, not_unique = irr_grid(within) if with_irr and not nothing else (None, False)
    npv_all = present_value(flows, d)
    roi = None if nothing or pv_costs < 1.0 else npv / pv_costs
    return Figures(
        benefits=benefits,
        costs=costs,
        flows=flows,
        cash_flows=cash,
        time_flows=time,
        npv=_z(npv),
        pv_benefits=_z(present_value(benefits[: h + 1], d)),
        pv_costs=_z(pv_costs),
        roi=_z(roi),
        payback=_z(payback(within)),
        discounted_payback=None if nothing else _z(payback(discounted)),
        nothing_within_horizon=nothing,
        irr_monthly=None if irr_x is None else math.expm1(irr_x),
        irr_annual=None if irr_x is None else math.expm1(12.0 * irr_x),
        irr_not_unique=not_unique,
        peak_funding=_z(max(0.0, -min(itertools.accumulate(within)))),
        cost_by_year=cost_by_year(costs[: h + 1]),
        cash_npv=_z(present_value(cash[: h + 1], d)),
        cash_payback=_z(payback(cash[: h + 1])),
        npv_with_continuing_value=_z(npv_all),
        continuing_value=_z(npv_all - npv),
    )


# ----------------------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class AreaResult:
    """One area alone, as if it alone were included (the file's include ignored); its own lines in."""

    included: bool  # the file's flag
    go_live_month: int
    investment_usd: float  # (one-time + staff when counted) x c; lines not in
    npv_usd: float
    npv_with_continuing_value_usd: float
    payback_months: float | None
    roi: float | None
    cash_npv_usd: float
    monthly_benefit_usd: float  # month 1, full ramp, growth 1: sum of share x S over the streams
    figures: Figures


@dataclass(frozen=True)
class ComboResult:
    """The plan funding exactly these areas (lines without an area in)."""

    areas: tuple[str, ...]
    npv_usd: float
    npv_with_continuing_value_usd: float
    payback_months: float | None
    first_year_cost_usd: float
    upfront_investment_usd: float
    roi: float | None
    irr_annual: float | None


@dataclass(frozen=True)
class Result:
    """Every figure of the plan as the file has it (JSON names where the design gives them)."""

    inputs: Inputs
    horizon_months: int
    continuing_months: int
    # monthly, months 0..H+T (costs positive)
    benefit: list[float]
    cost: list[float]
    flow: list[float]
    benefit_cash: list[float]
    benefit_time: list[float]
    cost_cash: list[float]
    cost_time: list[float]
    cash_flow: list[float]
    time_flow: list[float]
    npv_usd: float
    pv_benefits_usd: float
    pv_costs_usd: float
    roi: float | None
    payback_months: float | None
    discounted_payback_months: float | None
    nothing_within_horizon: bool
    irr_monthly: float | None
    irr_annual: float | None
    irr_not_unique: bool
    peak_funding_usd: float
    cost_by_year_usd: list[float]
    first_year_cost_usd: float
    cash_npv_usd: float
    cash_payback_months: float | None
    continuing_value_usd: float
    npv_with_continuing_value_usd: float
    failed_merges_per_month: float | None
    monthly_waste_usd: float | None
    monthly_benefit_usd: float  # streams only (= sum of benefit_by_stream_usd)
    monthly_line_benefit_usd: float  # per_month benefit lines of the plan at full ramp, risk in
    benefit_by_stream_usd: dict[str, float]
    one_time_cost_usd: float
    staff_cost_usd: float
    upfront_investment_usd: float
    annual_recurring_cost_usd: float
    delivery_to_ai_ratio: float | None
    delivery_to_ai_ratio_incl_staff: float | None
    annual_delivery_to_ai_ratio: float | None
    engineer_hours_freed_per_month: float | None
    engineers_freed: float | None
    share_of_team_freed: float | None
    lines: list[dict[str, Any]]
    areas: dict[str, AreaResult]
    combinations: dict[tuple[str, ...], ComboResult]


def _upfront(inp: Inputs, included: Sequence[str]) -> float:
    staff = sum(inp.areas[a].staff for a in included) if inp.include_staff else 0.0
    return _z((sum(inp.areas[a].one_time for a in included) + staff) * inp.c)


def area_alone(inp: Inputs, a: str) -> AreaResult:
    x = inp.areas[a]
    f = figures(inp, plan_parts(inp, (a,), plan_lines=False), with_irr=False)
    return AreaResult(
        included=x.include,
        go_live_month=x.start + x.build,
        investment_usd=_upfront(inp, (a,)),
        npv_usd=f.npv,
        npv_with_continuing_value_usd=f.npv_with_continuing_value,
        payback_months=f.payback,
        roi=f.roi,
        cash_npv_usd=f.cash_npv,
        monthly_benefit_usd=_z(sum(x.shares[s] * sum(inp.streams[s]) for s in STREAMS)),
        figures=f,
    )


def combination(inp: Inputs, areas: tuple[str, ...], with_irr: bool = True) -> ComboResult:
    f = figures(inp, plan_parts(inp, areas, plan_lines=True), with_irr=with_irr)
    return ComboResult(
        areas=areas,
        npv_usd=f.npv,
        npv_with_continuing_value_usd=f.npv_with_continuing_value,
        payback_months=f.payback,
        first_year_cost_usd=f.cost_by_year[0],
        upfront_investment_usd=_upfront(inp, areas),
        roi=f.roi,
        irr_annual=f.irr_annual,
    )


def evaluate(data: Mapping[str, Any], *, with_areas: bool = True, with_combinations: bool = True) -> Result:
    """Every figure of raw scenario data (a `tomllib.loads` dict) at its likely values."""
    inp = read(data)
    h = inp.horizon
    included = tuple(a for a in AREAS if inp.areas[a].include)
    p = plan_parts(inp, included, plan_lines=True)
    f = figures(inp, p)
    d = monthly_rate(inp.annual_discount)
    c = inp.c

    by_stream = {s: _z(sum(inp.streams[s]) * sum(inp.areas[a].shares[s] for a in included)) for s in STREAMS}
    one_time = sum(inp.areas[a].one_time for a in included) * c
    staff = sum(inp.areas[a].staff for a in included) * c
    recurring = sum(inp.areas[a].recurring for a in included) * c

    def per_ai(amount: float) -> float | None:
        """None without AI spend, or when a tiny one makes the ratio overflow (JSON has no Infinity)."""
        ratio = amount / inp.ai_spend if inp.ai_spend > 0 else math.inf
        return _z(ratio) if math.isfinite(ratio) else None

    hours = None
    engineers = share = None
    if inp.rate > 0:
        time_k1 = sum(inp.areas[a].shares[s] * inp.streams_k1_time[s] for a in included for s in STREAMS)
        hours = _z(time_k1 / inp.rate)
        engineers = _z(hours / (inp.hours_per_quarter / 3.0)) if inp.hours_per_quarter > 0 else None
        if engineers is not None and inp.engineers:
            share = _z(engineers / inp.engineers)

    line_benefit = 0.0
    for ln in inp.lines:
        if ln.type == "benefit" and ln.per_month is not None and (ln.area is None or ln.area in included):
            line_benefit += ln.per_month * (1.0 - ln.risk)

    lines = [
        {"name": ln.name, "type": ln.type, "nature": ln.nature, "pv_usd": _z(present_value(flow[: h + 1], d))}
        for ln, flow in zip(inp.lines, p.lines, strict=True)
    ]
    combos = {}
    if with_combinations:
        for size in range(1, len(AREAS) + 1):
            for subset in itertools.combinations(AREAS, size):
                combos[subset] = combination(inp, subset)
    return Result(
        inputs=inp,
        horizon_months=h,
        continuing_months=inp.continuing,
        benefit=f.benefits,
        cost=f.costs,
        flow=f.flows,
        benefit_cash=p.benefit_cash,
        benefit_time=p.benefit_time,
        cost_cash=p.cost_cash,
        cost_time=p.cost_time,
        cash_flow=f.cash_flows,
        time_flow=f.time_flows,
        npv_usd=f.npv,
        pv_benefits_usd=f.pv_benefits,
        pv_costs_usd=f.pv_costs,
        roi=f.roi,
        payback_months=f.payback,
        discounted_payback_months=f.discounted_payback,
        nothing_within_horizon=f.nothing_within_horizon,
        irr_monthly=f.irr_monthly,
        irr_annual=f.irr_annual,
        irr_not_unique=f.irr_not_unique,
        peak_funding_usd=f.peak_funding,
        cost_by_year_usd=f.cost_by_year,
        first_year_cost_usd=f.cost_by_year[0],
        cash_npv_usd=f.cash_npv,
        cash_payback_months=f.cash_payback,
        continuing_value_usd=f.continuing_value,
        npv_with_continuing_value_usd=f.npv_with_continuing_value,
        failed_merges_per_month=inp.failed_merges,
        monthly_waste_usd=inp.monthly_waste,
        monthly_benefit_usd=_z(sum(by_stream.values())),
        monthly_line_benefit_usd=_z(line_benefit),
        benefit_by_stream_usd=by_stream,
        one_time_cost_usd=_z(one_time),
        staff_cost_usd=_z(staff),
        upfront_investment_usd=_upfront(inp, included),
        annual_recurring_cost_usd=_z(recurring),
        delivery_to_ai_ratio=per_ai(one_time + recurring),
        delivery_to_ai_ratio_incl_staff=per_ai(one_time + recurring + staff),
        annual_delivery_to_ai_ratio=per_ai(sum(f.costs[: h + 1]) * 12.0 / max(h, 12)),
        engineer_hours_freed_per_month=hours,
        engineers_freed=engineers,
        share_of_team_freed=share,
        lines=lines,
        areas={a: area_alone(inp, a) for a in AREAS} if with_areas else {},
        combinations=combos,
    )
