"""Honest uncertainty: Monte Carlo over the three-point ranges, tornado, break-even and value of information.

Every analysis builds arrays of input values (one row per draw or per probe) and runs them through the
same `cash_flows` and `metrics` as the deterministic model: no per-draw Python loop anywhere.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import optimize, special

from roi import inputs as vk
from roi.fields import Bounds
from roi.model import Metrics, area_npvs, cash_flows, chunked_metrics, flow_chunks, likely_values, metrics
from roi.scenario import AREAS, Correlated, Range, Scenario, correlation_matrix, field_bounds, input_spec

Array = NDArray[np.float64]
PERT_LAMBDA = 4.0
DEFAULT_DRAWS = 10_000
PAYBACK_MONTHS = (12, 18, 24)
BREAK_EVEN_INPUTS = (
    vk.FIX_HOURS,
    vk.MERGES_PER_MONTH,
    vk.SUCCESS_RATE_AFTER,
    vk.LOADED_HOURLY_RATE,
    vk.ANNUAL_DISCOUNT_RATE,  # its NPV break-even is the hurdle rate at which NPV turns negative
)


def pert_shape(low: float, likely: float, high: float) -> tuple[float, float]:
    """The Beta parameters (alpha, beta) of Beta-PERT(low, likely, high, lambda=4)."""
    alpha = 1 + PERT_LAMBDA * (likely - low) / (high - low)
    beta = 1 + PERT_LAMBDA * (high - likely) / (high - low)
    return alpha, beta


def pert_draws(low: float, likely: float, high: float, n: int, rng: np.random.Generator) -> Array:
    """Beta-PERT(low, likely, high, lambda=4) draws: mean (low + 4 likely + high) / 6."""
    if high <= low:
        return np.full(n, float(likely))
    alpha, beta = pert_shape(low, likely, high)
    return low + (high - low) * rng.beta(alpha, beta, size=n)


def pert_quantile(q: float | Array, low: float, likely: float, high: float) -> Array:
    """The q-quantile of Beta-PERT(low, likely, high)."""
    alpha, beta = pert_shape(low, likely, high)
    return np.asarray(low + (high - low) * special.betaincinv(alpha, beta, q), dtype=np.float64)


@functools.lru_cache(maxsize=256)
def p10_p90_support(low: float, likely: float, high: float) -> tuple[float, float]:
    """The minimum and maximum of the Beta-PERT whose 10th and 90th percentiles are `low` and `high`.

    A stated range read as a P10 and a P90: the PERT keeps its mode at `likely` and its lambda of 4, and its
    support [a, b] is stretched beyond [low, high] until its 10th percentile is `low` and its 90th is `high`
    (two equations in a and b, solved with scipy's root finder on log-distances, so that a < low and b > high).
    """
    if high <= low:
        return low, high
    width = high - low

    def gaps(z: Array) -> Array:
        a, b = low - width * np.exp(z[0]), high + width * np.exp(z[1])
        q10, q90 = pert_quantile(np.array([0.1, 0.9]), a, likely, b)
        return np.array([(q10 - low) / width, (q90 - high) / width])

    solution = optimize.root(gaps, np.array([np.log(0.3), np.log(0.3)]), method="hybr", options={"xtol": 1e-13})
    if not solution.success or np.max(np.abs(gaps(solution.x))) > 1e-9:
        raise ValueError(f"no Beta-PERT has P10 {low} and P90 {high} around {likely}")  # pragma: no cover
    return float(low - width * np.exp(solution.x[0])), float(high + width * np.exp(solution.x[1]))


def impose_rank_correlation(values: dict[str, Any], groups: list[Correlated], rng: np.random.Generator) -> None:
    """Reorder the draws of grouped inputs so their ranks carry the groups' Spearman correlations (Iman-Conover).

    Each input keeps exactly its own draws (its marginal is untouched); only which draw goes with which changes.
    Normal scores are drawn, made exactly uncorrelated, given the target correlation through a Cholesky factor
    (Pearson 2 sin(pi rho / 6) gives Spearman rho for normal scores), and each input's sorted draws are laid
    out in the ranks of its scores.
    """
    paths, target = correlation_matrix(groups)
    n, k = len(np.asarray(values[paths[0]])), len(paths)
    if n < k + 2:
        return  # too few draws to carry a correlation
    scores = rng.standard_normal((n, k))
    scores -= scores.mean(axis=0)
    scores = scores @ np.linalg.inv(np.linalg.cholesky(np.cov(scores, rowvar=False))).T
    scores = scores @ np.linalg.cholesky(np.asarray(target)).T
    for j, path in enumerate(paths):
        reordered = np.empty(n)
        reordered[np.argsort(scores[:, j])] = np.sort(np.asarray(values[path]))  # k-th lowest score, k-th lowest draw
        values[path] = reordered


def _within(bounds: Bounds, x: Array) -> Array:
    """Draws moved inside an input's bounds (an open bound's nearest inside value)."""
    low = (
        bounds.ge if bounds.ge is not None else (np.nextafter(bounds.gt, np.inf) if bounds.gt is not None else -np.inf)
    )
    high = (
        bounds.le if bounds.le is not None else (np.nextafter(bounds.lt, -np.inf) if bounds.lt is not None else np.inf)
    )
    return np.asarray(np.clip(x, low, high), dtype=np.float64)


def sample_values(scenario: Scenario, draws: int, seed: int) -> dict[str, Any]:
    """Input values for `draws` Monte Carlo draws: ranged inputs sampled (in path order), others at their value.

    Each range is a Beta-PERT; read as min and max (the default) or stretched so that low and high are its 10th
    and 90th percentiles (`ranges_are = "p10_p90"`, draws then kept within the input's bounds). Whole-month
    inputs (build months) are rounded. Correlated groups then reorder their inputs' draws; with no group the
    draws are exactly the independent sampler's.
    """
    rng = np.random.Generator(np.random.PCG64(seed))
    values: dict[str, Any] = dict(likely_values(scenario))
    stretch = scenario.uncertainty.ranges_are == "p10_p90"
    for path, r in sorted(scenario.ranged_inputs().items()):
        low, high = p10_p90_support(r.low, r.likely, r.high) if stretch else (r.low, r.high)
        x = pert_draws(low, r.likely, high, draws, rng)
        spec = input_spec(path)
        if stretch:
            x = _within(spec.bounds, x)
        values[path] = np.floor(x + 0.5) if spec.whole else x  # halves up, as a range's midpoint
    if scenario.uncertainty.correlated:
        impose_rank_correlation(values, scenario.uncertainty.correlated, rng)
    return values


def _quantiles(x: Array) -> dict[str, float | None]:
    """P10 / P50 / P90 and mean; an infinite (never) or undefined value reads as null."""
    finite = x[~np.isnan(x)]
    if finite.size == 0:
        return {"p10": None, "p50": None, "p90": None, "mean": None}
    # inverted_cdf picks actual draws, so a percentile among never-paying draws is inf (null), not a blend
    q = np.quantile(finite, [0.1, 0.5, 0.9], method="inverted_cdf")
    mean = float(finite.mean())
    keys = ("p10", "p50", "p90", "mean")
    return {k: (float(v) if math.isfinite(v) else None) for k, v in zip(keys, [*q, mean], strict=True)}


@dataclass(frozen=True)
class Simulation:
    """Monte Carlo draws of the scenario's metrics, with the input values that produced them."""

    scenario: Scenario
    draws: int
    seed: int
    inputs: dict[str, Any]
    metrics: Metrics

    def percentiles(self) -> dict[str, dict[str, float | None]]:
        """P10 / P50 / P90 and mean of each metric; the IRR's also carry the share of draws with no IRR."""
        m = self.metrics
        series = {
            "payback_months": m.payback_months,
            "discounted_payback_months": m.discounted_payback_months,
            "npv_usd": m.npv_usd,
            "irr_annual": m.irr_annual,
            "roi": m.roi,
        }
        out = {k: _quantiles(v) for k, v in series.items()}
        # the IRR percentiles are of the draws that have one; say how many have none
        out["irr_annual"]["share_undefined"] = float(np.mean(np.isnan(m.irr_annual)))
        return out

    def draws_table(self) -> pd.DataFrame:
        """One row per draw: each ranged input by its dotted path, then payback, NPV and IRR (empty when none)."""
        columns: dict[str, Any] = {p: np.asarray(self.inputs[p]) for p in sorted(self.scenario.ranged_inputs())}
        m = self.metrics
        columns["payback_months"] = np.where(np.isfinite(m.payback_months), m.payback_months, np.nan)
        columns["npv_usd"] = m.npv_usd
        columns["irr_annual"] = m.irr_annual
        return pd.DataFrame(columns) + 0.0  # never -0

    def draws_csv(self) -> bytes:
        """The draws table as CSV: numbers only (nothing in it can become a formula); no value is an empty cell."""
        return self.draws_table().to_csv(index=False, float_format="%.10g", na_rep="").encode("utf-8")

    def prob_payback_within(self, months: float) -> float:
        return float(np.mean(self.metrics.payback_months <= months))

    def summary(self) -> dict[str, Any]:
        """The object `roi simulate --json` prints."""
        horizon = self.scenario.finance.horizon_months
        within = {str(t): self.prob_payback_within(t) for t in PAYBACK_MONTHS}
        within["horizon"] = self.prob_payback_within(horizon)
        return {
            "scenario": self.scenario.name,
            "draws": self.draws,
            "seed": self.seed,
            "ranged_inputs": sorted(self.scenario.ranged_inputs()),
            **self.percentiles(),
            "prob_payback_within_months": within,
            "mean_npv_usd": float(self.metrics.npv_usd.mean()),
            "mean_npv_with_continuing_value_usd": float(self.metrics.npv_with_continuing_value_usd.mean()),
            "mean_cash_npv_usd": float(self.metrics.cash_npv_usd.mean()),
            "prob_npv_positive": float(np.mean(self.metrics.npv_usd > 0)),
            "share_irr_not_unique": float(np.mean(self.metrics.irr_not_unique)),
            "share_never_paying_back": float(np.mean(np.isinf(self.metrics.payback_months))),
            "share_irr_undefined": float(np.mean(np.isnan(self.metrics.irr_annual))),
            "areas": {
                r["area"]: {k: (bool(v) if k == "fund" else float(v)) for k, v in r.items() if k != "area"}
                for r in area_decisions(self).to_dict("records")
            },
        }


def simulate(scenario: Scenario, draws: int = DEFAULT_DRAWS, seed: int = 0) -> Simulation:
    """Sample every range as Beta-PERT, seeded, and compute NPV, IRR, both paybacks and ROI for all draws."""
    if draws < 1:
        raise ValueError("draws must be >= 1")
    values = sample_values(scenario, draws, seed)
    return Simulation(scenario, draws, seed, values, chunked_metrics(scenario, values))


def tornado(scenario: Scenario) -> pd.DataFrame:
    """For each ranged input: NPV and payback at its low and its high, others at likely, largest NPV swing first."""
    ranged = scenario.ranged_inputs()
    columns = [
        "input",
        "low",
        "likely",
        "high",
        "npv_low_usd",
        "npv_high_usd",
        "payback_low_months",
        "payback_high_months",
        "npv_swing_usd",
    ]
    if not ranged:
        return pd.DataFrame(columns=columns)
    paths = sorted(ranged)
    base = likely_values(scenario)
    k = len(paths)
    values: dict[str, Any] = {p: np.full(2 * k, v) for p, v in base.items()}
    for i, path in enumerate(paths):
        values[path][2 * i] = ranged[path].low
        values[path][2 * i + 1] = ranged[path].high
    m = metrics(cash_flows(scenario, values), with_irr=False)
    npv = m.npv_usd.reshape(k, 2)
    payback = np.where(np.isinf(m.payback_months), np.nan, m.payback_months).reshape(k, 2)
    table = pd.DataFrame(
        {
            "input": paths,
            "low": [ranged[p].low for p in paths],
            "likely": [ranged[p].likely for p in paths],
            "high": [ranged[p].high for p in paths],
            "npv_low_usd": npv[:, 0],
            "npv_high_usd": npv[:, 1],
            "payback_low_months": payback[:, 0],
            "payback_high_months": payback[:, 1],
            "npv_swing_usd": np.abs(npv[:, 1] - npv[:, 0]),
        },
        columns=columns,
    )
    return table.sort_values("npv_swing_usd", ascending=False, kind="stable").reset_index(drop=True)


#: How close a break-even value must bring its figure to the target, plugged back into the model.
PAYBACK_TOLERANCE_MONTHS = 1e-6
NPV_TOLERANCE_USD = 1.0


def _search_range(scenario: Scenario, path: str) -> tuple[float, float]:
    """Where to look: from the field's lower bound to ten times its high value, within its upper bound."""
    bounds = field_bounds(path)
    value = scenario.numeric_inputs()[path]
    top = value.high if isinstance(value, Range) else float(value)
    lo = bounds.ge if bounds.ge is not None else 0.0
    hi = max(10 * top, 1.0)
    if bounds.le is not None:
        hi = min(hi, bounds.le)
    return lo, hi


def _crossings(y: Array) -> NDArray[np.intp]:
    """Indices i of the grid cells [i, i+1] where y changes sign or touches zero, in order."""
    sign = np.sign(y)
    return np.flatnonzero(sign[:-1] * sign[1:] <= 0)


@dataclass
class _Search:
    """One break-even search: the sign changes of a residual over one input's grid, narrowed one at a time."""

    path: str
    residual: Callable[[Metrics], Array]
    tolerance: float
    cells: list[tuple[float, float, float, float]]  # (lo, hi, y_lo, y_hi) of each sign change, in grid order
    lo: float = 0.0
    hi: float = 0.0
    y_lo: float = 0.0
    y_hi: float = 0.0
    rounds: int = 0
    stalled: bool = False
    done: bool = False
    value: float | None = None

    def next_cell(self) -> None:
        if not self.cells:
            self.done = True
            return
        self.lo, self.hi, self.y_lo, self.y_hi = self.cells.pop(0)
        self.rounds, self.stalled = 0, False

    def narrowed(self) -> bool:
        """Whether this cell needs no more rounds: a root hit, a cell at float precision, no inner sign change."""
        tiny = self.hi - self.lo <= 4 * np.spacing(max(abs(self.lo), abs(self.hi), 1e-300))
        return self.stalled or self.rounds >= 12 or self.y_lo == 0 or self.y_hi == 0 or bool(tiny)

    def settle(self) -> None:
        """Finish narrowed cells: keep the better end if, plugged back in, it meets the tolerance (a jump of the
        residual, such as payback leaping from 20 months to never, is a sign change but no root); else go on."""
        while not self.done and self.narrowed():
            value, gap = (self.lo, self.y_lo) if abs(self.y_lo) <= abs(self.y_hi) else (self.hi, self.y_hi)
            if abs(gap) <= self.tolerance:
                self.value, self.done = value, True
            else:
                self.next_cell()


def _rows(m: Metrics, rows: slice) -> Metrics:
    return Metrics(**{f.name: getattr(m, f.name)[rows] for f in fields(Metrics)})


def _probe_many(scenario: Scenario, probes: list[tuple[str, Array]]) -> list[Metrics]:
    """Metrics for several one-input probes in one pass: each (path, candidates) with every other input likely."""
    base = likely_values(scenario)
    total = sum(c.size for _, c in probes)
    values: dict[str, Any] = dict(base)
    for path, _ in probes:
        values[path] = np.full(total, base[path])
    spans, at = [], 0
    for path, candidates in probes:
        values[path][at : at + candidates.size] = candidates
        spans.append(slice(at, at + candidates.size))
        at += candidates.size
    m = metrics(cash_flows(scenario, values), with_irr=False)
    return [_rows(m, span) for span in spans]


def _roots(scenario: Scenario, searches: list[_Search], points: int = 65) -> None:
    """Narrow every search's sign changes by nested grids of `points`, all searches in one model pass a round.

    A search takes its sign changes in order and stops at the first whose better end meets its tolerance; a cell
    is narrowed for at most 12 rounds (64 cells a round shrink any cell below float precision).
    """
    for search in searches:
        search.next_cell()
        search.settle()
    while active := [s for s in searches if not s.done]:
        grids = [np.linspace(s.lo, s.hi, points) for s in active]
        for search, fine, m in zip(
            active, grids, _probe_many(scenario, [(s.path, g) for s, g in zip(active, grids, strict=True)]), strict=True
        ):
            y_fine = search.residual(m)
            inner = _crossings(y_fine)
            search.rounds += 1
            if inner.size == 0:
                search.stalled = True
            else:
                j = int(inner[0])
                search.lo, search.hi = float(fine[j]), float(fine[j + 1])
                search.y_lo, search.y_hi = float(y_fine[j]), float(y_fine[j + 1])
            search.settle()


def _cells(grid: Array, y: Array) -> list[tuple[float, float, float, float]]:
    return [(float(grid[i]), float(grid[i + 1]), float(y[i]), float(y[i + 1])) for i in _crossings(y)]


@dataclass(frozen=True)
class BreakEven:
    """The value of one input at which payback equals the target and at which NPV is zero (None: none in range)."""

    input: str
    likely: float
    search_low: float
    search_high: float
    for_payback_target: float | None
    for_npv_zero: float | None


def break_even(scenario: Scenario, target_months: float = 12.0, points: int = 513) -> list[BreakEven]:
    """Break-even values of fix hours, merges per month, target success rate, loaded rate and discount rate.

    Every value reported, plugged back in with the other inputs at their likely values, gives a payback within
    PAYBACK_TOLERANCE_MONTHS of the target or an NPV within NPV_TOLERANCE_USD of zero. None where no value in the
    searched range does: always for a payback target beyond the horizon, which no payback can reach.
    """
    out = []
    base = likely_values(scenario)
    reachable = 0 <= target_months <= scenario.finance.horizon_months

    def payback_gap(m: Metrics) -> Array:
        return np.asarray(target_months - np.minimum(m.payback_months, 1e9), dtype=np.float64)

    def npv(m: Metrics) -> Array:
        return m.npv_usd

    inputs = [p for p in BREAK_EVEN_INPUTS if p in base]  # a case of lines alone has no failed merges
    ranges = {path: _search_range(scenario, path) for path in inputs}
    grids = {path: np.linspace(lo, hi, points) for path, (lo, hi) in ranges.items()}
    coarse = dict(zip(inputs, _probe_many(scenario, list(grids.items())), strict=True))
    searches: dict[tuple[str, str], _Search] = {}
    for path in inputs:
        if reachable:
            gap = payback_gap(coarse[path])
            searches[path, "payback"] = _Search(path, payback_gap, PAYBACK_TOLERANCE_MONTHS, _cells(grids[path], gap))
        searches[path, "npv"] = _Search(path, npv, NPV_TOLERANCE_USD, _cells(grids[path], npv(coarse[path])))
    _roots(scenario, list(searches.values()))
    for path in inputs:
        lo, hi = ranges[path]
        for_payback = searches[path, "payback"].value if reachable else None
        out.append(BreakEven(path, base[path], lo, hi, for_payback, searches[path, "npv"].value))
    return out


def _enters_npv(simulation: Simulation, path: str, probes: int = 256) -> bool:
    """Whether NPV moves at all with one input: the first draws rerun with that input's values reversed."""
    m = min(simulation.draws, probes)
    values = {k: (v[:m] if np.ndim(v) else v) for k, v in simulation.inputs.items()}
    values[path] = np.asarray(values[path])[::-1]
    moved = metrics(cash_flows(simulation.scenario, values), with_irr=False).npv_usd
    before = simulation.metrics.npv_usd[:m]
    return bool(np.any(np.abs(moved - before) > 1e-9 * max(1.0, float(np.abs(before).max()))))


def _binned(which: NDArray[np.int64], npv: Array, bins: int) -> tuple[Array, Array]:
    """Draws per bin and the mean NPV within each bin."""
    counts = np.bincount(which, minlength=bins).astype(np.float64)
    return counts, np.bincount(which, weights=npv, minlength=bins) / np.maximum(counts, 1)


def value_of_information(simulation: Simulation, bins: int = 20, permutations: int = 40) -> pd.DataFrame:
    """Expected value of perfect information (EVPPI) per ranged input, for the decision "invest or not".

    EVPPI(X) = E_X[max(E[NPV | X], 0)] - max(E[NPV], 0), with E[NPV | X] estimated as the mean NPV within
    `bins` equal-count bins of X's draws. That estimate is biased upwards by sampling noise, so it is judged
    against a noise floor: the same estimate with X's bins shuffled (`permutations` times, seeded), which breaks
    any link between X and NPV. Only an estimate above every shuffled one counts, less their mean; an input
    NPV does not depend on at all (the AI spend; staff when staff is not counted) gets exactly 0.

    When the decision is clear either way (NPV > 0 in nearly every draw, or in nearly none) every EVPPI is
    near 0; `variance_share`, Var(E[NPV | X]) / Var(NPV), still ranks the inputs by how much of the NPV spread
    each explains. Largest EVPPI, then share, first.
    """
    npv = simulation.metrics.npv_usd
    mean = float(npv.mean())
    baseline = max(mean, 0.0)
    variance = float(npv.var())
    rng = np.random.Generator(np.random.PCG64(simulation.seed))
    rows = []
    for path in sorted(simulation.scenario.ranged_inputs()):
        evppi = share = 0.0
        if _enters_npv(simulation, path):
            x = np.asarray(simulation.inputs[path])
            rank = np.empty(x.size, dtype=np.int64)
            rank[np.argsort(x, kind="stable")] = np.arange(x.size)
            which = rank * bins // x.size
            counts, conditional = _binned(which, npv, bins)
            raw = float((np.maximum(conditional, 0) * counts).sum() / x.size - baseline)
            null = np.empty(permutations)
            for k in range(permutations):
                c, cond = _binned(which[rng.permutation(x.size)], npv, bins)
                null[k] = (np.maximum(cond, 0) * c).sum() / x.size - baseline
            rounding = 1e-9 * max(float(np.abs(npv).max()), 1.0)  # below this, sums of the draws are rounding
            evppi = raw - float(null.mean()) if raw > null.max() + rounding else 0.0
            share = float((counts * (conditional - mean) ** 2).sum() / x.size) / variance if variance > 0 else 0.0
        rows.append({"input": path, "evppi_usd": max(evppi, 0.0), "variance_share": share})
    table = pd.DataFrame(rows, columns=["input", "evppi_usd", "variance_share"])
    return table.sort_values(["evppi_usd", "variance_share"], ascending=False, kind="stable").reset_index(drop=True)


def _evpi(npv: Array) -> float:
    """E[max(NPV, 0)] - max(E[NPV], 0): what knowing every input exactly is worth to a go / no-go on NPV."""
    return float(np.maximum(npv, 0).mean() - max(float(npv.mean()), 0.0))


def expected_value_of_perfect_information(simulation: Simulation) -> float:
    """EVPI: what knowing every input exactly is worth for the invest-or-not decision."""
    return _evpi(simulation.metrics.npv_usd)


def area_npv_draws(simulation: Simulation) -> dict[str, Array]:
    """Each area's NPV alone in every draw (the same drawn inputs, only that area funded).

    The plan's NPV is the sum of its areas' NPVs, so an area's NPV alone is also what adding it to, or dropping
    it from, the rest of the plan changes: the stake of its fund-or-not decision.
    """
    values = dict(simulation.inputs)
    for area in AREAS:
        values[vk.include(area)] = 1.0  # every area's own flows, whatever the plan funds
    out = {area: np.empty(simulation.draws) for area in AREAS}
    for rows, flows in flow_chunks(simulation.scenario, values, simulation.draws):
        for area, npv in area_npvs(flows).items():
            out[area][rows] = npv
    return out


def area_decisions(simulation: Simulation) -> pd.DataFrame:
    """Each area's fund-or-not decision under uncertainty, and what perfect information is worth to it.

    With what is known now the area is worth funding when its expected NPV is above zero. Knowing every input
    exactly, one would fund it only in the draws where its NPV is above zero, so the value of perfect information
    for the decision is EVPI = E[max(NPV, 0)] - max(E[NPV], 0): zero when the area pays in every draw or in none.
    One row per area: `area, expected_npv_usd, prob_npv_positive, fund, evpi_usd`.
    """
    rows = []
    for area, npv in area_npv_draws(simulation).items():
        expected = float(npv.mean())
        rows.append(
            {
                "area": area,
                "expected_npv_usd": expected,
                "prob_npv_positive": float(np.mean(npv > 0)),
                "fund": expected > 0,
                "evpi_usd": max(_evpi(npv), 0.0),
            }
        )
    return pd.DataFrame(rows, columns=["area", "expected_npv_usd", "prob_npv_positive", "fund", "evpi_usd"])
