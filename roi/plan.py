"""Which areas to fund, and when: each area alone, every combination, and the best phasing under yearly budgets.

Every candidate plan is a row of input values (each area's `include` and `start_month`) run through the same
`cash_flows` and `metrics` as the deterministic model and the Monte Carlo draws: one vectorized call for all
candidates (in chunks of rows), never a Python loop over them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from roi import formatting as fmt
from roi import inputs as vk
from roi.errors import Problem, RoiError
from roi.model import Metrics, cash_flows, chunked_metrics, likely_values, metrics
from roi.scenario import AREA_LABELS, AREAS, STREAM_LABELS, STREAMS, Scenario, likely
from roi.vocabulary import COMBINATIONS as COMBINATIONS  # its home is the vocabulary; roi.plan.COMBINATIONS kept

DEFAULT_STEP_MONTHS = 3
DEFAULT_LATEST_MONTH = 24
#: More candidate plans than this is a search too coarse to matter or too large to run: ask for a larger step.
MAX_CANDIDATES = 2_000_000
CENT = 0.005  # NPVs and costs closer than half a cent are tied
#: A plan may go this share over a capped year's cap to be shown beside the best plan that fits ("just over the cap").
STRETCH_SHARE = 0.10
#: ... and must beat the best plan that fits by at least this much NPV.
STRETCH_GAIN_USD = 1.0


class PlanError(RoiError):
    """Budget or phasing options that cannot be searched."""


def _opt(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True)
class Combination:
    """One set of funded areas, all starting as the file says."""

    areas: tuple[str, ...]
    first_year_cost_usd: float
    upfront_investment_usd: float
    npv_usd: float
    payback_months: float | None
    irr_annual: float | None
    roi: float | None
    npv_with_continuing_value_usd: float
    continuing_value_usd: float
    cash_npv_usd: float

    def to_json(self) -> dict[str, Any]:
        return {"areas": list(self.areas), **{k: v for k, v in self.__dict__.items() if k != "areas"}}


def combinations(scenario: Scenario) -> list[Combination]:
    """All 15 non-empty sets of areas, each with the file's schedule, ranked by NPV (best first)."""
    subsets = list(COMBINATIONS)
    values: dict[str, Any] = dict(likely_values(scenario))
    for area in AREAS:
        values[vk.include(area)] = np.array([1.0 if area in s else 0.0 for s in subsets])
    flows = cash_flows(scenario, values)
    m = metrics(flows)
    upfront = flows.upfront_investment_usd
    rows = [
        Combination(
            areas=subset,
            first_year_cost_usd=float(m.first_year_cost_usd[i]),
            upfront_investment_usd=float(upfront[i]),
            npv_usd=float(m.npv_usd[i]),
            payback_months=_opt(m.payback_months[i]),
            irr_annual=_opt(m.irr_annual[i]),
            roi=_opt(m.roi[i]),
            npv_with_continuing_value_usd=float(m.npv_with_continuing_value_usd[i]),
            continuing_value_usd=float(m.continuing_value_usd[i]),
            cash_npv_usd=float(m.cash_npv_usd[i]),
        )
        for i, subset in enumerate(subsets)
    ]
    return sorted(rows, key=lambda c: -c.npv_usd)


@dataclass(frozen=True)
class Stretch:
    """The plan with the highest NPV that goes over a capped year's cap by at most STRETCH_SHARE of it, shown when it
    beats the best plan that fits: what a little more budget would buy."""

    start_months: dict[str, int | None]
    npv_usd: float
    payback_months: float | None
    cost_by_year_usd: tuple[float, ...]
    over_by_usd: float  # the most any capped year goes over its cap
    npv_with_continuing_value_usd: float

    def to_json(self) -> dict[str, Any]:
        return {
            "start_months": dict(self.start_months),
            "npv_usd": self.npv_usd,
            "npv_with_continuing_value_usd": self.npv_with_continuing_value_usd,
            "payback_months": self.payback_months,
            "cost_by_year_usd": list(self.cost_by_year_usd),
            "over_by_usd": self.over_by_usd,
        }


@dataclass(frozen=True)
class Phasing:
    """The plan with the highest NPV whose cost stays within every capped plan year."""

    budgets_usd: tuple[float, ...]
    step_months: int
    latest_month: int
    candidates: int
    feasible: int
    start_months: dict[str, int | None]  # None: not funded
    npv_usd: float
    payback_months: float | None
    cost_by_year_usd: tuple[float, ...]
    npv_with_continuing_value_usd: float
    stretch: Stretch | None = None
    warnings: tuple[str, ...] = ()

    def go_live_months(self, scenario: Scenario) -> dict[str, float | None]:
        build = likely_values(scenario)
        return {a: None if s is None else s + build[vk.build_months(a)] for a, s in self.start_months.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "budgets_usd": list(self.budgets_usd),
            "start_months": dict(self.start_months),
            "npv_usd": self.npv_usd,
            "npv_with_continuing_value_usd": self.npv_with_continuing_value_usd,
            "payback_months": self.payback_months,
            "cost_by_year_usd": list(self.cost_by_year_usd),
            "step_months": self.step_months,
            "latest_month": self.latest_month,
            "candidates": self.candidates,
            "feasible": self.feasible,
            "stretch": None if self.stretch is None else self.stretch.to_json(),
            "warnings": list(self.warnings),
        }


def _options(scenario: Scenario, step: int, latest: int) -> dict[str, list[int | None]]:
    """Each area's choices: a start month on the grid, or not funded; an area the file leaves out stays out."""
    grid: list[int | None] = list(range(0, min(latest, scenario.finance.horizon_months) + 1, step))
    return {a: [*grid, None] if getattr(scenario.investments, a).include else [None] for a in AREAS}


def candidate_values(scenario: Scenario, step: int, latest: int) -> tuple[dict[str, Any], np.ndarray]:
    """Input values with one row per candidate plan, and the candidates' start months (NaN: not funded)."""
    options = _options(scenario, step, latest)
    count = math.prod(len(o) for o in options.values())
    if count > MAX_CANDIDATES:
        message = (
            f"gives {count:,} candidate plans, more than {MAX_CANDIDATES:,}; use a larger --step or a smaller --latest"
        )
        raise PlanError([Problem("--step", message)])
    axes = [np.array([np.nan if s is None else s for s in o], dtype=float) for o in options.values()]
    starts = np.column_stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")])
    values: dict[str, Any] = dict(likely_values(scenario))
    for i, area in enumerate(AREAS):
        funded = ~np.isnan(starts[:, i])
        values[vk.include(area)] = funded.astype(float)
        values[vk.start_month(area)] = np.where(funded, starts[:, i], 0.0)
    return values, starts


def best_phasing(
    scenario: Scenario,
    budgets_usd: list[float],
    step: int = DEFAULT_STEP_MONTHS,
    latest: int = DEFAULT_LATEST_MONTH,
) -> Phasing:
    """Choose each included area's start month (0, step, ... latest, within the horizon) or "not funded".

    Maximizes NPV with continuing value (the NPV itself when the case has no continuing months) with every capped
    plan year's cost (year 1: months 0..12, year n: 12(n-1)+1..12n) within its cap; years without a cap are free,
    and a cap for a plan year past the horizon is dropped with a warning. Ties go to the lower total cost, then the
    earlier payback, then earlier starts. Funding nothing (NPV 0) is always a candidate.
    """
    if step < 1:
        raise PlanError([Problem("--step", f"must be a whole number of months >= 1, got {step}")])
    if latest < 0:
        raise PlanError([Problem("--latest", f"must be >= 0, got {latest}")])
    for year, cap in enumerate(budgets_usd, start=1):
        if not (math.isfinite(cap) and cap >= 0):
            raise PlanError([Problem("--budget", f"year {year}: must be a finite amount >= 0, got {cap}")])
    values, starts = candidate_values(scenario, step, latest)
    m: Metrics = chunked_metrics(scenario, values, with_irr=False)
    cost = m.cost_by_year_usd
    years = cost.shape[1]
    warnings = tuple(
        f"--budget for plan year {year} dropped: the {scenario.finance.horizon_months}-month horizon has "
        f"{years} plan year{'s' if years != 1 else ''}"
        for year in range(years + 1, len(budgets_usd) + 1)
    )
    budgets_usd = budgets_usd[:years]
    caps = np.full(years, np.inf)
    capped = np.asarray(budgets_usd, dtype=float)
    caps[: capped.size] = capped
    value = m.npv_with_continuing_value_usd
    feasible = np.all(cost <= caps + CENT, axis=1)
    total = cost.sum(axis=1)
    payback = np.where(np.isfinite(m.payback_months), m.payback_months, np.inf)
    later = np.where(np.isnan(starts), np.inf, starts)
    # lexsort: the last key is primary; NPV to the cent, then cost, payback, and the starts area by area
    keys = [later[:, i] for i in reversed(range(len(AREAS)))]
    keys += [payback, np.round(total / (2 * CENT)), -np.round(value / (2 * CENT))]
    best = int(np.lexsort([*keys, ~feasible])[0])

    def months(row: int) -> dict[str, int | None]:
        return {a: None if np.isnan(starts[row, i]) else int(starts[row, i]) for i, a in enumerate(AREAS)}

    near = np.all(cost <= caps * (1 + STRETCH_SHARE) + CENT, axis=1) & ~feasible
    better = near & (value >= value[best] + STRETCH_GAIN_USD)
    stretch = None
    if better.any():
        row = int(np.lexsort([*keys, ~better])[0])
        stretch = Stretch(
            start_months=months(row),
            npv_usd=float(m.npv_usd[row]),
            payback_months=_opt(float(m.payback_months[row])),
            cost_by_year_usd=tuple(float(x) for x in cost[row]),
            over_by_usd=float(np.max(cost[row, : capped.size] - capped)),
            npv_with_continuing_value_usd=float(value[row]),
        )
    start_months = months(best)
    return Phasing(
        budgets_usd=tuple(float(b) for b in budgets_usd),
        step_months=step,
        latest_month=latest,
        candidates=int(starts.shape[0]),
        feasible=int(feasible.sum()),
        start_months=start_months,
        npv_usd=float(m.npv_usd[best]),
        payback_months=_opt(float(m.payback_months[best])),
        cost_by_year_usd=tuple(float(x) for x in cost[best]),
        npv_with_continuing_value_usd=float(value[best]),
        stretch=stretch,
        warnings=warnings,
    )


def stretch_note(phasing: Phasing) -> str | None:
    """What a little more budget buys, in words: the plan just over the cap beside the best that fits, or None."""
    stretch = phasing.stretch
    if stretch is None:
        return None
    funded = [a for a, start in stretch.start_months.items() if start is not None]
    schedule = "; ".join(f"{AREA_LABELS[a]} from month {stretch.start_months[a]}" for a in funded)
    return (
        f"Just over the cap (at most {fmt.whole_pct(STRETCH_SHARE)} over a capped year): {schedule} gives NPV "
        f"{fmt.money(stretch.npv_usd)}, {fmt.money(stretch.npv_usd - phasing.npv_usd)} more, for "
        f"{fmt.money(stretch.over_by_usd)} over the cap (cost by plan year: "
        f"{fmt.by_plan_year(stretch.cost_by_year_usd)})."
    )


def uncosted_benefits(scenario: Scenario) -> list[str]:
    """A plain warning for each area that is attributed a stream's benefit while it costs nothing at all."""
    values = likely_values(scenario)
    flows = cash_flows(scenario)
    out = []
    for area in AREAS:
        inv = getattr(scenario.investments, area)
        if not inv.include or any(likely(x) > 0 for x in (inv.one_time, inv.annual_recurring, inv.engineer_quarters)):
            continue
        for stream in STREAMS:
            share = values[vk.delivers(area, stream)]
            if share > 0 and float(flows.full_stream_usd[stream][0]) != 0:
                out.append(
                    f"{AREA_LABELS[area]} is credited with {fmt.whole_pct(share)} of the "
                    f"{STREAM_LABELS[stream].lower()} benefit but costs nothing: cost the area, or attribute the "
                    "stream to the areas that pay for it."
                )
    return out
