"""Finance metrics on monthly cash flows: NPV, IRR, payback, written once.

Every function takes flows shaped (..., months) with month 0 first, so one scenario (a 1-D row)
and a whole Monte Carlo sample (a 2-D array, one row per draw) go through the same code.
"Never" is +inf for payback and NaN for IRR; the edges turn both into null.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]


def monthly_rate(annual_rate: ArrayLike) -> Array:
    """The monthly rate that compounds to the annual one: (1 + r)^(1/12) - 1 (per draw when the rate is ranged).

    >>> round(float(monthly_rate(0.10)), 6)  # 10 % a year
    0.007974
    """
    return np.asarray((1 + np.asarray(annual_rate, dtype=np.float64)) ** (1 / 12) - 1, dtype=np.float64)


def annualize(monthly: ArrayLike) -> Array:
    """A monthly rate compounded over twelve months: (1 + r)^12 - 1."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray((1 + np.asarray(monthly, dtype=np.float64)) ** 12 - 1, dtype=np.float64)


def discount_factors(rate: ArrayLike, periods: int) -> Array:
    """1 / (1 + rate)^m for m = 0..periods-1; a column of rates (draws, 1) gives one row of factors per draw."""
    return np.asarray((1 + np.asarray(rate, dtype=np.float64)) ** -np.arange(periods, dtype=np.float64))


def discounted(rate: ArrayLike, flows: ArrayLike) -> Array:
    """Each flow divided by (1 + rate)^m, month 0 undiscounted."""
    values = np.asarray(flows, dtype=np.float64)
    return values * discount_factors(rate, values.shape[-1])


def npv(rate: ArrayLike, flows: ArrayLike) -> Array:
    """Net present value, as numpy_financial.npv: sum of flows / (1 + rate)^m from m = 0.

    `rate` is one rate, or a column (draws, 1) with one rate per row of flows.

    >>> round(float(npv(0.01, [-100, 60, 60])), 4)  # -100 + 60 / 1.01 + 60 / 1.01^2
    18.2237
    >>> npv([[0.0], [0.01]], [[-100, 60, 60], [-100, 60, 60]]).round(4).tolist()  # one rate per row
    [20.0, 18.2237]
    """
    values = np.asarray(flows, dtype=np.float64)
    factors = discount_factors(rate, values.shape[-1])
    if factors.ndim == 1:
        return np.asarray(values @ factors, dtype=np.float64)
    return np.asarray((values * factors).sum(axis=-1), dtype=np.float64)


def payback_months(flows: ArrayLike, cumulative: ArrayLike | None = None) -> Array:
    """The month after which the cumulative flow stays >= 0 to the horizon, interpolated; inf if it never does.

    NaN when every flow is 0 (nothing is spent or earned: no payback at all, never "0 months"). 0 when the
    cumulative flow is >= 0 in every month (nothing to pay back). Otherwise, with L the last month whose
    cumulative flow is < 0: inf when L is the horizon, else L + (-cumulative(L)) / flow(L + 1). A cumulative flow
    that crosses zero and sinks again has not paid back at its first crossing, and a plan with no outlay whose
    flows turn negative never pays back.

    >>> round(float(payback_months([-100, 60, 60])), 4)  # cumulative -100, -40, 20: 1 + 40 / 60
    1.6667
    >>> payback_months([[-100, 10, 10], [0, 0, 0]]).tolist()  # never; nothing spent or earned
    [inf, nan]
    """
    values = np.asarray(flows, dtype=np.float64)
    cumulative = np.cumsum(values, axis=-1) if cumulative is None else np.asarray(cumulative, dtype=np.float64)
    nothing = nothing_happens(values)
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
    return np.asarray(np.where(nothing, np.nan, np.where(any_below, out, 0.0)), dtype=np.float64)


def nothing_happens(flows: ArrayLike) -> NDArray[np.bool_]:
    """True where every flow is 0: nothing is spent or earned, so payback, IRR and ROI are none (not "0 months")."""
    return np.asarray(~np.any(np.asarray(flows, dtype=np.float64) != 0, axis=-1))


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


#: How many points the IRR search looks at for a sign change of NPV (DESIGN: evenly spaced in ln(1 + r)).
IRR_GRID_POINTS = 200
#: The highest monthly rate searched.
IRR_HIGHEST_MONTHLY = 1000.0
_LOG_MAX = float(np.log(np.finfo(np.float64).max))
_LOG_TINY = float(np.log(np.finfo(np.float64).tiny))


def irr_bracket(horizon_months: int) -> tuple[float, float]:
    """The range searched in x = ln(1 + monthly rate): the widest where (1 + r)^(H + 1) stays a normal float,
    with r at most IRR_HIGHEST_MONTHLY."""
    periods = horizon_months + 1
    return _LOG_TINY / periods, min(float(np.log1p(IRR_HIGHEST_MONTHLY)), _LOG_MAX / periods)


def irr_grid(horizon_months: int) -> Array:
    """The points where the IRR search evaluates NPV: IRR_GRID_POINTS evenly spaced in x over irr_bracket."""
    return np.linspace(*irr_bracket(horizon_months), IRR_GRID_POINTS)


def _sign_changes(values: Array) -> NDArray[np.int64]:
    """How often the non-zero flows of each row change sign (Descartes' bound on the number of IRRs)."""
    signs = np.sign(values)
    # each month's sign, or the last non-zero one before it: zeros carry the sign before them
    last = np.maximum.accumulate(np.where(signs != 0, np.arange(values.shape[1]), 0), axis=1)
    carried = np.take_along_axis(signs, last, axis=1)
    return np.asarray(((carried[:, 1:] != carried[:, :-1]) & (carried[:, :-1] != 0)).sum(axis=1), dtype=np.int64)


def _scaled_npv(rows: Array, x: Array) -> tuple[Array, Array, Array]:
    """NPV at x = ln(1 + r), its slope in x, and the discounted flows' magnitudes, each row's three scaled by the same
    positive factor e^(H min(x, 0)) so that no term overflows however low the rate (signs and ratios are kept).

    By Horner's scheme, a loop over months on whole columns: in v = e^(-x) <= 1 from the last month where x >= 0,
    in w = e^x < 1 from month 0 where x < 0 (the scaled sum is then sum f_m w^(H - m)).
    """
    n, periods = rows.shape
    months = np.arange(periods, dtype=np.float64)
    if n * periods <= 20_000:  # a few rows: one dense evaluation beats a loop over months
        exponent = -np.outer(x, months) + (periods - 1) * np.minimum(x, 0.0)[:, None]
        discounted = rows * np.exp(exponent)
        return discounted.sum(axis=1), -(discounted * months).sum(axis=1), np.abs(discounted).sum(axis=1)
    value, slope, size = np.empty(n), np.empty(n), np.empty(n)
    for low in (True, False):
        which = np.flatnonzero((x < 0) == low)
        if which.size == 0:
            continue
        base = np.exp(x[which] if low else -x[which])  # w = e^x, or v = e^(-x): at most 1
        # the coefficients, highest power first, one contiguous row per month
        coefficients = np.ascontiguousarray((rows[which] if low else rows[which, ::-1]).T)
        weights = months if low else months[::-1]
        v, d, a = np.zeros(which.size), np.zeros(which.size), np.zeros(which.size)
        for m in range(periods):
            f = coefficients[m]
            v = v * base + f
            d = d * base - weights[m] * f
            a = a * base + np.abs(f)
        value[which], slope[which], size[which] = v, d, a
    return value, slope, size


def irr_search(flows: ArrayLike, *, tol: float = 1e-12, max_iter: int = 200) -> tuple[Array, NDArray[np.bool_]]:
    """Monthly internal rate of return by the method's search, and where it is not unique.

    NPV is looked at in x = ln(1 + r) at IRR_GRID_POINTS points evenly spaced over `irr_bracket`. No sign change:
    no IRR (NaN). Exactly one: the root inside that interval, by Newton's method kept inside the bracket
    (bisection whenever Newton would leave it or stall). More than one: NaN, and `not_unique` is True ("read NPV").
    Flows whose non-zero values change sign at most once have at most one root (Descartes), so two points settle
    them; only the others are evaluated on the whole grid.
    """
    values = np.asarray(flows, dtype=np.float64)
    shape = values.shape[:-1]
    rows = values.reshape(-1, values.shape[-1])
    n, periods = rows.shape
    out = np.full(n, np.nan)
    not_unique = np.zeros(n, dtype=bool)
    grid = irr_grid(periods - 1)
    lo_all = np.full(n, grid[0])
    hi_all = np.full(n, grid[-1])
    roots = np.zeros(n, dtype=np.int64)
    changes = _sign_changes(rows)
    simple = np.flatnonzero(changes == 1)
    if simple.size:
        f_lo = _scaled_npv(rows[simple], lo_all[simple])[0]
        f_hi = _scaled_npv(rows[simple], hi_all[simple])[0]
        roots[simple] = (np.sign(f_lo) * np.sign(f_hi) < 0).astype(np.int64)
    several = np.flatnonzero(changes >= 2)  # flows that change sign more than once: the whole grid
    if several.size:
        months = np.arange(periods, dtype=np.float64)
        # e^(-x m), scaled at each grid point by the same e^(H min(x, 0)) for every term: no overflow
        factors = np.exp(-np.outer(grid, months) + (periods - 1) * np.minimum(grid, 0.0)[:, None])
        signs = np.sign(rows[several] @ factors.T)  # (rows, grid points): one matrix product
        cross = signs[:, :-1] * signs[:, 1:] < 0
        zeros = signs == 0
        roots[several] = cross.sum(axis=1) + zeros.sum(axis=1)
        one = (cross.sum(axis=1) == 1) & ~zeros.any(axis=1)
        at = np.argmax(cross, axis=1)
        lo_all[several[one]] = grid[at[one]]
        hi_all[several[one]] = grid[at[one] + 1]
        exact = (cross.sum(axis=1) == 0) & (zeros.sum(axis=1) == 1)
        out[several[exact]] = np.expm1(grid[np.argmax(zeros[exact], axis=1)])
    not_unique[roots > 1] = True
    idx = np.flatnonzero((roots == 1) & np.isnan(out))
    lo, hi = lo_all[idx], hi_all[idx]
    sub = rows[idx]
    f_lo = _scaled_npv(sub, lo)[0]
    x = np.clip(np.zeros(idx.size), lo, hi)
    x = np.where((x <= lo) | (x >= hi), (lo + hi) / 2, x)
    last_step = step_before = hi - lo
    for _ in range(max_iter):
        if idx.size == 0:
            break
        f, df, size = _scaled_npv(sub, x)
        same = np.sign(f) == np.sign(f_lo)
        lo = np.where(same, x, lo)
        f_lo = np.where(same, f, f_lo)
        hi = np.where(same, hi, x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            step = x - f / df
        # Newton only when it stays inside the bracket and is under half the step before last (Numerical
        # Recipes' rtsafe); otherwise bisect, so a creeping Newton cannot stall.
        newton_ok = np.isfinite(step) & (step > lo) & (step < hi) & (np.abs(step - x) < 0.5 * np.abs(step_before))
        x_new = np.where(newton_ok, step, (lo + hi) / 2)
        step_before, last_step = last_step, x_new - x
        # "Zero" is judged against the discounted flows' magnitudes at x, never the raw ones.
        exact = np.abs(f) <= 1e-13 * size
        done = exact | (np.abs(x_new - x) <= tol * np.abs(x) + 1e-16)
        out[idx[done]] = np.expm1(np.where(exact, x, x_new)[done])
        if done.any():
            live = ~done
            idx, x_new, lo, hi, f_lo, sub = idx[live], x_new[live], lo[live], hi[live], f_lo[live], sub[live]
            last_step, step_before = last_step[live], step_before[live]
        x = x_new
    return out.reshape(shape), not_unique.reshape(shape)


def irr(flows: ArrayLike) -> Array:
    """Monthly internal rate of return, NaN where there is none or more than one (`irr_search`).

    >>> round(float(irr([-100, 60, 60])), 6)  # 60 x^2 + 60 x - 100 = 0 with x = 1 / (1 + r)
    0.130662
    """
    return irr_search(flows)[0]


#: Below this present value of costs, ROI is "not meaningful": a ratio to a few cents says nothing.
ROI_MIN_COST_USD = 1.0


def roi(npv_usd: ArrayLike, pv_costs_usd: ArrayLike) -> Array:
    """NPV per dollar of present-valued cost; NaN (not meaningful) when the present value of costs is under $1.

    >>> roi([50, 50], [200, 0.5]).tolist()
    [0.25, nan]
    """
    cost = np.asarray(pv_costs_usd, dtype=np.float64)
    meaningful = cost >= ROI_MIN_COST_USD
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.asarray(
            np.where(meaningful, np.asarray(npv_usd, dtype=np.float64) / np.where(meaningful, cost, 1.0), np.nan)
        )
