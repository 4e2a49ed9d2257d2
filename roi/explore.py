"""What the app needs beyond the model, kept pure and testable: share links, the spend planner, KPI deltas."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from roi import files
from roi import formatting as fmt
from roi import inputs as vk
from roi.errors import Problem, RoiError
from roi.figures import FIGURES, summary_text
from roi.model import Result, Summary, evaluate
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
    """Scale each funded area's one-time and recurring spend to (one-time + recurring) / AI spend = target.

    None without AI spend, or when no area is funded. Areas left out (their Fund toggle off) get nothing and stay out.
    Benefits stay as entered: the planner answers "what does this budget pay back", not "what would more buy".
    """
    ai = likely(scenario.ai_tools.annual_spend)
    funded = [a for a in AREAS if getattr(scenario.investments, a).include]
    if ai <= 0 or not funded:
        return None
    budget = target_ratio * ai
    spend = {
        a: likely(getattr(scenario.investments, a).one_time) + likely(getattr(scenario.investments, a).annual_recurring)
        for a in funded
    }
    total = sum(spend.values())
    shares = {a: (spend[a] / total if total > 0 else 1 / len(funded)) if a in funded else 0.0 for a in AREAS}
    changes: dict[str, Any] = {}
    for a in funded:
        inv = getattr(scenario.investments, a)
        if total > 0:
            k = budget / total
            changes[vk.one_time(a)] = likely(inv.one_time) * k
            changes[vk.annual_recurring(a)] = likely(inv.annual_recurring) * k
        else:
            changes[vk.one_time(a)] = budget * shares[a]
    planned = with_values(scenario, changes)
    return SpendPlan(target_ratio, budget, {a: budget * shares[a] for a in AREAS}, planned, evaluate(planned).summary)


@dataclass(frozen=True)
class Kpi:
    """One headline figure (a tile of the page's headline), with its change against the loaded file."""

    label: str
    value: str
    delta: str | None
    lower_is_better: bool = False
    note: str | None = None
    caption: str | None = None  # a line under the figure: the hurdle rate, the engineers' worth, an edge case
    how: str | None = None  # how the figure is computed, with the case's own inputs (paragraphs a blank line apart)

    @property
    def direction(self) -> Literal["up", "down"] | None:
        """Which way the figure moved: its change's sign; None unchanged, or from or to "n/a" ("was ...")."""
        if self.delta is None or self.delta[:1] not in "+-":
            return None
        return "up" if self.delta.startswith("+") else "down"

    @property
    def good_news(self) -> bool | None:
        """Whether the change is good news: a fall when lower is better (a cost, a payback), else a rise."""
        if self.direction is None:
            return None
        return (self.direction == "down") == self.lower_is_better


#: The KPI row's figures (keys of roi.figures.FIGURES), before the delivery-to-AI ratio in force.
KPI_KEYS = ("payback_months", "discounted_payback_months", "npv_usd", "irr_annual", "roi")


def ratio_key(summary: Summary) -> str:
    """The delivery-to-AI ratio as the plan counts its costs: with staff when staff cost is counted."""
    return "delivery_to_ai_ratio_incl_staff" if summary.include_staff_cost else "delivery_to_ai_ratio"


def _kpi(
    key: str, now: Summary, then: Summary, note: str | None = None, *, brief: bool = False, result: Result | None = None
) -> Kpi:
    """A figure as summary_text says it (edge cases in words: "none" and not "0 months" when nothing happens, ROI
    "not meaningful"), its change, a caption for what the short form leaves out, and with `result` (the case `now`
    is the summary of) how it is computed."""
    figure = FIGURES[key]
    a, b = getattr(now, key), getattr(then, key)
    shown = _shown(key, now, brief=brief)
    return Kpi(
        figure.label,
        shown,
        figure.change(a, b, brief=brief),
        figure.lower_is_better,
        note or figure.help or None,
        _caption(key, now),
        how_computed(key, result) if result is not None else None,
    )


#: Figures read through roi.figures.summary_text, which says their edge cases in words.
SAID_KEYS = ("payback_months", "discounted_payback_months", "cash_payback_months", "irr_annual", "roi")


def _shown(key: str, s: Summary, *, brief: bool) -> str:
    """The figure's value; the edge cases in summary_text's words (the IRR's hurdle rate goes in the caption)."""
    value = getattr(s, key)
    if key in SAID_KEYS and (s.nothing_within_horizon or (key == "roi" and value is None)):
        return summary_text(key, s, brief=brief)
    if key == "irr_annual" and brief:
        return summary_text(key, s, brief=True)
    return FIGURES[key].show(value, brief=brief)


def _sentence(text: str) -> str:
    """The text with its first letter a capital, the rest as it is ("NPV" stays "NPV")."""
    return text[:1].upper() + text[1:]


def _caption(key: str, s: Summary) -> str | None:
    if key in SAID_KEYS and s.nothing_within_horizon:
        return _sentence(fmt.NOTHING)
    if key == "irr_annual":
        return _sentence(fmt.hurdle(s.irr_annual, s.npv_usd, s.discount_rate, s.irr_not_unique))
    if key == "roi" and s.roi is None:
        return "Under $1 of cost in present value"
    return None


def ratio_kpi(now: Summary, then: Summary, *, brief: bool = False, result: Result | None = None) -> Kpi:
    """The spend ratio the plan counts (with staff when staff cost is counted), against the same ratio of `then`; its
    note names both."""
    key = ratio_key(now)
    counted = "counted, so this is the ratio with staff" if now.include_staff_cost else "not counted"
    note = (
        f"{FIGURES[key].help} Staff cost is {counted}. {FIGURES['delivery_to_ai_ratio'].label}: "
        f"{fmt.ratio(now.delivery_to_ai_ratio)}; {FIGURES['delivery_to_ai_ratio_incl_staff'].label}: "
        f"{fmt.ratio(now.delivery_to_ai_ratio_incl_staff)}. Without staff, the ratio is "
        f"{fmt.ratio_band(now.delivery_to_ai_ratio)}: ${fmt.RATIO_BAND[0]:g} to ${fmt.RATIO_BAND[1]:g} of delivery "
        "for each $1 a year of AI tools."
    )
    return _kpi(key, now, then, note, brief=brief, result=result)


def answer_kpis(now: Summary, then: Summary, *, brief: bool = True, result: Result | None = None) -> list[Kpi]:
    """The answer: payback, discounted payback, NPV, IRR (its caption the hurdle rate it beats) and ROI."""
    return [_kpi(k, now, then, brief=brief, result=result) for k in KPI_KEYS]


def kpis(now: Summary, then: Summary, *, brief: bool = False, result: Result | None = None) -> list[Kpi]:
    """Payback, discounted payback, NPV, IRR, ROI and the spend ratio, each with its change against `then` (and, with
    `result`, how it is computed). Labels, formats, changes and lower-is-better come from roi.figures.FIGURES."""
    return [*answer_kpis(now, then, brief=brief, result=result), ratio_kpi(now, then, brief=brief, result=result)]


def ask_kpis(now: Summary, then: Summary, *, result: Result | None = None) -> list[Kpi]:
    """What the plan costs, briefly: investment, year 1, staff time (existing engineers, and whether it is counted),
    and the delivery-to-AI ratio the plan counts (`ratio_kpi`, which names both ratios in its note)."""
    counted = "counted" if now.include_staff_cost else "not counted"
    staff = _kpi("staff_cost_usd", now, then, brief=True, result=result)
    ratio = ratio_kpi(now, then, brief=True, result=result)
    return [
        _kpi("upfront_investment_usd", now, then, brief=True, result=result),
        _kpi("first_year_cost_usd", now, then, brief=True, result=result),
        replace(
            staff,
            label=f"Staff time, {counted}",
            note=f"{staff.note} It is {counted} in the plan's costs (the Finance section's toggle).",
            caption="Existing engineers' time, not new cash",
        ),
        replace(ratio, label="Delivery : AI" + (" (with staff)" if now.include_staff_cost else "")),
    ]


def freed_words(s: Summary) -> str:
    """The engineers' worth of the hours freed (and the share of the team, with a head count)."""
    text = f"{s.engineers_freed:,.1f} engineers' worth"
    if s.share_of_team_freed is not None:
        text += f", {fmt.pct(s.share_of_team_freed)} of the team"
    return text


def cash_and_time_kpis(
    now: Summary,
    then: Summary,
    expected_npv_usd: float | None = None,
    draws: int = 0,
    *,
    brief: bool = False,
    result: Result | None = None,
    seed: int = 0,
) -> list[Kpi]:
    """Cash apart from engineer time: cash NPV, the engineer hours freed a month (engineers' worth, and share of the
    team with a head count); with continuing months, NPV with them; with ranges (`expected_npv_usd`), the expected
    NPV over `draws` draws (of `seed`). With `result`, each says how it is computed."""
    hours = FIGURES["engineer_hours_freed_per_month"]
    out = [
        _kpi("cash_npv_usd", now, then, brief=brief, result=result),
        Kpi(
            "Engineer hours freed / month",
            f"{now.engineer_hours_freed_per_month:,.0f} h",
            hours.change(now.engineer_hours_freed_per_month, then.engineer_hours_freed_per_month, brief=brief),
            False,
            f"{hours.help} Existing engineers' time: it is not cash, and the figure says how many people's time.",
            freed_words(now),
            how_computed("engineer_hours_freed_per_month", result) if result is not None else None,
        ),
    ]
    if now.continuing_months:
        kpi = _kpi("npv_with_continuing_value_usd", now, then, brief=brief, result=result)
        out.append(
            replace(
                kpi,
                label=f"NPV with {now.continuing_months} more months",
                lower_is_better=False,
                caption=f"Those months add {fmt.money(now.continuing_value_usd)}",
            )
        )
    if expected_npv_usd is not None:
        show = fmt.brief_money if brief else fmt.money
        out.append(
            Kpi(
                "Expected NPV (mean)",
                show(expected_npv_usd),
                None,
                False,
                f"The mean NPV of {draws:,} draws of the ranged inputs; the NPV tile is the likely case (every input "
                "at its likely value).",
                f"Likely case {show(now.npv_usd)}",
                expected_npv_computed(expected_npv_usd, draws, seed, now) if result is not None else None,
            )
        )
    return out


# ---------------------------------------------------------------- how each headline figure is computed


def _payback_formula(table: Any, flow: str, cumulative: str, what: str, value: float | None, s: Summary) -> str:
    """The payback formula with the case's own months: L + (what is left at month L) / (the flow in month L + 1)."""
    if s.nothing_within_horizon:
        return f"{_sentence(fmt.NOTHING)}: every flow is $0, so there is no payback (never 0 months)."
    cum = table[cumulative].to_numpy()
    flows = table[flow].to_numpy()
    below = [int(m) for m, c in zip(table["month"], cum, strict=True) if c < 0]
    if not below:
        return f"The {what} is never below zero: nothing to pay back, so payback is 0 months."
    last = below[-1]
    if value is None:
        return (
            f"The {what} is still below zero at month {last} ({fmt.money(cum[last])}), the end of the "
            f"{s.horizon_months}-month horizon: no payback within it."
        )
    return (
        f"Payback = L + (what is still to recover at month L) / (the flow in month L + 1), where L is the last month "
        f"the {what} is below zero.\n\nPayback = {last} + {fmt.money(-cum[last])} / {fmt.money(flows[last + 1])} = "
        f"{value:.2f} months."
    )


def _rate_words(s: Summary) -> str:
    monthly = (1 + s.discount_rate) ** (1 / 12) - 1
    return (
        f"the monthly rate r = (1 + {fmt.pct(s.discount_rate)})^(1/12) - 1 = {monthly * 100:.3f} %, over months 0 "
        f"to {s.horizon_months}"
    )


def how_computed(key: str, result: Result) -> str:
    """How a headline figure is computed, with the case's own inputs in the formula (plain text, lines apart)."""
    s, sc = result.summary, result.scenario
    table = result.horizon_monthly
    if key == "payback_months":
        return _payback_formula(
            table, "net_flow_usd", "cumulative_usd", "cumulative flow (cash and engineer time)", s.payback_months, s
        )
    if key == "discounted_payback_months":
        return _payback_formula(
            table,
            "discounted_flow_usd",
            "cumulative_discounted_usd",
            "discounted cumulative flow",
            s.discounted_payback_months,
            s,
        )
    if key == "cash_payback_months":
        return _payback_formula(
            table, "cash_flow_usd", "cumulative_cash_usd", "cumulative cash flow", s.cash_payback_months, s
        )
    if key == "npv_usd":
        return (
            f"NPV = sum of flow(t) / (1 + r)^t, with {_rate_words(s)}.\n\n"
            f"NPV = {fmt.money(s.pv_benefits_usd)} of benefits - {fmt.money(s.pv_costs_usd)} of costs, both in "
            f"present value, = {fmt.money(s.npv_usd)}."
        )
    if key == "cash_npv_usd":
        return (
            f"Cash NPV = sum of cash flow(t) / (1 + r)^t, with {_rate_words(s)}: money paid or saved (tools, "
            "licences, downtime, cost of delay).\n\n"
            f"Cash NPV = NPV {fmt.money(s.npv_usd)} - engineer time {fmt.money(s.npv_usd - s.cash_npv_usd)} (freed "
            f"less spent, in present value) = {fmt.money(s.cash_npv_usd)}."
        )
    if key == "irr_annual":
        if s.irr_annual is None:
            return "IRR is the annual rate at which NPV is zero; " + fmt.hurdle(
                None, s.npv_usd, s.discount_rate, s.irr_not_unique
            )
        monthly = (1 + s.irr_annual) ** (1 / 12) - 1
        return (
            "IRR is the annual rate at which NPV is zero: the monthly rate m with sum of flow(t) / (1 + m)^t = 0, "
            f"compounded over twelve months.\n\nIRR = (1 + {monthly * 100:.3f} %)^12 - 1 = {fmt.pct(s.irr_annual)}. "
            f"At the case's {fmt.pct(s.discount_rate)} NPV is {fmt.money(s.npv_usd)}: "
            f"{fmt.hurdle(s.irr_annual, s.npv_usd, s.discount_rate)}."
        )
    if key == "roi":
        if s.roi is None:
            return f"ROI = NPV / present value of costs: {fmt.ROI_NOT_MEANINGFUL} with under $1 of cost."
        return (
            f"ROI = NPV / present value of costs = {fmt.money(s.npv_usd)} / {fmt.money(s.pv_costs_usd)} = "
            f"{fmt.pct(s.roi)}."
        )
    if key == "npv_with_continuing_value_usd":
        return (
            f"The same sum run on through the {s.continuing_months} months after the horizon (months 0 to "
            f"{s.horizon_months + s.continuing_months}, the same formulas and rate).\n\n"
            f"{fmt.money(s.npv_usd)} + {fmt.money(s.continuing_value_usd)} = "
            f"{fmt.money(s.npv_with_continuing_value_usd)}."
        )
    if key == "engineer_hours_freed_per_month":
        rate = likely(sc.team.loaded_hourly_rate)
        month_hours = likely(sc.team.hours_per_engineer_quarter) / 3
        h = s.engineer_hours_freed_per_month
        text = (
            "Hours freed a month = the engineer time the included areas save a month at full ramp (before "
            f"recapture) / the loaded rate = {fmt.money(h * rate)} / {fmt.money(rate)} an hour = {h:,.1f} h.\n\n"
            f"Engineers' worth = {h:,.1f} h / ({month_hours * 3:,.0f} h a quarter / 3) = {s.engineers_freed:,.2f}."
        )
        if s.share_of_team_freed is not None:
            text += (
                f"\n\nShare of the team = {s.engineers_freed:,.2f} / {sc.team.engineers:,.0f} engineers = "
                f"{fmt.pct(s.share_of_team_freed)}."
            )
        return text
    if key == "upfront_investment_usd":
        staff = f"{fmt.money(s.staff_cost_usd)} of staff time" if s.include_staff_cost else "staff not counted"
        return (
            f"Investment = one-time costs of the included areas {fmt.money(s.one_time_cost_usd)} + "
            f"{staff} = {fmt.money(s.upfront_investment_usd)}."
        )
    if key == "first_year_cost_usd":
        year = table[table["month"] <= 12]
        parts = [
            (name, -float(year[column].sum()))
            for name, column in (
                ("one-time", "one_time_usd"),
                ("staff time", "staff_usd"),
                ("recurring", "recurring_usd"),
                ("lines of your own", "line_costs_usd"),
            )
        ]
        shown = " + ".join(f"{name} {fmt.money(x)}" for name, x in parts if abs(x) >= 0.5) or "$0"
        return f"Every cost in months 0 to 12: {shown} = {fmt.money(s.first_year_cost_usd)}."
    if key == "staff_cost_usd":
        quarters = sum(
            likely(getattr(sc.investments, a).engineer_quarters) for a in AREAS if getattr(sc.investments, a).include
        )
        counted = "counted in the plan's costs" if s.include_staff_cost else "not counted in the plan's costs"
        return (
            f"Existing engineers' time, valued: engineer-quarters x hours a quarter x loaded rate = {quarters:g} x "
            f"{likely(sc.team.hours_per_engineer_quarter):,.0f} h x {fmt.money(likely(sc.team.loaded_hourly_rate))} "
            f"= {fmt.money(s.staff_cost_usd)}. Payroll already paid, not new cash; {counted}."
        )
    if key in ("delivery_to_ai_ratio", "delivery_to_ai_ratio_incl_staff"):
        ai = likely(sc.ai_tools.annual_spend)
        value = getattr(s, key)
        if value is None:
            return "No AI tools spend is entered, so there is no ratio."
        staff = f" + staff {fmt.money(s.staff_cost_usd)}" if key.endswith("staff") else ""
        return (
            f"(one-time {fmt.money(s.one_time_cost_usd)} + recurring a year {fmt.money(s.annual_recurring_cost_usd)}"
            f"{staff}) / AI tools a year {fmt.money(ai)} = {fmt.ratio(value)}."
        )
    raise KeyError(key)


def expected_npv_computed(mean_npv_usd: float, draws: int, seed: int, s: Summary) -> str:
    return (
        f"Expected NPV = the mean of the NPVs of {draws:,} draws of the ranged inputs (seed {seed}) = "
        f"{fmt.money(mean_npv_usd)}. The likely case, every input at its likely value, gives {fmt.money(s.npv_usd)}."
    )


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
