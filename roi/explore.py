"""What the app needs beyond the model, kept pure and testable: share links, the spend planner, KPI deltas."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from roi import files
from roi import formatting as fmt
from roi.errors import Problem, RoiError
from roi.figures import FIGURES
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
                if files.too_deep(trial):  # before anything recursive (validation, copies) walks it
                    raise RecursionError
            own = [p for p in _problems(trial) if p.field == key or p.field.startswith(key + ".")]
        except RoiError as exc:
            own = list(exc.problems)
        except RecursionError:  # a value nested deeper than the parser goes, or than any scenario
            own = [Problem(key, f"is nested more than {files.MAX_DEPTH} levels deep")]
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


#: The KPI row's figures (keys of roi.figures.FIGURES), before the delivery-to-AI ratio in force.
KPI_KEYS = ("payback_months", "discounted_payback_months", "npv_usd", "irr_annual", "roi")


def ratio_key(summary: Summary) -> str:
    """The delivery-to-AI ratio as the plan counts its costs: with staff when staff cost is counted."""
    return "delivery_to_ai_ratio_incl_staff" if summary.include_staff_cost else "delivery_to_ai_ratio"


def _kpi(key: str, now: Summary, then: Summary, note: str | None = None, *, brief: bool = False) -> Kpi:
    figure = FIGURES[key]
    a, b = getattr(now, key), getattr(then, key)
    return Kpi(
        figure.label, figure.show(a, brief=brief), figure.change(a, b, brief=brief), figure.lower_is_better,
        note or figure.help or None,
    )  # fmt: skip


def kpis(now: Summary, then: Summary, *, brief: bool = False) -> list[Kpi]:
    """Payback, discounted payback, NPV, IRR, ROI and the spend ratio, each with its change against `then`.

    Labels, formats, changes and lower-is-better come from roi.figures.FIGURES. The spend ratio is the one the plan
    counts (with staff when staff cost is counted), against the same ratio of `then`; its note names both.
    """
    key = ratio_key(now)
    ratio = getattr(now, key)
    counted = "counted, so this is the ratio with staff" if now.include_staff_cost else "not counted"
    note = (
        f"{FIGURES[key].help} Staff cost is {counted}. {FIGURES['delivery_to_ai_ratio'].label}: "
        f"{fmt.ratio(now.delivery_to_ai_ratio)}; {FIGURES['delivery_to_ai_ratio_incl_staff'].label}: "
        f"{fmt.ratio(now.delivery_to_ai_ratio_incl_staff)}. The one shown is {fmt.ratio_band(ratio)}: "
        f"${fmt.RATIO_BAND[0]:g} to ${fmt.RATIO_BAND[1]:g} of delivery for each $1 a year of AI tools."
    )
    return [*(_kpi(k, now, then, brief=brief) for k in KPI_KEYS), _kpi(key, now, then, note, brief=brief)]


#: The compare table's figures, by key of roi.figures.FIGURES (the horizon reads in whole months).
COMPARE_KEYS = (
    *KPI_KEYS,
    "delivery_to_ai_ratio",
    "delivery_to_ai_ratio_incl_staff",
    "upfront_investment_usd",
    "annual_recurring_cost_usd",
    "monthly_benefit_usd",
    "horizon_months",
)


def _compare_cell(key: str, summary: Summary) -> str:
    value = getattr(summary, key)
    return f"{value} months" if key == "horizon_months" else FIGURES[key].show(value)


def compare_table(summaries: Mapping[str, Summary]) -> list[dict[str, str]]:
    """Every KPI of several scenarios side by side: one row per figure, one column per scenario."""
    return [
        {"figure": FIGURES[key].label, **{name: _compare_cell(key, s) for name, s in summaries.items()}}
        for key in COMPARE_KEYS
    ]
