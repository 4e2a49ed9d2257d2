"""A second, deliberately independent implementation of the v1 model, to test `roi` against.

Plain Python floats and loops, one month at a time; nothing from `roi.model`, `roi.streams` or
`roi.finance` is imported, and no numpy. Only `roi.scenario` is used, to read a scenario's values.
The IRR is found by bisection in 50-digit decimal arithmetic, so it is exact to the last float digit.

The model (format v1), months m = 0..H:
- every stream's monthly value at full ramp and growth 1, risk-adjusted so that the adjustment never
  improves a case: S = stream x (1 - r) when stream >= 0, stream x (1 + r) when it is negative;
- benefit(m) = (sum of S) x ramp(m) x growth(m) for m >= 1, ramp(m) = min(1, m / ramp_months)
  (1 when ramp_months = 0), growth(m) = (1 + g) ^ ((m - 1) / 12);
- costs: every area's one-time cost (plus its staff cost when counted) at month 0, and the
  areas' annual recurring cost / 12 in each month 1..H;
- NPV = sum of flow(m) / (1 + d)^m with d = (1 + annual rate)^(1/12) - 1; PV(costs) likewise on the
  costs; ROI = NPV / PV(costs), none when PV(costs) = 0;
- payback: the month after which the cumulative flow stays >= 0 to the horizon, interpolated;
- IRR: the monthly rate zeroing NPV, annualized; none when the flows never change sign.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from roi.scenario import Scenario, likely

AREA_NAMES = ("ci_cd", "testing", "deployment", "observability")
IRR_DIGITS = 50
IRR_RELATIVE_WIDTH = Decimal("1e-15")
IRR_X_HIGH = 10.0


@dataclass(frozen=True)
class OracleResult:
    """Every figure of one scenario, computed the slow and obvious way."""

    streams: dict[str, float]  # monthly, full ramp, growth 1, after risk adjustment
    flows: list[float]  # months 0..H, costs negative
    discounted: list[float]
    npv: float
    pv_costs: float
    payback: float | None
    discounted_payback: float | None
    irr_monthly: float | None
    irr_annual: float | None
    roi: float | None
    one_time: float
    staff: float
    annual_recurring: float
    failed_merges: float
    monthly_waste: float
    delivery_to_ai_ratio: float | None
    delivery_to_ai_ratio_incl_staff: float | None
    extra: dict[str, float] = field(default_factory=dict)


def risk_adjusted(stream: float, risk: float) -> float:
    """Write a gain down by the risk share, and a loss up by it: risk never makes a case look better."""
    if stream >= 0:
        return stream * (1.0 - risk)
    return stream * (1.0 + risk)


def stream_values(s: Scenario) -> dict[str, float]:
    """The four streams' monthly dollars at growth 1 and full ramp, risk-adjusted; 0 for an absent section."""
    rate = likely(s.team.loaded_hourly_rate)
    out = {"merges": 0.0, "builds": 0.0, "incidents": 0.0, "lead_time": 0.0}

    mg = s.merges
    raw = (
        likely(mg.merges_per_month)
        * (likely(mg.success_rate_after) - likely(mg.success_rate_before))
        * likely(mg.fix_hours)
        * rate
    )
    out["merges"] = risk_adjusted(raw, likely(mg.risk_adjustment))

    if s.builds is not None:
        b = s.builds
        minutes_saved = likely(b.build_minutes_before) - likely(b.build_minutes_after)
        raw = likely(b.builds_per_month) * minutes_saved / 60.0 * likely(b.blocked_fraction) * rate
        out["builds"] = risk_adjusted(raw, likely(b.risk_adjustment))

    if s.incidents is not None:
        i = s.incidents
        outage_before = (
            likely(i.deploys_per_month_before) * likely(i.change_failure_rate_before) * likely(i.mttr_hours_before)
        )
        outage_after = (
            likely(i.deploys_per_month_after) * likely(i.change_failure_rate_after) * likely(i.mttr_hours_after)
        )
        price = likely(i.responders_per_incident) * rate + likely(i.downtime_cost_per_hour)
        out["incidents"] = risk_adjusted((outage_before - outage_after) * price, likely(i.risk_adjustment))

    if s.lead_time is not None:
        lt = s.lead_time
        days_saved = likely(lt.lead_time_days_before) - likely(lt.lead_time_days_after)
        raw = likely(lt.changes_per_month) * days_saved * likely(lt.cost_of_delay_per_change_day)
        out["lead_time"] = risk_adjusted(raw, likely(lt.risk_adjustment))
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


def irr_log(flows: list[float], x_low: float | None = None, x_high: float = IRR_X_HIGH) -> Decimal | None:
    """x = ln(1 + monthly IRR), by bisection in 50-digit arithmetic; None if the flows never change sign.

    The bracket is the one the product searches, [-min(50, 600 / H), 10]; None when NPV has the same
    sign at both ends (no root, or an even number of them, inside it). Bisection stops when the bracket
    is narrower than 1e-15 of its midpoint (or of 1e-30, for a root at x = 0).
    """
    if not (any(f > 0 for f in flows) and any(f < 0 for f in flows)):
        return None
    horizon = max(len(flows) - 1, 1)
    if x_low is None:
        x_low = -min(50.0, 600.0 / horizon)
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


def evaluate(s: Scenario) -> OracleResult:
    """Every figure of the scenario at its likely values."""
    horizon = s.finance.horizon_months
    rate = likely(s.team.loaded_hourly_rate)
    hours_per_quarter = likely(s.team.hours_per_engineer_quarter)

    one_time = 0.0
    recurring = 0.0
    quarters = 0.0
    for name in AREA_NAMES:
        area = getattr(s.investments, name)
        one_time += likely(area.one_time)
        recurring += likely(area.annual_recurring)
        quarters += likely(area.engineer_quarters)
    staff = quarters * hours_per_quarter * rate
    upfront = one_time + (staff if s.finance.include_staff_cost else 0.0)
    recurring_monthly = recurring / 12.0

    streams = stream_values(s)
    full = streams["merges"] + streams["builds"] + streams["incidents"] + streams["lead_time"]
    growth = likely(s.growth.volume_growth_per_year)
    ramp_months = s.finance.ramp_months

    flows = [-upfront]
    for m in range(1, horizon + 1):
        ramp = 1.0 if ramp_months == 0 else min(1.0, m / ramp_months)
        grown = (1.0 + growth) ** ((m - 1) / 12.0)
        flows.append(full * ramp * grown - recurring_monthly)

    d = (1.0 + s.finance.annual_discount_rate) ** (1.0 / 12.0) - 1.0
    discounted = [f / (1.0 + d) ** m for m, f in enumerate(flows)]
    npv = sum(discounted)
    pv_costs = upfront + sum(recurring_monthly / (1.0 + d) ** m for m in range(1, horizon + 1))
    irr_m, irr_a = irr(flows)

    mg = s.merges
    failed = likely(mg.merges_per_month) * (1.0 - likely(mg.success_rate_before))
    waste = failed * likely(mg.fix_hours) * rate
    ai = likely(s.ai_tools.annual_spend)
    return OracleResult(
        streams=streams,
        flows=flows,
        discounted=discounted,
        npv=npv,
        pv_costs=pv_costs,
        payback=payback(flows),
        discounted_payback=payback(discounted),
        irr_monthly=irr_m,
        irr_annual=irr_a,
        roi=npv / pv_costs if pv_costs != 0 else None,
        one_time=one_time,
        staff=staff,
        annual_recurring=recurring,
        failed_merges=failed,
        monthly_waste=waste,
        delivery_to_ai_ratio=(one_time + recurring) / ai if ai > 0 else None,
        delivery_to_ai_ratio_incl_staff=(one_time + recurring + staff) / ai if ai > 0 else None,
        extra={"monthly_discount_rate": d, "upfront": upfront},
    )


def descartes_sign_changes(flows: list[float]) -> int:
    """How many times the flows change sign (zeros skipped): 1 means the IRR is unique."""
    signs = [f > 0 for f in flows if f != 0]
    return sum(1 for a, b in itertools.pairwise(signs) if a != b)


def npv_scale(flows: list[float], x: float) -> float:
    """sum |f_m| e^(-m x): the size of the terms whose sum is NPV at x = ln(1 + r), for tolerances."""
    return math.fsum(abs(f) * math.exp(-m * x) for m, f in enumerate(flows))
