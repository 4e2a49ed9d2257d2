"""Finance metrics on monthly cash flows: NPV, IRR, payback, written once.

Every function takes flows shaped (..., months) with month 0 first, so one scenario (a 1-D row)
and a whole Monte Carlo sample (a 2-D array, one row per draw) go through the same code.
"Never" is +inf for payback and NaN for IRR; the edges turn both into null.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def monthly_rate(annual_rate: float) -> float:
    """The monthly rate that compounds to the annual one: (1 + r)^(1/12) - 1."""
    return float((1 + annual_rate) ** (1 / 12) - 1)


def annualize(monthly: ArrayLike) -> Array:
    """A monthly rate compounded over twelve months: (1 + r)^12 - 1."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray((1 + np.asarray(monthly, dtype=np.float64)) ** 12 - 1, dtype=np.float64)


def discount_factors(rate: float, periods: int) -> Array:
    """1 / (1 + rate)^m for m = 0..periods-1."""
    return np.asarray((1 + rate) ** -np.arange(periods, dtype=np.float64), dtype=np.float64)


def discounted(rate: float, flows: ArrayLike) -> Array:
    """Each flow divided by (1 + rate)^m, month 0 undiscounted."""
    values = np.asarray(flows, dtype=np.float64)
    return values * discount_factors(rate, values.shape[-1])


def npv(rate: float, flows: ArrayLike) -> Array:
    """Net present value, as numpy_financial.npv: sum of flows / (1 + rate)^m from m = 0."""
    values = np.asarray(flows, dtype=np.float64)
    return np.asarray(values @ discount_factors(rate, values.shape[-1]), dtype=np.float64)


def payback_months(flows: ArrayLike, cumulative: ArrayLike | None = None) -> Array:
    """The month after which the cumulative flow stays >= 0 to the horizon, interpolated; inf if it never does.

    0 when the cumulative flow is >= 0 in every month (nothing to pay back). Otherwise, with L the last month
    whose cumulative flow is < 0: inf when L is the horizon, else L + (-cumulative(L)) / flow(L + 1). A
    cumulative flow that crosses zero and sinks again has not paid back at its first crossing, and a plan with
    no outlay whose flows turn negative never pays back.
    """
    values = np.asarray(flows, dtype=np.float64)
    cumulative = np.cumsum(values, axis=-1) if cumulative is None else np.asarray(cumulative, dtype=np.float64)
    below = cumulative < 0
    any_below = below.any(axis=-1)
    horizon = values.shape[-1] - 1
    last_below = horizon - np.argmax(below[..., ::-1], axis=-1)
    inside = any_below & (last_below < horizon)
    after = np.minimum(last_below + 1, horizon)
    before = np.take_along_axis(cumulative, last_below[..., None], axis=-1)[..., 0]
    flow_after = np.take_along_axis(values, after[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # rows discarded below
        crossing = last_below + (-before) / np.where(inside, flow_after, 1.0)
    out = np.where(inside, crossing, np.inf)
    return np.asarray(np.where(any_below, out, 0.0), dtype=np.float64)


def zero_crossings(flows: ArrayLike, cumulative: ArrayLike | None = None) -> NDArray[np.int64]:
    """How often the cumulative flow moves between < 0 and >= 0 from one month to the next.

    1 for the classic project (spend, then pay back); more means the plan pays back, sinks again, and so on.
    """
    cumulative = np.cumsum(np.asarray(flows, dtype=np.float64), axis=-1) if cumulative is None else cumulative
    below = np.asarray(cumulative) < 0
    return np.asarray((below[..., 1:] != below[..., :-1]).sum(axis=-1), dtype=np.int64)


def peak_funding(flows: ArrayLike, cumulative: ArrayLike | None = None) -> Array:
    """The most cash the plan needs before it pays back: max(0, -min over t of the cumulative flow)."""
    cumulative = np.cumsum(np.asarray(flows, dtype=np.float64), axis=-1) if cumulative is None else cumulative
    cumulative = np.asarray(cumulative, dtype=np.float64)
    return np.asarray(np.maximum(0.0, -cumulative.min(axis=-1)), dtype=np.float64)


def plan_year_edges(months: int) -> list[int]:
    """Where each plan year starts in a 0..H month axis: year 1 is months 0..12, year n months 12(n-1)+1..12n."""
    return [0, *range(13, months, 12)]


def by_plan_year(values: ArrayLike) -> Array:
    """Monthly amounts (..., months 0..H) summed by plan year (..., years)."""
    array = np.asarray(values, dtype=np.float64)
    return np.asarray(np.add.reduceat(array, plan_year_edges(array.shape[-1]), axis=-1), dtype=np.float64)


def irr(flows: ArrayLike, *, tol: float = 1e-12, max_iter: int = 200) -> Array:
    """Monthly internal rate of return, NaN where there is none (flows never change sign, or no root in range).

    Solves sum f_m e^(-m x) = 0 for x = ln(1 + r) by Newton's method kept inside a sign-change bracket
    (bisection when Newton would leave it), all draws at once. Where flows change sign more than once
    there can be several roots; the one inside the bracket [ln(1 + r_low), ln(1 + r_high)] is returned.
    """
    values = np.asarray(flows, dtype=np.float64)
    shape = values.shape[:-1]
    rows = values.reshape(-1, values.shape[-1])
    n, periods = rows.shape
    out = np.full(n, np.nan)

    months = np.arange(periods, dtype=np.float64)

    def npv_at(x: Array, sub: Array) -> tuple[Array, Array]:
        """NPV at x = ln(1 + r) and its slope in x."""
        if sub.shape[0] * periods <= 20_000:  # a few rows: one dense evaluation beats a loop over months
            discounted = sub * np.exp(-np.outer(x, months))
            return discounted.sum(axis=1), -(discounted * months).sum(axis=1)
        # Many draws: Horner's scheme in v = e^(-x), p(v) = sum f_m v^m, dp/dx = -v p'(v); a loop over months.
        v = np.exp(-x)
        value = sub[:, -1].copy()
        slope_v = np.zeros_like(value)
        for m in range(periods - 2, -1, -1):
            slope_v = slope_v * v + value
            value = value * v + sub[:, m]
        return value, -v * slope_v

    def magnitude_at(x: Array, sub: Array) -> Array:
        """The sum of the discounted flows' magnitudes at x (the scale "NPV is zero" is judged against)."""
        return np.asarray((np.abs(sub) * np.exp(-np.outer(x, months))).sum(axis=1), dtype=np.float64)

    horizon = max(periods - 1, 1)
    x_lo = -min(50.0, 600.0 / horizon)  # keeps e^(-m x) finite
    x_hi = 10.0
    changes = (rows > 0).any(axis=1) & (rows < 0).any(axis=1)
    idx = np.flatnonzero(changes)
    lo = np.full(idx.size, x_lo)
    hi = np.full(idx.size, x_hi)
    f_lo, _ = npv_at(lo, rows[idx])
    f_hi, _ = npv_at(hi, rows[idx])
    bracketed = np.sign(f_lo) != np.sign(f_hi)
    out[idx[f_lo == 0]] = np.expm1(x_lo)
    out[idx[f_hi == 0]] = np.expm1(x_hi)
    keep = bracketed & (f_lo != 0) & (f_hi != 0)
    idx, lo, hi, f_lo = idx[keep], lo[keep], hi[keep], f_lo[keep]
    sub = rows[idx]
    raw = np.abs(sub).sum(axis=1)
    x = np.zeros(idx.size)
    last_step = step_before = hi - lo
    for _ in range(max_iter):
        if idx.size == 0:
            break
        f, df = npv_at(x, sub)
        same = np.sign(f) == np.sign(f_lo)
        lo = np.where(same, x, lo)
        f_lo = np.where(same, f, f_lo)
        hi = np.where(same, hi, x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            step = x - f / df
        # Newton only when it stays inside the bracket and is under half the step before last (Numerical
        # Recipes' rtsafe); otherwise bisect, so a creeping Newton (NPV far from its root looks exponential)
        # cannot stall.
        newton_ok = np.isfinite(step) & (step > lo) & (step < hi) & (np.abs(step - x) < 0.5 * np.abs(step_before))
        x_new = np.where(newton_ok, step, (lo + hi) / 2)
        step_before, last_step = last_step, x_new - x
        # "Zero" is judged against the discounted flows' magnitudes at x, never the raw ones: with fast growth
        # the late flows are huge undiscounted but small at the root, and a raw scale would stop far from it.
        # The raw magnitudes times the largest discount factor bound them from above, so the discounted ones are
        # computed only for the few rows that might pass.
        exact = np.abs(f) <= 1e-13 * raw * np.exp(np.maximum(0.0, -x) * (periods - 1))
        if exact.any():
            exact[exact] = np.abs(f[exact]) <= 1e-13 * magnitude_at(x[exact], sub[exact])
        done = exact | (np.abs(x_new - x) <= tol * np.abs(x) + 1e-16)
        out[idx[done]] = np.expm1(np.where(exact, x, x_new)[done])
        if done.any():
            live = ~done
            idx, x_new, lo, hi, f_lo, sub = idx[live], x_new[live], lo[live], hi[live], f_lo[live], sub[live]
            raw = raw[live]
            last_step, step_before = last_step[live], step_before[live]
        x = x_new
    return out.reshape(shape)


def roi(npv_usd: ArrayLike, pv_costs_usd: ArrayLike) -> Array:
    """NPV per dollar of present-valued cost; NaN when nothing is spent."""
    cost = np.asarray(pv_costs_usd, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.asarray(
            np.where(cost > 0, np.asarray(npv_usd, dtype=np.float64) / np.where(cost > 0, cost, 1.0), np.nan)
        )
