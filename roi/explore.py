"""What the app needs beyond the model, kept pure and testable: share links, the spend planner, KPI deltas."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from roi import formatting as fmt
from roi.errors import Problem, RoiError
from roi.model import Summary, evaluate
from roi.scenario import (
    AREAS,
    OPTIONAL_SECTIONS,
    Scenario,
    likely,
    parse_override,
    scenario_from_dict,
    set_path,
    toml_value,
    with_values,
)

#: The query parameter naming the scenario file a shared link starts from.
SCENARIO_PARAM = "scenario"
OFF = "off"
RANGE_KEYS = {"low", "likely", "high"}


def _is_range(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and set(value) <= RANGE_KEYS


def flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of scenario data by dotted path; a three-point range is one leaf."""
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and not _is_range(value):
            yield from flatten(value, path + ".")
        else:
            yield path, value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if (
        isinstance(a, (int, float))
        and isinstance(b, (int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def share_params(base: Scenario, current: Scenario) -> dict[str, str]:
    """Query parameters that turn `base` into `current`: changed values as TOML literals, dropped sections "off"."""
    before, after = dict(flatten(base.to_dict())), dict(flatten(current.to_dict()))
    params = {
        path: toml_value(value) for path, value in after.items() if path not in before or not _same(before[path], value)
    }
    for section in OPTIONAL_SECTIONS:
        if getattr(base, section) is not None and getattr(current, section) is None:
            params[section] = OFF
    return params


def _problems(data: Mapping[str, Any]) -> list[Problem]:
    try:
        scenario_from_dict(data)
    except RoiError as exc:
        return list(exc.problems)
    return []


def _render(problems: list[Problem]) -> str:
    return "; ".join(p.render("") for p in problems)


def apply_params(base: Scenario, params: Mapping[str, str]) -> tuple[Scenario, list[str]]:
    """Apply shared-link parameters; a bad one is skipped with a warning naming it, the rest still load.

    A parameter is judged by the problems at its own path, so the fields of a section the link switches on
    can arrive one by one; whatever is still wrong once all are applied drops that section back to `base`.
    """
    base_data = base.to_dict()
    data = copy.deepcopy(base_data)
    warnings = []
    # sections first, so that "builds=off" and then builds.* values behave predictably
    for key in sorted(params, key=lambda k: (k.count("."), k)):
        raw = params[key]
        if key == SCENARIO_PARAM:
            continue
        trial = copy.deepcopy(data)
        try:
            if key in OPTIONAL_SECTIONS and raw == OFF:
                trial.pop(key, None)
            else:
                path, value = parse_override(f"{key}={raw}")
                set_path(trial, path, value)
            own = [p for p in _problems(trial) if p.field == key or p.field.startswith(key + ".")]
        except RoiError as exc:
            own = list(exc.problems)
        if own:
            warnings.append(f"URL parameter {key}={raw!r} was ignored: {_render(own)}")
            continue
        data = trial
    remaining = _problems(data)
    for section in dict.fromkeys(p.field.split(".")[0] for p in remaining):
        at_fault = [p for p in remaining if p.field.split(".")[0] == section]
        warnings.append(f"URL parameters for {section} were ignored: {_render(at_fault)}")
        if section in base_data:
            data[section] = copy.deepcopy(base_data[section])
        else:
            data.pop(section, None)
    try:
        return scenario_from_dict(data), warnings
    except RoiError as exc:
        return base, [*warnings, f"URL parameters were ignored: {_render(list(exc.problems))}"]


@dataclass(frozen=True)
class SpendPlan:
    """The delivery budget a target delivery-to-AI ratio implies, split like the scenario's, and its payback."""

    target_ratio: float
    budget_usd: float
    by_area_usd: dict[str, float]
    scenario: Scenario
    summary: Summary


def plan_spend(scenario: Scenario, target_ratio: float) -> SpendPlan | None:
    """Scale each area's one-time and recurring spend to (one-time + recurring) / AI spend = target.

    None without AI spend. Benefits stay as entered: the planner answers "what does this budget pay
    back", not "what would more buy".
    """
    ai = likely(scenario.ai_tools.annual_spend)
    if ai <= 0:
        return None
    budget = target_ratio * ai
    spend = {
        a: likely(getattr(scenario.investments, a).one_time) + likely(getattr(scenario.investments, a).annual_recurring)
        for a in AREAS
    }
    total = sum(spend.values())
    shares = {a: (spend[a] / total if total > 0 else 1 / len(AREAS)) for a in AREAS}
    changes: dict[str, Any] = {}
    for a in AREAS:
        inv = getattr(scenario.investments, a)
        if total > 0:
            k = budget / total
            changes[f"investments.{a}.one_time"] = likely(inv.one_time) * k
            changes[f"investments.{a}.annual_recurring"] = likely(inv.annual_recurring) * k
        else:
            changes[f"investments.{a}.one_time"] = budget * shares[a]
    planned = with_values(scenario, changes)
    return SpendPlan(target_ratio, budget, {a: budget * shares[a] for a in AREAS}, planned, evaluate(planned).summary)


@dataclass(frozen=True)
class Kpi:
    """One headline figure for the KPI row, with its change against the loaded file."""

    label: str
    value: str
    delta: str | None
    lower_is_better: bool = False
    note: str | None = None


def _delta(now: float | None, then: float | None, show: Callable[[float | None], str]) -> str | None:
    if now is None or then is None:
        return None if now == then else f"was {show(then)}"
    diff = now - then
    if math.isclose(diff, 0.0, abs_tol=1e-9 * max(1.0, abs(then))):
        return None
    return ("+" if diff > 0 else "-") + show(abs(diff)).lstrip("-")


def kpis(now: Summary, then: Summary) -> list[Kpi]:
    """Payback, discounted payback, NPV, IRR, ROI and the spend ratio, each with its change against `then`."""

    def pp(x: float | None) -> str:
        return "n/a" if x is None else f"{x * 100:.1f} pp"

    def mo(x: float | None) -> str:
        return "never" if x is None else f"{x:.2f} mo"

    band = "no AI spend entered"
    if now.delivery_to_ai_ratio is not None:
        r = now.delivery_to_ai_ratio
        band = "within the 2:1 to 3:1 band" if 2 <= r <= 3 else ("below 2:1" if r < 2 else "above 3:1")
    return [
        Kpi("Payback", mo(now.payback_months), _delta(now.payback_months, then.payback_months, mo), True),
        Kpi(
            "Discounted payback",
            mo(now.discounted_payback_months),
            _delta(now.discounted_payback_months, then.discounted_payback_months, mo),
            True,
        ),
        Kpi("NPV", fmt.money(now.npv_usd), _delta(now.npv_usd, then.npv_usd, fmt.money)),
        Kpi("IRR (annual)", fmt.pct(now.irr_annual), _delta(now.irr_annual, then.irr_annual, pp)),
        Kpi("ROI", fmt.pct(now.roi), _delta(now.roi, then.roi, pp)),
        Kpi(
            "Delivery : AI",
            fmt.ratio(now.delivery_to_ai_ratio).replace(" (no AI spend)", ""),
            _delta(now.delivery_to_ai_ratio, then.delivery_to_ai_ratio, lambda x: "n/a" if x is None else f"{x:.2f}"),
            note=f"Delivery spend (one-time + recurring) per dollar of AI tools: {band}. The forum post argues "
            "for 2:1 to 3:1.",
        ),
    ]


def compare_table(summaries: Mapping[str, Summary]) -> list[dict[str, str]]:
    """Every KPI of several scenarios side by side: one row per figure, one column per scenario."""
    rows: list[tuple[str, Callable[[Summary], str]]] = [
        ("Payback", lambda s: fmt.months(s.payback_months)),
        ("Discounted payback", lambda s: fmt.months(s.discounted_payback_months)),
        ("NPV", lambda s: fmt.money(s.npv_usd)),
        ("IRR (annual)", lambda s: fmt.pct(s.irr_annual)),
        ("ROI", lambda s: fmt.pct(s.roi)),
        ("Delivery-to-AI ratio", lambda s: fmt.ratio(s.delivery_to_ai_ratio)),
        ("Upfront investment", lambda s: fmt.money(s.upfront_investment_usd)),
        ("Recurring per year", lambda s: fmt.money(s.annual_recurring_cost_usd)),
        ("Benefit per month", lambda s: fmt.money(s.monthly_benefit_usd)),
        ("Horizon", lambda s: f"{s.horizon_months} months"),
    ]
    return [{"figure": label, **{name: show(s) for name, s in summaries.items()}} for label, show in rows]
