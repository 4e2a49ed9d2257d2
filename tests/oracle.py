"""A second, deliberately independent implementation of the model (format v2), to test `roi` against.

Plain Python floats and loops, one month and one area at a time; nothing from `roi.model`, `roi.streams`,
`roi.finance` or `roi.plan` is imported, and no numpy. Only `roi.scenario` is used, to read a scenario's values
(and `likely`); the attribution is worked out here from the method's table and the file's `delivers`, not taken
from `Scenario.attribution()`. The IRR is found by bisection in 50-digit decimal arithmetic, so it is exact to
the last float digit.

The model, months m = 0..H, R the loaded rate, k the share of freed engineer time recaptured, c = 1 + cost risk:
- every stream's monthly value at full ramp and growth 1 (engineer-hours priced at R x k, downtime and cost of
  delay not), risk-adjusted so that the adjustment never improves a case: S = stream x (1 - r) when
  stream >= 0, stream x (1 + r) when it is negative;
- who delivers what: for a stream some area's `delivers` names, the named shares (a missing one is 0); for a
  stream none names, the default table (merges 1/2 CI/CD, 1/2 testing; builds CI/CD; incidents 1/3 each to
  testing, deployment and observability; lead time 1/2 CI/CD, 1/2 deployment);
- area a (included or not, I_a = 1 or 0), start s, build b, go-live G = s + b: its benefit in month m is
  I_a x ramp(m - G) x growth(m) x sum over streams of share x S, with ramp(t) = 0 for t <= 0, else
  min(1, t / ramp_months) (1 when ramp_months = 0), growth(m) = (1 + g) ^ ((m - 1) / 12);
- its costs, each x I_a x c: one-time at month s; the staff cost (engineer-quarters x hours x R, when counted) all
  at s when b = 0, else spread evenly over months s + 1 .. s + b; annual recurring / 12 in every month >= s + 1;
  whatever falls after month H is outside the analysis;
- NPV = sum of flow(m) / (1 + d)^m with d = (1 + annual rate)^(1/12) - 1; PV(costs) likewise on the costs;
  ROI = NPV / PV(costs), none when PV(costs) = 0;
- payback: the month after which the cumulative flow stays >= 0 to the horizon, interpolated;
- IRR: the monthly rate zeroing NPV, annualized; none when the flows never change sign;
- peak funding, cost by plan year (year 1 = months 0..12, year n = 12(n-1)+1 .. 12n), the spend ratios, the
  month-1 figures of the included areas, and each area alone (its own flows, as if it were the only area).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from roi.scenario import Scenario, likely

AREA_NAMES = ("ci_cd", "testing", "deployment", "observability")
STREAM_NAMES = ("merges", "builds", "incidents", "lead_time")
#: the method's default attribution, written out again here (a share not listed is 0).
DEFAULT_SHARES: dict[str, dict[str, float]] = {
    "merges": {"ci_cd": 1 / 2, "testing": 1 / 2},
    "builds": {"ci_cd": 1.0},
    "incidents": {"testing": 1 / 3, "deployment": 1 / 3, "observability": 1 / 3},
    "lead_time": {"ci_cd": 1 / 2, "deployment": 1 / 2},
}
IRR_DIGITS = 50
IRR_RELATIVE_WIDTH = Decimal("1e-15")
#: The search range of the method (format v3): monthly r at most 1000, and (1 + r)^(H + 1) a normal float.
IRR_HIGHEST_MONTHLY = 1000.0
LOG_LARGEST_FLOAT = math.log(1.7976931348623157e308)
LOG_SMALLEST_NORMAL = math.log(2.2250738585072014e-308)


@dataclass(frozen=True)
class AreaAlone:
    """One area's own flows, as if it were the only area included (whatever the file's `include` says)."""

    included: bool
    go_live_month: float
    investment: float  # (one-time + staff when counted) x c
    npv: float
    payback: float | None
    roi: float | None
    monthly_benefit: float  # month 1 at full ramp and growth 1: sum over streams of share x S
    flows: list[float]
    costs: list[float]


@dataclass(frozen=True)
class OracleResult:
    """Every figure of one scenario (or of one plan: a choice of included areas and start months)."""

    streams: dict[str, float]  # S: monthly, full ramp, growth 1, recapture and risk adjustment in
    attribution: dict[str, dict[str, float]]  # by area, by stream
    included: dict[str, bool]
    start_months: dict[str, int]
    benefits: list[float]  # months 0..H
    costs: list[float]  # months 0..H, positive amounts
    flows: list[float]  # months 0..H, costs negative
    discounted: list[float]
    npv: float
    pv_costs: float
    payback: float | None
    discounted_payback: float | None
    irr_monthly: float | None
    irr_annual: float | None
    roi: float | None
    peak_funding: float
    cost_by_year: list[float]
    first_year_cost: float
    cumulative_zero_crossings: int
    benefit_by_stream: dict[str, float]  # month 1 at full ramp: S x sum of the included areas' shares
    monthly_benefit: float
    one_time: float  # of the included areas, x c
    staff: float  # of the included areas, x c, counted in the flows or not
    annual_recurring: float  # of the included areas, x c
    upfront: float  # one-time + staff when counted
    failed_merges: float
    monthly_waste: float
    delivery_to_ai_ratio: float | None
    delivery_to_ai_ratio_incl_staff: float | None
    annual_delivery_to_ai_ratio: float | None
    areas: dict[str, AreaAlone]
    extra: dict[str, float] = field(default_factory=dict)


def risk_adjusted(stream: float, risk: float) -> float:
    """Write a gain down by the risk share, and a loss up by it: risk never makes a case look better."""
    if stream >= 0:
        return stream * (1.0 - risk)
    return stream * (1.0 + risk)


def stream_values(s: Scenario) -> dict[str, float]:
    """The four streams' monthly dollars at growth 1 and full ramp, risk-adjusted; 0 for an absent section.

    A freed engineer-hour is worth the loaded rate times the share of freed time recaptured (merges, builds and
    the incident responders); downtime and cost of delay are business money, not engineer time.
    """
    hour = likely(s.team.loaded_hourly_rate) * likely(s.team.engineer_time_recapture)
    out = {"merges": 0.0, "builds": 0.0, "incidents": 0.0, "lead_time": 0.0}

    mg = s.merges
    raw = (
        likely(mg.merges_per_month)
        * (likely(mg.success_rate_after) - likely(mg.success_rate_before))
        * likely(mg.fix_hours)
        * hour
    )
    out["merges"] = risk_adjusted(raw, likely(mg.risk_adjustment))

    if s.builds is not None:
        b = s.builds
        minutes_saved = likely(b.build_minutes_before) - likely(b.build_minutes_after)
        raw = likely(b.builds_per_month) * minutes_saved / 60.0 * likely(b.blocked_fraction) * hour
        out["builds"] = risk_adjusted(raw, likely(b.risk_adjustment))

    if s.incidents is not None:
        i = s.incidents
        outage_before = (
            likely(i.deploys_per_month_before) * likely(i.change_failure_rate_before) * likely(i.mttr_hours_before)
        )
        outage_after = (
            likely(i.deploys_per_month_after) * likely(i.change_failure_rate_after) * likely(i.mttr_hours_after)
        )
        price = likely(i.responders_per_incident) * hour + likely(i.downtime_cost_per_hour)
        out["incidents"] = risk_adjusted((outage_before - outage_after) * price, likely(i.risk_adjustment))

    if s.lead_time is not None:
        lt = s.lead_time
        days_saved = likely(lt.lead_time_days_before) - likely(lt.lead_time_days_after)
        raw = likely(lt.changes_per_month) * days_saved * likely(lt.cost_of_delay_per_change_day)
        out["lead_time"] = risk_adjusted(raw, likely(lt.risk_adjustment))
    return out


def attribution(s: Scenario) -> dict[str, dict[str, float]]:
    """Share of each stream each area delivers, by area: the file's named shares, else the method's table.

    A stream counts as named when any area's `delivers` gives it a share; then every area that does not is 0.
    """
    out: dict[str, dict[str, float]] = {a: {} for a in AREA_NAMES}
    for stream in STREAM_NAMES:
        named = {}
        for a in AREA_NAMES:
            value = getattr(getattr(s.investments, a).delivers, stream)
            if value is not None:
                named[a] = float(value)
        for a in AREA_NAMES:
            if named:
                out[a][stream] = named.get(a, 0.0)
            else:
                out[a][stream] = DEFAULT_SHARES[stream].get(a, 0.0)
    return out


def payback(flows: list[float]) -> float | None:
    """Months until the cumulative flow turns >= 0 for good, interpolated; None if it is negative at the end.

    0 when the cumulative flow is never negative. Otherwise L is the last month with a negative
    cumulative flow C(L); if L is the horizon there is no payback, else it is L + (-C(L)) / flow(L + 1).
    """
    cumulative = []
    total = 0.0
    for f in flows:
        total += f
        cumulative.append(total)
    last_negative = None
    for month, c in enumerate(cumulative):
        if c < 0:
            last_negative = month
    if all(f == 0 for f in flows):
        return None  # nothing spent or earned within the horizon: no payback, never "0 months"
    if last_negative is None:
        return 0.0
    if last_negative == len(flows) - 1:
        return None
    return last_negative + (-cumulative[last_negative]) / flows[last_negative + 1]


def _npv_decimal(flows: list[Decimal], x: Decimal) -> Decimal:
    """sum f_m e^(-m x), by Horner's scheme in v = e^(-x) (call inside a high-precision context)."""
    v = (-x).exp()
    total = Decimal(0)
    for f in reversed(flows):
        total = total * v + f
    return total


def irr_log(flows: list[float], x_low: float | None = None, x_high: float | None = None) -> Decimal | None:
    """x = ln(1 + monthly IRR), by bisection in 50-digit arithmetic; None if the flows never change sign.

    The bracket is the method's, x from ln(smallest normal float) / (H + 1) to the lesser of ln(1001) and
    ln(largest float) / (H + 1); None when NPV has the same sign at both ends (no root, or an even number of them,
    inside it). Bisection stops when the bracket is narrower than 1e-15 of its midpoint (or of 1e-30, for a root
    at x = 0).
    """
    if not (any(f > 0 for f in flows) and any(f < 0 for f in flows)):
        return None
    periods = len(flows)
    if x_low is None:
        x_low = LOG_SMALLEST_NORMAL / periods
    if x_high is None:
        x_high = min(math.log(1 + IRR_HIGHEST_MONTHLY), LOG_LARGEST_FLOAT / periods)
    with localcontext() as ctx:
        ctx.prec = IRR_DIGITS
        exact = [Decimal(f) for f in flows]  # a float converts to Decimal exactly
        lo, hi = Decimal(x_low), Decimal(x_high)
        f_lo, f_hi = _npv_decimal(exact, lo), _npv_decimal(exact, hi)
        if f_lo == 0:
            return lo
        if f_hi == 0:
            return hi
        if (f_lo > 0) == (f_hi > 0):
            return None
        floor = Decimal("1e-30")
        for _ in range(1000):
            mid = (lo + hi) / 2
            if hi - lo <= IRR_RELATIVE_WIDTH * max(abs(mid), floor):
                return mid
            f_mid = _npv_decimal(exact, mid)
            if f_mid == 0:
                return mid
            if (f_mid > 0) == (f_lo > 0):
                lo, f_lo = mid, f_mid
            else:
                hi = mid
        return (lo + hi) / 2


def irr(flows: list[float]) -> tuple[float | None, float | None]:
    """(monthly IRR, annual IRR) of monthly flows, each None when there is none."""
    x = irr_log(flows)
    if x is None:
        return None, None
    with localcontext() as ctx:
        ctx.prec = IRR_DIGITS
        monthly = x.exp() - 1
        annual = (12 * x).exp() - 1
    return float(monthly), float(annual)


def npv_at_rate(flows: list[float], monthly_rate: float) -> float:
    """sum flow(m) / (1 + rate)^m, month 0 undiscounted."""
    return sum(f / (1.0 + monthly_rate) ** m for m, f in enumerate(flows))


def monthly_rate(s: Scenario) -> float:
    """d = (1 + annual rate)^(1/12) - 1."""
    return (1.0 + likely(s.finance.annual_discount_rate)) ** (1.0 / 12.0) - 1.0


def plan_year(month: int) -> int:
    """0-based plan year of a month: year 1 (index 0) is months 0..12, year n is months 12(n-1)+1 .. 12n."""
    return 0 if month <= 12 else (month - 1) // 12


def cost_by_year(costs: list[float]) -> list[float]:
    """Costs (months 0..H) summed by plan year."""
    years = [0.0] * (plan_year(len(costs) - 1) + 1)
    for m, c in enumerate(costs):
        years[plan_year(m)] += c
    return years


@dataclass(frozen=True)
class _Area:
    """One area's inputs at their likely values, and its money before I_a and c."""

    start: int
    build: int
    one_time: float
    annual_recurring: float
    staff: float  # engineer-quarters x hours x R: the staff cost whether or not it is counted
    shares: dict[str, float]


def _areas(s: Scenario) -> dict[str, _Area]:
    rate = likely(s.team.loaded_hourly_rate)
    hours = likely(s.team.hours_per_engineer_quarter)
    shares = attribution(s)
    out = {}
    for a in AREA_NAMES:
        inv = getattr(s.investments, a)
        build = likely(inv.build_months)
        assert float(build).is_integer() and float(inv.start_month).is_integer()
        out[a] = _Area(
            start=int(inv.start_month),
            build=int(build),
            one_time=likely(inv.one_time),
            annual_recurring=likely(inv.annual_recurring),
            staff=likely(inv.engineer_quarters) * hours * rate,
            shares=shares[a],
        )
    return out


def area_flows(s: Scenario, area: str, start: int | None = None) -> tuple[list[float], list[float]]:
    """(benefits, costs) of one area, months 0..H, as if it were included; start month as the file says or given.

    Costs are positive amounts with the cost risk in; what would fall after month H is left out.
    """
    horizon = s.finance.horizon_months
    ramp_months = s.finance.ramp_months
    growth = likely(s.growth.volume_growth_per_year)
    c = 1.0 + s.finance.cost_risk_adjustment
    streams = stream_values(s)
    x = _areas(s)[area]
    start = x.start if start is None else start
    go_live = start + x.build
    full = 0.0
    for stream in STREAM_NAMES:
        full += x.shares[stream] * streams[stream]

    benefits = [0.0] * (horizon + 1)
    costs = [0.0] * (horizon + 1)
    for m in range(horizon + 1):
        if m > go_live:
            since = m - go_live
            ramp = 1.0 if ramp_months == 0 else min(1.0, since / ramp_months)
            benefits[m] = ramp * (1.0 + growth) ** ((m - 1) / 12.0) * full
        cost = 0.0
        if m == start:
            cost += x.one_time * c
        if s.finance.include_staff_cost:
            if x.build == 0 and m == start:
                cost += x.staff * c
            elif x.build > 0 and start + 1 <= m <= start + x.build:
                cost += x.staff * c / x.build
        if m >= start + 1:
            cost += x.annual_recurring * c / 12.0
        costs[m] = cost
    return benefits, costs


def _figures(flows: list[float], costs: list[float], d: float) -> tuple[list[float], float, float, float | None]:
    """(discounted flows, NPV, PV(costs), ROI); ROI None when nothing is spent, or so little (a cost of 1e-320
    dollars) that the ratio overflows: a figure that is not finite is reported as null, like every other."""
    discounted = [f / (1.0 + d) ** m for m, f in enumerate(flows)]
    npv = sum(discounted)
    pv_costs = sum(c / (1.0 + d) ** m for m, c in enumerate(costs))
    roi = npv / pv_costs if pv_costs >= 1.0 else None  # under $1 of cost, ROI is not meaningful
    return discounted, npv, pv_costs, (roi if roi is not None and math.isfinite(roi) else None)


def alone(s: Scenario, area: str) -> AreaAlone:
    """One area's own flows as if it were the only area included: the method's "each area alone"."""
    x = _areas(s)[area]
    c = 1.0 + s.finance.cost_risk_adjustment
    benefits, costs = area_flows(s, area)
    flows = [b - k for b, k in zip(benefits, costs, strict=True)]
    _, npv, _, roi = _figures(flows, costs, monthly_rate(s))
    streams = stream_values(s)
    return AreaAlone(
        included=bool(getattr(s.investments, area).include),
        go_live_month=float(x.start + x.build),
        investment=(x.one_time + (x.staff if s.finance.include_staff_cost else 0.0)) * c,
        npv=npv,
        payback=payback(flows),
        roi=roi,
        monthly_benefit=sum(x.shares[st] * streams[st] for st in STREAM_NAMES),
        flows=flows,
        costs=costs,
    )


def cumulative_zero_crossings(flows: list[float]) -> int:
    """How often the cumulative flow moves between < 0 and >= 0 from one month to the next."""
    below = []
    total = 0.0
    for f in flows:
        total += f
        below.append(total < 0)
    return sum(1 for a, b in itertools.pairwise(below) if a != b)


def evaluate(
    s: Scenario,
    include: Mapping[str, bool] | None = None,
    start_months: Mapping[str, int] | None = None,
    *,
    with_irr: bool = True,
    with_areas: bool = True,
) -> OracleResult:
    """Every figure of the scenario at its likely values.

    `include` and `start_months` replace the file's include flags and start months for the areas they name: the
    plan with only those areas funded, starting then (combinations and phasing). Without IRR (slow, exact) and
    each area alone, when the caller does not need them.
    """
    horizon = s.finance.horizon_months
    c = 1.0 + s.finance.cost_risk_adjustment
    xs = _areas(s)
    included = {a: bool(getattr(s.investments, a).include) for a in AREA_NAMES}
    included.update(include or {})
    starts = {a: xs[a].start for a in AREA_NAMES}
    starts.update(start_months or {})

    benefits = [0.0] * (horizon + 1)
    costs = [0.0] * (horizon + 1)
    for a in AREA_NAMES:
        if not included[a]:
            continue  # I_a = 0: neither benefit nor cost
        area_benefits, area_costs = area_flows(s, a, starts[a])
        for m in range(horizon + 1):
            benefits[m] += area_benefits[m]
            costs[m] += area_costs[m]
    flows = [b - k for b, k in zip(benefits, costs, strict=True)]

    d = monthly_rate(s)
    discounted, npv, pv_costs, roi = _figures(flows, costs, d)
    irr_m, irr_a = irr(flows) if with_irr else (None, None)
    cumulative = list(itertools.accumulate(flows))
    years = cost_by_year(costs)

    streams = stream_values(s)
    by_stream = {st: streams[st] * sum(xs[a].shares[st] for a in AREA_NAMES if included[a]) for st in STREAM_NAMES}
    one_time = sum(xs[a].one_time * c for a in AREA_NAMES if included[a])
    staff = sum(xs[a].staff * c for a in AREA_NAMES if included[a])
    recurring = sum(xs[a].annual_recurring * c for a in AREA_NAMES if included[a])

    rate = likely(s.team.loaded_hourly_rate)
    mg = s.merges
    failed = likely(mg.merges_per_month) * (1.0 - likely(mg.success_rate_before))
    ai = likely(s.ai_tools.annual_spend)

    def per_ai(amount: float) -> float | None:
        """None when there is no AI spend, and when a tiny one (1e-309) would make the ratio overflow."""
        if ai <= 0:
            return None
        ratio = amount / ai
        return ratio if math.isfinite(ratio) else None

    return OracleResult(
        streams=streams,
        attribution={a: dict(xs[a].shares) for a in AREA_NAMES},
        included=included,
        start_months=starts,
        benefits=benefits,
        costs=costs,
        flows=flows,
        discounted=discounted,
        npv=npv,
        pv_costs=pv_costs,
        payback=payback(flows),
        discounted_payback=payback(discounted),
        irr_monthly=irr_m,
        irr_annual=irr_a,
        roi=roi,
        peak_funding=max(0.0, -min(cumulative)),
        cost_by_year=years,
        first_year_cost=years[0],
        cumulative_zero_crossings=cumulative_zero_crossings(flows),
        benefit_by_stream=by_stream,
        monthly_benefit=sum(by_stream.values()),
        one_time=one_time,
        staff=staff,
        annual_recurring=recurring,
        upfront=one_time + (staff if s.finance.include_staff_cost else 0.0),
        failed_merges=failed,
        monthly_waste=failed * likely(mg.fix_hours) * rate,
        delivery_to_ai_ratio=per_ai(one_time + recurring),
        delivery_to_ai_ratio_incl_staff=per_ai(one_time + recurring + staff),
        annual_delivery_to_ai_ratio=per_ai(sum(costs) * 12.0 / max(horizon, 12)),
        areas={a: alone(s, a) for a in AREA_NAMES} if with_areas else {},
        extra={"monthly_discount_rate": d},
    )


def descartes_sign_changes(flows: list[float]) -> int:
    """How many times the flows change sign (zeros skipped): 1 means the IRR is unique."""
    signs = [f > 0 for f in flows if f != 0]
    return sum(1 for a, b in itertools.pairwise(signs) if a != b)


def npv_scale(flows: list[float], x: float) -> float:
    """sum |f_m| e^(-m x): the size of the terms whose sum is NPV at x = ln(1 + r), for tolerances."""
    return math.fsum(abs(f) * math.exp(-m * x) for m, f in enumerate(flows))
