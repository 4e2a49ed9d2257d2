"""The CFO workbook: every computed figure a live formula of named inputs, with its value cached.

Sheets: Summary (outputs named out_<key>, each area alone out_area_<area>_<key>), Inputs (values named
in_<section>_<field>), Model (the monthly timeline of the plan and of each area alone, all formulas), Plan (each
area and every combination of areas), IRR (bisection in plain formulas) and Checks (a master check that the model
balances). The formulas are docs/method.md's, written once more in spreadsheet form; tests recalculate the file in
LibreOffice and compare every out_ name with `roi summary --json`. User text is only ever written as a string,
never as a formula.

On paper (A4, each sheet fit to the page width, header rows repeated, the scenario and "Page n of N" in the footer)
a CFO gets the Summary, Inputs, the plan's Model columns, Plan, the IRR result and the Checks: some eight pages for
three years. Each area alone on the Model sheet and the IRR sheet's bisection steps are left out of the print area
(each page's header says so); the scenario key column of Inputs too.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from roi import finance
from roi import formatting as text
from roi.fields import FieldSpec, in_name
from roi.model import Flows, Metrics, Result, cash_flows, likely_values, metrics
from roi.scenario import (
    AREA_LABELS,
    AREAS,
    FIELDS,
    STREAM_LABELS,
    STREAMS,
    Range,
    Scenario,
    field_label,
    likely,
)

if TYPE_CHECKING:
    from roi.plan import Phasing

NOT_REACHED = "not within the horizon"
UNDEFINED = "n/a"
SECTIONS = ("team", "ai_tools", "merges", "builds", "incidents", "lead_time", "growth")


@dataclass(frozen=True)
class InputRow:
    """One row of the Inputs sheet: an input of the field registry and its value in this scenario."""

    path: str
    value: float | bool | None  # None: an optional input the case leaves out (a blank cell)
    note: str
    low: float | None = None
    high: float | None = None

    @property
    def spec(self) -> FieldSpec:
        return FIELDS[self.path]

    @property
    def name(self) -> str:
        return in_name(self.path)

    @property
    def label(self) -> str:
        return field_label(self.path)


def _value_at(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part, None) if node is not None else None
    return node


def input_rows(scenario: Scenario) -> list[InputRow]:
    """Every input of the scenario format in file order, from the field registry; an absent stream is 0 (off).

    An area's shares of each stream are the ones in force: named in the file, or the default attribution.
    """
    rows: list[InputRow] = []
    attribution = scenario.attribution()
    for path, spec in FIELDS.items():
        if spec.kind == "text" or path == "schema_version":
            continue
        section = path.split(".")[0]
        value: Any = _value_at(scenario, path)
        note = spec.help
        if ".delivers." in path:
            _, area, _, stream = path.split(".")
            value = attribution[area][stream]
        elif getattr(scenario, section) is None:
            value, note = 0.0, f"{note} (not in the scenario: 0 keeps this stream off)"
        low = high = None
        if isinstance(value, Range):
            low, high = value.low, value.high
            note = f"{note} Range {spec.show(low)} to {spec.show(high)}; the likely value is used."
            value = value.likely
        if value is None:
            note = f"{note} Left blank in this case: type a value to use it."
        kept = value if value is None or isinstance(value, bool) else float(value)
        rows.append(InputRow(path, kept, note, low, high))
    return rows


@dataclass(frozen=True)
class ModelRows:
    """Where the Model sheet's months sit: rows first..last (0-based), one column per key of _MODEL_COLUMNS."""

    first: int
    last: int

    def range(self, key: str, start: int | None = None, stop: int | None = None) -> str:
        """Absolute reference to a Model column from row `start` (default: month 0) to `stop` (the last month)."""
        return self.block(key, key, start, stop)

    def block(self, left: str, right: str, start: int | None = None, stop: int | None = None) -> str:
        """Absolute reference to the Model columns `left` to `right` (adjacent), rows `start` to `stop`."""
        top = self.first if start is None else start
        bottom = self.last if stop is None else stop
        a = xl_rowcol_to_cell(top, _COLUMN[left], True, True)
        b = xl_rowcol_to_cell(bottom, _COLUMN[right], True, True)
        return f"Model!{a}:{b}"

    def cell(self, key: str, row: int) -> str:
        return f"Model!{xl_rowcol_to_cell(row, _COLUMN[key], True, True)}"

    @property
    def year_one_last(self) -> int:
        """The row of the last month of plan year 1 (month 12, or the horizon if shorter)."""
        return min(self.first + 12, self.last)


# Each stream at growth 1 and full ramp, before its risk adjustment, in terms of input names (docs/method.md,
# "Benefit streams"). A freed engineer-hour is worth the loaded rate times the share of freed time recaptured.
_HOUR = "in_team_loaded_hourly_rate*in_team_engineer_time_recapture"
_RAW_STREAMS = {
    "merges": (
        f"in_merges_merges_per_month*(in_merges_success_rate_after-in_merges_success_rate_before)"
        f"*in_merges_fix_hours*{_HOUR}"
    ),
    "builds": (
        f"in_builds_builds_per_month*(in_builds_build_minutes_before-in_builds_build_minutes_after)/60"
        f"*in_builds_blocked_fraction*{_HOUR}"
    ),
    "incidents": (
        "(in_incidents_deploys_per_month_before*in_incidents_change_failure_rate_before*in_incidents_mttr_hours_before"
        "-in_incidents_deploys_per_month_after*in_incidents_change_failure_rate_after*in_incidents_mttr_hours_after)"
        f"*(in_incidents_responders_per_incident*{_HOUR}+in_incidents_downtime_cost_per_hour)"
    ),
    "lead_time": (
        "in_lead_time_changes_per_month*(in_lead_time_lead_time_days_before-in_lead_time_lead_time_days_after)"
        "*in_lead_time_cost_of_delay_per_change_day"
    ),
}
_COST_FACTOR = "(1+in_finance_cost_risk_adjustment)"
_STREAM_BENEFIT = {
    "merges": "Failed-merge benefit",
    "builds": "Build-waiting benefit",
    "incidents": "Incident benefit",
    "lead_time": "Lead-time benefit",
}

#: Every non-empty set of areas, in a fixed order: one area, then pairs, threes and all four, each in AREAS order.
COMBINATIONS: tuple[tuple[str, ...], ...] = tuple(
    combo for size in range(1, len(AREAS) + 1) for combo in itertools.combinations(AREAS, size)
)


def combination_label(combo: tuple[str, ...]) -> str:
    """How the Plan sheet names a set of areas: "CI/CD pipeline + Automated testing"."""
    return " + ".join(AREA_LABELS[a] for a in combo)


def _risk_adjusted(name: str, raw: str) -> str:
    """x (1 - r) for a gain, x (1 + r) for a loss: the risk adjustment never improves a case."""
    return f"({raw})*(1-SIGN({raw})*in_{name}_risk_adjustment)"


def _included(area: str, then: str) -> str:
    """`then` when the area is in the plan, else 0."""
    return f"IF(in_investments_{area}_include,{then},0)"


def _over_included(template: str) -> str:
    """The sum over the four areas of `template` (with {a} the area) for the areas in the plan."""
    return "+".join(_included(a, template.format(a=a)) for a in AREAS)


# Paid back after the last month the cumulative flow is below zero, if it stays >= 0 to the horizon; the crossings
# are candidates in increasing months, so the last is their MAX.
_PAYBACK = 'IF(COUNTIF({cum},"<0")=0,0,IF({last}<0,"' + NOT_REACHED + '",MAX({cands})))'
_RATIO = 'IFERROR(IF(in_ai_tools_annual_spend>0,({x})/in_ai_tools_annual_spend,"{u}"),"{u}")'


def _payback(model: ModelRows, cumulative: str, candidates: str) -> str:
    return _PAYBACK.format(
        cum=model.range(cumulative), last=model.cell(cumulative, model.last), cands=model.range(candidates)
    )


def _pv_costs(model: ModelRows, one_time: str, staff: str, recurring: str) -> str:
    """The present value of three (negative) cost columns, as a positive amount."""
    df = model.range("discount_factor")
    return "-(" + "+".join(f"SUMPRODUCT({model.range(k)},{df})" for k in (one_time, staff, recurring)) + ")"


# Formulas of the summary figures, by output key, in terms of input names (docs/method.md).
def _summary_formulas(model: ModelRows) -> dict[str, str]:
    first, rng, cell = model.first, model.range, model.cell
    costs = model.block("one_time_usd", "recurring_usd")
    return {
        "horizon_months": f"MAX({rng('month')})",
        "failed_merges_per_month": "in_merges_merges_per_month*(1-in_merges_success_rate_before)",
        "monthly_waste_usd": "out_failed_merges_per_month*in_merges_fix_hours*in_team_loaded_hourly_rate",
        **{
            f"benefit_by_stream_usd_{s}": f"stream_{s}_full_usd*({_over_included('in_investments_{a}_delivers_' + s)})"
            for s in STREAMS
        },
        "monthly_benefit_usd": "+".join(f"out_benefit_by_stream_usd_{s}" for s in STREAMS),
        "one_time_cost_usd": _over_included("area_{a}_one_time_usd"),
        "staff_cost_usd": _over_included("area_{a}_staff_cost_usd"),
        "upfront_investment_usd": "out_one_time_cost_usd+IF(in_finance_include_staff_cost,out_staff_cost_usd,0)",
        "annual_recurring_cost_usd": _over_included("area_{a}_annual_recurring_usd"),
        "monthly_discount_rate": "(1+in_finance_annual_discount_rate)^(1/12)-1",
        "pv_costs_usd": _pv_costs(model, "one_time_usd", "staff_usd", "recurring_usd"),
        "delivery_to_ai_ratio": _RATIO.format(x="out_one_time_cost_usd+out_annual_recurring_cost_usd", u=UNDEFINED),
        "delivery_to_ai_ratio_incl_staff": _RATIO.format(
            x="out_one_time_cost_usd+out_annual_recurring_cost_usd+out_staff_cost_usd", u=UNDEFINED
        ),
        "annual_delivery_to_ai_ratio": _RATIO.format(x=f"-SUM({costs})*12/out_horizon_months", u=UNDEFINED),
        "payback_months": _payback(model, "cumulative_usd", "payback_candidate"),
        "discounted_payback_months": _payback(model, "cumulative_discounted_usd", "discounted_payback_candidate"),
        "cumulative_zero_crossings": (
            f"SUMPRODUCT(--(({rng('cumulative_usd', first + 1)}<0)"
            f"<>({rng('cumulative_usd', first, model.last - 1)}<0)))"
        ),
        "npv_usd": f"{cell('net_flow_usd', first)}+NPV(out_monthly_discount_rate,{rng('net_flow_usd', first + 1)})",
        "irr_annual": f'IF(irr_bracketed,EXP(12*irr_x_solved)-1,"{UNDEFINED}")',
        "roi": f'IF(out_pv_costs_usd>0,out_npv_usd/out_pv_costs_usd,"{UNDEFINED}")',
        "peak_funding_usd": f"MAX(0,-MIN({rng('cumulative_usd')}))",
        "first_year_cost_usd": f"-SUM({model.block('one_time_usd', 'recurring_usd', stop=model.year_one_last)})",
        "include_staff_cost": "in_finance_include_staff_cost",
    }


def _area_formulas(model: ModelRows, area: str) -> dict[str, str]:
    """Formulas of one area's figures alone (as if it were the only one funded), by key of the summary's areas."""
    p, pv = f"in_investments_{area}", f"area_{area}_pv_costs_usd"
    return {
        "included": f"{p}_include",
        "go_live_month": f"{p}_start_month+{p}_build_months",
        "investment_usd": f"area_{area}_one_time_usd+IF(in_finance_include_staff_cost,area_{area}_staff_cost_usd,0)",
        "npv_usd": f"SUMPRODUCT({model.range(f'{area}_net_flow_usd')},{model.range('discount_factor')})",
        "payback_months": _payback(model, f"{area}_cumulative_usd", f"{area}_payback_candidate"),
        "roi": f'IF({pv}>0,out_area_{area}_npv_usd/{pv},"{UNDEFINED}")',
        "monthly_benefit_usd": "+".join(f"stream_{s}_full_usd*{p}_delivers_{s}" for s in STREAMS),
    }


def _area_cost_formulas(model: ModelRows, area: str) -> dict[str, str]:
    """One area's costs (cost risk in) and, from its own Model columns, its year-1 cost and PV of costs."""
    p = f"in_investments_{area}"
    return {
        "one_time_usd": f"{_COST_FACTOR}*{p}_one_time",
        "staff_cost_usd": (
            f"{_COST_FACTOR}*{p}_engineer_quarters*in_team_hours_per_engineer_quarter*in_team_loaded_hourly_rate"
        ),
        "annual_recurring_usd": f"{_COST_FACTOR}*{p}_annual_recurring",
        "first_year_cost_usd": (
            f"-SUM({model.block(f'{area}_one_time_usd', f'{area}_recurring_usd', stop=model.year_one_last)})"
        ),
        "pv_costs_usd": _pv_costs(model, f"{area}_one_time_usd", f"{area}_staff_usd", f"{area}_recurring_usd"),
    }


#: The Model sheet's columns: key (as in `roi export` CSV where it has one) and the header a CFO reads.
_PLAN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("month", "Month"),
    ("growth_factor", "Volume growth factor"),
    *((f"live_{a}", f"{AREA_LABELS[a]} live share in the plan") for a in AREAS),
    *((f"{s}_usd", f"{_STREAM_BENEFIT[s]} (USD)") for s in STREAMS),
    ("benefit_usd", "Benefit, all streams (USD)"),
    ("one_time_usd", "One-time costs (USD)"),
    ("staff_usd", "Staff cost (USD)"),
    ("recurring_usd", "Recurring costs (USD)"),
    ("net_flow_usd", "Net cash flow (USD)"),
    ("cumulative_usd", "Cumulative cash flow (USD)"),
    ("discount_factor", "Discount factor"),
    ("discounted_flow_usd", "Discounted cash flow (USD)"),
    ("cumulative_discounted_usd", "Cumulative discounted cash flow (USD)"),
    ("baseline_waste_usd", "Cost of doing nothing: failed merges (USD)"),
    ("payback_candidate", "Payback if the cumulative flow turns here (months)"),
    ("discounted_payback_candidate", "Discounted payback if the cumulative discounted flow turns here (months)"),
)
#: Each area alone, as if it were the only one funded (whether or not the plan includes it).
_AREA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("live_if_funded", "live share if funded"),
    ("benefit_usd", "benefit (USD)"),
    ("one_time_usd", "one-time cost (USD)"),
    ("staff_usd", "staff cost (USD)"),
    ("recurring_usd", "recurring cost (USD)"),
    ("net_flow_usd", "net cash flow (USD)"),
    ("cumulative_usd", "cumulative cash flow (USD)"),
    ("payback_candidate", "payback if the cumulative flow turns here (months)"),
)
_MODEL_HEADERS: dict[str, str] = {
    **dict(_PLAN_COLUMNS),
    **{f"{a}_{k}": f"{AREA_LABELS[a]} alone: {label}" for a in AREAS for k, label in _AREA_COLUMNS},
}
_MODEL_COLUMNS: tuple[str, ...] = tuple(_MODEL_HEADERS)
_COLUMN = {key: i for i, key in enumerate(_MODEL_COLUMNS)}


def _model_style(key: str) -> str:
    if key == "month":
        return "count"
    if key.endswith("payback_candidate"):
        return "months"
    if key.endswith("live_if_funded") or key.startswith("live_"):
        return "pct"
    if key.endswith(("growth_factor", "discount_factor")):
        return "factor"
    return "usd"


def _cumulative(c: dict[str, str], prev: dict[str, str] | None, key: str, flow: str) -> str:
    return c[flow] if prev is None else f"{prev[key]}+{c[flow]}"


def _candidate(c: dict[str, str], prev: dict[str, str] | None, cum: str, flow: str) -> str:
    if prev is None:
        return '""'
    return f'IF(AND({prev[cum]}<0,{c[cum]}>=0),{prev["month"]}-{prev[cum]}/{c[flow]},"")'


def _model_row(row: int, first: int) -> dict[str, str]:
    """The formulas of one Model row, by column; `row` is 0-based, month = row - first."""
    c = {k: xl_rowcol_to_cell(row, i) for i, k in enumerate(_MODEL_COLUMNS)}
    prev = None if row == first else {k: xl_rowcol_to_cell(row - 1, i) for i, k in enumerate(_MODEL_COLUMNS)}
    m, g = c["month"], c["growth_factor"]
    formulas = {
        "month": "0" if prev is None else f"{prev['month']}+1",
        "growth_factor": f"(1+in_growth_volume_growth_per_year)^(({m}-1)/12)",
    }
    for a in AREAS:
        p, go_live = f"in_investments_{a}", f"out_area_{a}_go_live_month"
        start, build = f"{p}_start_month", f"{p}_build_months"
        k = {key: f"{a}_{key}" for key, _ in _AREA_COLUMNS}
        live = c[k["live_if_funded"]]
        formulas[f"live_{a}"] = _included(a, live)
        formulas[k["live_if_funded"]] = (
            f"IF({m}<={go_live},0,IF(in_finance_ramp_months=0,1,MIN(1,({m}-{go_live})/in_finance_ramp_months)))"
        )
        formulas[k["benefit_usd"]] = f"{live}*{g}*out_area_{a}_monthly_benefit_usd"
        formulas[k["one_time_usd"]] = f"IF({m}={start},-area_{a}_one_time_usd,0)"
        formulas[k["staff_usd"]] = (
            f"IF(in_finance_include_staff_cost,IF({build}=0,IF({m}={start},-area_{a}_staff_cost_usd,0),"
            f"IF(AND({m}>{start},{m}<={start}+{build}),-area_{a}_staff_cost_usd/{build},0)),0)"
        )
        formulas[k["recurring_usd"]] = f"IF({m}>={start}+1,-area_{a}_annual_recurring_usd/12,0)"
        parts = ("benefit_usd", "one_time_usd", "staff_usd", "recurring_usd")
        formulas[k["net_flow_usd"]] = "+".join(c[k[x]] for x in parts)
        formulas[k["cumulative_usd"]] = _cumulative(c, prev, k["cumulative_usd"], k["net_flow_usd"])
        formulas[k["payback_candidate"]] = _candidate(c, prev, k["cumulative_usd"], k["net_flow_usd"])
    for s in STREAMS:
        shares = "+".join(f"{c[f'live_{a}']}*in_investments_{a}_delivers_{s}" for a in AREAS)
        formulas[f"{s}_usd"] = f"stream_{s}_full_usd*{g}*({shares})"
    for cost in ("one_time_usd", "staff_usd", "recurring_usd"):
        formulas[cost] = "+".join(_included(a, c[f"{a}_{cost}"]) for a in AREAS)
    formulas.update(
        benefit_usd=f"SUM({c['merges_usd']}:{c['lead_time_usd']})",
        net_flow_usd=f"{c['benefit_usd']}+{c['one_time_usd']}+{c['staff_usd']}+{c['recurring_usd']}",
        cumulative_usd=_cumulative(c, prev, "cumulative_usd", "net_flow_usd"),
        discount_factor=f"1/(1+out_monthly_discount_rate)^{m}",
        discounted_flow_usd=f"{c['net_flow_usd']}*{c['discount_factor']}",
        cumulative_discounted_usd=_cumulative(c, prev, "cumulative_discounted_usd", "discounted_flow_usd"),
        baseline_waste_usd=f"IF({m}=0,0,{g}*out_monthly_waste_usd)",
        payback_candidate=_candidate(c, prev, "cumulative_usd", "net_flow_usd"),
        discounted_payback_candidate=_candidate(c, prev, "cumulative_discounted_usd", "discounted_flow_usd"),
    )
    return formulas


def _candidates(cumulative: np.ndarray, flows: np.ndarray) -> list[float | None]:
    out: list[float | None] = [None]
    for m in range(1, len(flows)):
        crossed = cumulative[m - 1] < 0 <= cumulative[m]
        out.append(float(m - 1 - cumulative[m - 1] / flows[m]) if crossed else None)
    return out


def _cached(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return UNDEFINED
    return value


def _shown(key: str, value: Any) -> Any:
    """A summary value as its cell caches it: text where the figure is undefined."""
    if value is None:
        return NOT_REACHED if "payback" in key else UNDEFINED
    return value


def _each_area_alone(values: dict[str, float]) -> dict[str, Any]:
    """Input values of four rows: each area included alone, whatever the file says (AREAS order)."""
    out: dict[str, Any] = dict(values)
    for i, area in enumerate(AREAS):
        out[f"investments.{area}.include"] = np.eye(len(AREAS))[i]
    out["lines.plan"] = np.zeros(len(AREAS))  # a line of the whole plan counts in no area alone
    return out


@dataclass(frozen=True)
class _Alone:
    """Each area alone (one row per area, in AREAS order): the model's flows and metrics, for the cached values."""

    flows: Flows
    metrics: Metrics

    def model_columns(self, months: int) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        f = self.flows
        for i, a in enumerate(AREAS):
            net = f.net_flow_usd[i]
            cumulative = np.cumsum(net)
            out[f"{a}_live_if_funded"] = np.broadcast_to(f.live_share[a][i], (months,)).tolist()
            out[f"{a}_benefit_usd"] = f.benefit_usd[i].tolist()
            out[f"{a}_one_time_usd"] = (-f.one_time_flow_usd[i]).tolist()
            out[f"{a}_staff_usd"] = (-f.staff_flow_usd[i]).tolist()
            out[f"{a}_recurring_usd"] = (-f.recurring_flow_usd[i]).tolist()
            out[f"{a}_net_flow_usd"] = net.tolist()
            out[f"{a}_cumulative_usd"] = cumulative.tolist()
            out[f"{a}_payback_candidate"] = _candidates(cumulative, net)
        return out

    def costs(self, i: int) -> dict[str, float]:
        f, m = self.flows, self.metrics
        return {
            "one_time_usd": float(f.one_time_cost_usd[i]),
            "staff_cost_usd": float(f.staff_cost_usd[i]),
            "annual_recurring_usd": float(f.annual_recurring_cost_usd[i]),
            "first_year_cost_usd": float(m.first_year_cost_usd[i]),
            "pv_costs_usd": float(m.pv_costs_usd[i]),
        }


class _Worksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter is untyped for mypy here
    """xlsxwriter's worksheet without its rewriting of newer Excel function names (XLOOKUP -> _xlfn.XLOOKUP...).

    Our formulas use only functions that Excel and LibreOffice both compute, none of which needs it, and the
    rewriting (some thirty regular expressions run over every formula) was most of the export's time. Only speed
    depends on this: should xlsxwriter stop calling the method, formulas are written as before.
    """

    def _prepare_formula(self, formula: str, *args: Any, **kwargs: Any) -> str:
        return formula.removeprefix("=")


_SHEET_TITLES = {
    "Summary": "Delivery ROI: summary",
    "Inputs": "Delivery ROI: inputs",
    "Model": "Delivery ROI: the plan month by month",
    "Plan": "Delivery ROI: spend areas and their combinations",
    "IRR": "Delivery ROI: IRR by bisection",
    "Checks": "Delivery ROI: model checks",
}


def build_workbook(result: Result, phasing: Phasing | None = None) -> bytes:
    """The workbook as .xlsx bytes: live formulas, their values cached, full recalculation on open. With `phasing`
    (plan.best_phasing under yearly budgets), the Plan sheet ends with the budgets and the phasing found."""
    scenario, summary = result.scenario, result.summary
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    wb.set_calc_mode("auto")
    wb.set_properties(
        {"title": f"Delivery ROI: {scenario.name}", "comments": "Generated by the delivery ROI calculator"}
    )
    fmt = _formats(wb)
    sheets = {
        name: wb.add_worksheet(name, worksheet_class=_Worksheet)
        for name in ("Summary", "Inputs", "Model", "Plan", "IRR", "Checks")
    }
    flows = cash_flows(scenario, _each_area_alone(likely_values(scenario)))
    alone = _Alone(flows, metrics(flows, with_irr=False))
    model = ModelRows(1, 1 + summary.horizon_months)
    setups = {
        "Inputs": _write_inputs(sheets["Inputs"], wb, fmt, scenario),
        "Model": _write_model(sheets["Model"], fmt, model, result.monthly, alone),
        "Summary": _write_summary(sheets["Summary"], wb, fmt, model, result, alone),
        "Plan": _write_plan(sheets["Plan"], wb, fmt, model, result, alone, phasing),
        "IRR": _write_irr(sheets["IRR"], wb, fmt, model, result.monthly["net_flow_usd"].to_numpy()),
        "Checks": _write_checks(sheets["Checks"], wb, fmt, model),
    }
    for name, setup in setups.items():
        _print_setup(sheets[name], _SHEET_TITLES[name], scenario.name, setup)
    wb.close()
    return buffer.getvalue()


def _write_inputs(ws: Any, wb: Any, fmt: dict[str, Any], scenario: Scenario) -> PrintSetup:
    widths = [44, 13, 10, 11, 11, 80, 36]
    _widths(ws, widths)
    ws.write_string(0, 0, "Inputs: change the yellow cells; every other figure follows.", fmt["title"])
    ws.write_string(1, 0, "Scenario", fmt["bold"])
    ws.write_string(1, 1, scenario.name)
    ws.write_string(2, 0, "Description", fmt["bold_top"])
    ws.merge_range(2, 1, 2, 5, "", fmt["note"])  # wrapped across the printed width, however long
    ws.write_string(2, 1, scenario.description, fmt["note"])
    ws.set_row(2, 15 * _lines(scenario.description, sum(widths[1:6])))
    header = ["Input", "Value", "Unit", "Low", "High", "What it means", "Scenario key"]
    for i, h in enumerate(header):
        ws.write_string(4, i, h, fmt["header"])
    rows = input_rows(scenario)
    for r, item in enumerate(rows, start=5):
        ws.write_string(r, 0, item.label, fmt["note"])
        if isinstance(item.value, bool):
            ws.write_boolean(r, 1, item.value, fmt["input_flag"])
        elif item.value is None:
            ws.write_blank(r, 1, None, fmt["input"])
        else:
            style = "input_pct" if item.spec.kind in ("share", "rate") else "input"
            ws.write_number(r, 1, float(item.value), fmt[style])
        ws.write_string(r, 2, item.spec.unit, fmt["beside_number"])
        if item.low is not None and item.high is not None:
            muted = "muted_pct" if item.spec.kind in ("share", "rate") else "muted"
            ws.write_number(r, 3, item.low, fmt[muted])
            ws.write_number(r, 4, item.high, fmt[muted])
        note = item.note
        if item.path == "finance.horizon_months":
            note += " The Model sheet has one row per month, so re-export to change the horizon."
        ws.write_string(r, 5, note, fmt["note_beside_number"])
        # spreadsheets do not grow a row for wrapped text on opening: give it the lines it needs
        ws.set_row(r, 15 * max(_lines(note, widths[5] - 2), _lines(item.label, widths[0])))  # note: less the indent
        ws.write_string(r, 6, item.path, fmt["muted"])
        wb.define_name(item.name, f"=Inputs!{xl_rowcol_to_cell(r, 1, True, True)}")
    last = 4 + len(rows)
    return PrintSetup(last, 5, landscape=True, repeat_rows=(4, 4), note="Scenario keys (column G) are not printed")


def _shown_width(values: list[Any], style: str) -> int:
    """Characters the widest of a column's values takes in its number format (so the column never shows ###)."""
    numbers = [abs(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    biggest = max(numbers, default=0.0)
    if style == "usd":
        digits = len(f"{round(biggest):,}")
    elif style == "months":
        digits = len(f"{biggest:.2f}")
    elif style == "count":
        digits = len(f"{round(biggest)}")
    else:
        digits = len(f"{biggest:.3f}")
    return digits + 1  # the minus sign


def _write_model(ws: Any, fmt: dict[str, Any], model: ModelRows, table: pd.DataFrame, alone: _Alone) -> PrintSetup:
    first, last = model.first, model.last
    ws.freeze_panes(1, 1)
    ws.set_row(0, 105)
    for i, key in enumerate(_MODEL_COLUMNS):
        ws.write_string(0, i, _MODEL_HEADERS[key], fmt["header"])
    cached: dict[str, list[Any]] = {key: table[key].to_numpy().tolist() for key in table.columns}
    cached["payback_candidate"] = _candidates(table["cumulative_usd"].to_numpy(), table["net_flow_usd"].to_numpy())
    cached["discounted_payback_candidate"] = _candidates(
        table["cumulative_discounted_usd"].to_numpy(), table["discounted_flow_usd"].to_numpy()
    )
    cached.update(alone.model_columns(last - first + 1))
    styles = [fmt[_model_style(key)] for key in _MODEL_COLUMNS]
    columns = [cached[key] for key in _MODEL_COLUMNS]
    for i, key in enumerate(_MODEL_COLUMNS):
        # wide enough for the largest value, the wrapped header in at most five lines, and its longest word
        longest_word = max(len(word) for word in _MODEL_HEADERS[key].split()) + 2
        ws.set_column(i, i, max(6 if i == 0 else 11, longest_word, _shown_width(columns[i], _model_style(key)) + 1))
    for row in range(first, last + 1):
        formulas_of_row = _model_row(row, first)
        for i, key in enumerate(_MODEL_COLUMNS):
            ws.write_formula(row, i, "=" + formulas_of_row[key], styles[i], _cached(columns[i][row - first]))
    printed = len(_PLAN_COLUMNS) - 1
    leftout = f"{xl_rowcol_to_cell(0, printed + 1)[:-1]} to {xl_rowcol_to_cell(0, len(_MODEL_COLUMNS) - 1)[:-1]}"
    note = f"Each area alone (columns {leftout}) is not printed"
    return PrintSetup(last, printed, landscape=True, repeat_rows=(0, 0), note=note)


def _write_summary(
    ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows, result: Result, alone: _Alone
) -> PrintSetup:
    scenario, summary = result.scenario, result.summary
    _widths(ws, [52, 22, 22, 22, 22])
    ws.write_string(0, 0, "Delivery ROI: the business case", fmt["title"])
    ws.write_string(1, 0, "Scenario", fmt["bold"])
    ws.write_string(1, 1, scenario.name)
    wb.define_name("out_scenario", f"=Summary!{xl_rowcol_to_cell(1, 1, True, True)}")
    ws.write_string(2, 0, "Change the yellow cells on the Inputs sheet; the figures here are formulas of them.")
    formulas = _summary_formulas(model)
    values = summary.to_dict()
    values.update({f"benefit_by_stream_usd_{k}": v for k, v in summary.benefit_by_stream_usd.items()})
    values["monthly_discount_rate"] = float(finance.monthly_rate(likely(scenario.finance.annual_discount_rate)))
    r = 4
    for key, label, style in _SUMMARY_LAYOUT:
        ws.write_string(r, 0, label, fmt["bold"] if key in _HEADLINE else None)
        ws.write_formula(r, 1, "=" + formulas[key], fmt[style], _shown(key, values.get(key)))
        wb.define_name(f"out_{key}", f"=Summary!{xl_rowcol_to_cell(r, 1, True, True)}")
        r += 1

    r += 1
    ws.write_string(r, 0, "Each spend area alone: its own flows, as if it were the only one funded", fmt["bold"])
    r += 1
    ws.write_string(r, 0, "", fmt["header"])
    ws.set_row(r, 30)
    for i, a in enumerate(AREAS):
        ws.write_string(r, 1 + i, AREA_LABELS[a], fmt["header"])
    area_formulas = {a: _area_formulas(model, a) for a in AREAS}
    for key, label, style in _AREA_LAYOUT:
        r += 1
        ws.write_string(r, 0, label)
        for i, a in enumerate(AREAS):
            value = _shown(key, getattr(summary.areas[a], key))
            ws.write_formula(r, 1 + i, "=" + area_formulas[a][key], fmt[style], value)
            wb.define_name(f"out_area_{a}_{key}", f"=Summary!{xl_rowcol_to_cell(r, 1 + i, True, True)}")

    r += 2
    ws.write_string(r, 0, "Each stream in month 1 at full ramp, every area that delivers it funded (USD)", fmt["bold"])
    for s in STREAMS:
        r += 1
        ws.write_string(r, 0, f"  {STREAM_LABELS[s]} (risk-adjusted)")
        value = float(alone.flows.full_stream_usd[s][0])
        ws.write_formula(r, 1, "=" + _risk_adjusted(s, _RAW_STREAMS[s]), fmt["usd"], value)
        wb.define_name(f"stream_{s}_full_usd", f"=Summary!{xl_rowcol_to_cell(r, 1, True, True)}")

    r += 2
    ws.write_string(r, 0, "Model checks pass", fmt["bold"])
    ws.write_formula(r, 1, "=checks_all_pass", fmt["bold_flag"], True)
    ws.write_string(r + 2, 0, "Formulas: docs/method.md of the delivery ROI calculator.")
    ws.write_string(r + 3, 0, "Cash out is negative on the Model sheet.")
    ws.write_string(r + 4, 0, "The Plan sheet has each area and every combination of areas.")
    return PrintSetup(r + 4, 4)


_HEADLINE = {
    "payback_months",
    "discounted_payback_months",
    "npv_usd",
    "irr_annual",
    "roi",
    "delivery_to_ai_ratio",
    "peak_funding_usd",
    "first_year_cost_usd",
}
_SUMMARY_LAYOUT = (
    ("payback_months", "Payback (months)", "months"),
    ("discounted_payback_months", "Discounted payback (months)", "months"),
    ("cumulative_zero_crossings", "Times the cumulative cash flow crosses zero", "count"),
    ("npv_usd", "NPV (USD)", "usd"),
    ("irr_annual", "IRR (annual)", "pct"),
    ("roi", "ROI (NPV / PV of costs)", "pct"),
    ("peak_funding_usd", "Peak funding: the most cash the plan needs (USD)", "usd"),
    ("first_year_cost_usd", "Cost in plan year 1, months 0 to 12 (USD)", "usd"),
    ("delivery_to_ai_ratio", "Delivery-to-AI spend ratio", "ratio"),
    ("delivery_to_ai_ratio_incl_staff", "Delivery-to-AI ratio incl. staff", "ratio"),
    ("annual_delivery_to_ai_ratio", "Delivery-to-AI ratio, average year of the plan's costs", "ratio"),
    ("horizon_months", "Horizon (months)", "count"),
    ("failed_merges_per_month", "Failed merges per month", "one_decimal"),
    ("monthly_waste_usd", "Failed-merge rework per month today (USD)", "usd"),
    ("monthly_benefit_usd", "Benefit per month at full ramp, funded areas (USD)", "usd"),
    ("benefit_by_stream_usd_merges", "  failed merges", "usd"),
    ("benefit_by_stream_usd_builds", "  build waiting", "usd"),
    ("benefit_by_stream_usd_incidents", "  incidents", "usd"),
    ("benefit_by_stream_usd_lead_time", "  lead time", "usd"),
    ("one_time_cost_usd", "One-time cost of the funded areas, with cost risk (USD)", "usd"),
    ("staff_cost_usd", "Staff cost of engineer-quarters, counted or not (USD)", "usd"),
    ("upfront_investment_usd", "Investment: one-time plus counted staff (USD)", "usd"),
    ("annual_recurring_cost_usd", "Recurring cost per year (USD)", "usd"),
    ("pv_costs_usd", "Present value of costs (USD)", "usd"),
    ("monthly_discount_rate", "Monthly discount rate", "rate"),
    ("include_staff_cost", "Staff cost counted in the flows", "bold_flag"),
)
_AREA_LAYOUT = (
    ("included", "Funded in this plan", "flag"),
    ("go_live_month", "Go-live month", "count"),
    ("investment_usd", "Investment: one-time plus counted staff (USD)", "usd"),
    ("npv_usd", "NPV alone (USD)", "usd"),
    ("payback_months", "Payback alone (months)", "months"),
    ("roi", "ROI alone (NPV / PV of costs)", "pct"),
    ("monthly_benefit_usd", "Benefit per month at full ramp (USD)", "usd"),
)


def _write_plan(
    ws: Any,
    wb: Any,
    fmt: dict[str, Any],
    model: ModelRows,
    result: Result,
    alone: _Alone,
    phasing: Phasing | None = None,
) -> PrintSetup:
    """Each area alone (its costs, from its own Model columns) and every combination of areas, by additivity."""
    summary, inputs = result.summary, likely_values(result.scenario)
    _widths(ws, [44, 12, 12, 12, 12, 14, 14, 14, 14, 14, 14, 14, 14, len(NOT_REACHED) + 1, 10])
    ws.write_string(0, 0, "Plan: each spend area alone, and every combination of areas", fmt["title"])
    ws.write_string(
        1,
        0,
        "Cash flows add up over areas, so a combination's investment, year-1 cost, PV of costs and NPV are the sums "
        "of its areas' figures alone.",
    )
    ws.write_string(2, 0, "Payback and IRR do not add up: the Summary sheet has them for the funded plan.")
    header = [
        "Area", "Funded in the plan", "Start month", "Months to go live", "Go-live month",
        "One-time cost, with cost risk (USD)", "Staff cost, counted or not (USD)", "Recurring cost per year (USD)",
        "Investment: one-time plus counted staff (USD)", "Benefit per month at full ramp (USD)",
        "Year-1 cost, months 0 to 12 (USD)", "PV of costs (USD)", "NPV alone (USD)", "Payback alone (months)",
        "ROI alone",
    ]  # fmt: skip
    top = 3
    ws.set_row(top, 60)
    for i, h in enumerate(header):
        ws.write_string(top, i, h, fmt["header"])
    for i, a in enumerate(AREAS):
        r = top + 1 + i
        area, costs, formulas = summary.areas[a], alone.costs(i), _area_cost_formulas(model, a)
        p, out = f"in_investments_{a}", f"out_area_{a}"
        # (formula, style, cached value, the name the cell defines or None), columns B onwards
        cells: list[tuple[str, str, Any, str | None]] = [
            (f"{out}_included", "flag", area.included, None),
            (f"{p}_start_month", "count", inputs[f"investments.{a}.start_month"], None),
            (f"{p}_build_months", "count", inputs[f"investments.{a}.build_months"], None),
            (f"{out}_go_live_month", "count", area.go_live_month, None),
            *((formulas[k], "usd", costs[k], f"area_{a}_{k}") for k in ("one_time_usd", "staff_cost_usd")),
            (formulas["annual_recurring_usd"], "usd", costs["annual_recurring_usd"], f"area_{a}_annual_recurring_usd"),
            (f"{out}_investment_usd", "usd", area.investment_usd, None),
            (f"{out}_monthly_benefit_usd", "usd", area.monthly_benefit_usd, None),
            *((formulas[k], "usd", costs[k], f"area_{a}_{k}") for k in ("first_year_cost_usd", "pv_costs_usd")),
            (f"{out}_npv_usd", "usd", area.npv_usd, None),
            (f"{out}_payback_months", "months", _shown("payback_months", area.payback_months), None),
            (f"{out}_roi", "pct", _shown("roi", area.roi), None),
        ]
        ws.write_string(r, 0, AREA_LABELS[a])
        for c, (formula, style, value, name) in enumerate(cells, start=1):
            ws.write_formula(r, c, "=" + formula, fmt[style], value)
            if name:
                wb.define_name(name, f"=Plan!{xl_rowcol_to_cell(r, c, True, True)}")

    top += len(AREAS) + 3
    ws.write_string(top - 1, 0, "Every combination of areas, funded together as planned", fmt["bold"])
    ws.set_row(top, 60)
    combo_header = [
        "Areas funded", "The plan on the Inputs sheet", "Investment: one-time plus counted staff (USD)",
        "Year-1 cost, months 0 to 12 (USD)", "PV of costs (USD)", "NPV (USD)", "ROI",
    ]  # fmt: skip
    for i, h in enumerate(combo_header):
        ws.write_string(top, i, h, fmt["header"])
    funded = tuple(a for a in AREAS if summary.areas[a].included)
    for k, combo in enumerate(COMBINATIONS):
        r = top + 1 + k
        rows = [AREAS.index(a) for a in combo]
        year_one = sum(alone.costs(i)["first_year_cost_usd"] for i in rows)
        pv = sum(alone.costs(i)["pv_costs_usd"] for i in rows)
        npv = sum(summary.areas[a].npv_usd for a in combo)
        flags = ",".join(
            f"in_investments_{a}_include" if a in combo else f"NOT(in_investments_{a}_include)" for a in AREAS
        )
        pv_cell, npv_cell = xl_rowcol_to_cell(r, 4), xl_rowcol_to_cell(r, 5)
        row_cells: list[tuple[str, str, Any]] = [
            (f"AND({flags})", "flag", combo == funded),
            (
                "+".join(f"out_area_{a}_investment_usd" for a in combo),
                "usd",
                sum(summary.areas[a].investment_usd for a in combo),
            ),
            ("+".join(f"area_{a}_first_year_cost_usd" for a in combo), "usd", year_one),
            ("+".join(f"area_{a}_pv_costs_usd" for a in combo), "usd", pv),
            ("+".join(f"out_area_{a}_npv_usd" for a in combo), "usd", npv),
            (f'IF({pv_cell}>0,{npv_cell}/{pv_cell},"{UNDEFINED}")', "pct", npv / pv if pv > 0 else UNDEFINED),
        ]
        ws.write_string(r, 0, combination_label(combo), fmt["note"])
        ws.set_row(r, 15 * _lines(combination_label(combo), 44))
        for c, (formula, style, value) in enumerate(row_cells, start=1):
            ws.write_formula(r, c, "=" + formula, fmt[style], value)
    last = top + len(COMBINATIONS)
    if phasing is not None:
        last = _write_phasing(ws, fmt, phasing, result, last + 2)
    return PrintSetup(last, len(header) - 1, landscape=True)


#: A budget this large is no cap (as roi.documents.NO_CAP_USD).
_NO_CAP_USD = 1e15


def _write_phasing(ws: Any, fmt: dict[str, Any], phasing: Phasing, result: Result, top: int) -> int:
    """The yearly budgets and the best phasing found within them (values from the search, not live formulas); the
    last row written."""
    from roi.plan import stretch_note

    ws.write_string(top, 0, "Phasing under the yearly budgets (as found by the search; values, not formulas)",
                    fmt["bold"])  # fmt: skip
    r = top + 1
    for year, cap in enumerate(phasing.budgets_usd, start=1):
        ws.write_string(r, 0, f"Budget, plan year {year} (USD)")
        if cap >= _NO_CAP_USD:
            ws.write_string(r, 1, "no cap")
        else:
            ws.write_number(r, 1, cap, fmt["usd"])
        r += 1
    ws.write_string(r, 0, "Later plan years")
    ws.write_string(r, 1, "no cap")
    r += 1
    for a in AREAS:
        start = phasing.start_months[a]
        ws.write_string(r, 0, f"{AREA_LABELS[a]}: starts")
        ws.write_string(r, 1, "not funded" if start is None else f"month {start}")
        r += 1
    ws.write_string(r, 0, "NPV of this phasing (USD)")
    ws.write_number(r, 1, phasing.npv_usd, fmt["usd"])
    r += 1
    if result.summary.continuing_months:
        ws.write_string(r, 0, f"NPV with the {result.summary.continuing_months} months after the horizon (USD)")
        ws.write_number(r, 1, phasing.npv_with_continuing_value_usd, fmt["usd"])
        r += 1
    ws.write_string(r, 0, "Payback of this phasing")
    funded = any(s is not None for s in phasing.start_months.values())
    payback = phasing.payback_months
    if payback is None or not funded:
        ws.write_string(r, 1, text.NOT_REACHED if funded else "no area funded")
    else:
        ws.write_number(r, 1, payback, fmt["months"])
    r += 1
    for year, cost in enumerate(phasing.cost_by_year_usd, start=1):
        ws.write_string(r, 0, f"Cost in plan year {year} (USD)")
        ws.write_number(r, 1, cost, fmt["usd"])
        r += 1
    note = stretch_note(phasing)
    if note is not None:
        ws.write_string(r, 0, note, fmt["note"])
        r += 1
    return r - 1


IRR_STEPS = 80  # bisection halvings: the bracket (at most 60 wide) shrinks below float precision


def _irr_bracket(horizon_months: int) -> tuple[float, float]:
    """The bracket in x = ln(1 + monthly rate) that finance.irr searches, so the sheet finds the same root."""
    return -min(50.0, 600.0 / max(horizon_months, 1)), 10.0


def _write_irr(ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows, flows: np.ndarray) -> PrintSetup:
    """IRR by bisection in plain formulas, robust where the IRR() function's Newton search gives up."""
    rng = model.range
    cash, months = rng("net_flow_usd"), rng("month")
    m = np.arange(flows.size, dtype=np.float64)

    def npv(x: float) -> float:
        return float(np.sum(flows * np.exp(-x * m)))

    _widths(ws, [44, 16, 16, 16, 16, 16])
    ws.write_string(0, 0, "IRR: the monthly rate at which NPV is zero, found by bisection", fmt["title"])
    ws.write_string(
        1, 0, "With x = ln(1 + monthly rate), NPV(x) = SUMPRODUCT(flows, EXP(-x * month)); each step halves"
    )
    ws.write_string(2, 0, "the bracket [x low, x high], keeping the half where NPV changes sign.")
    x_lo, x_hi = _irr_bracket(model.last - model.first)
    f_lo, f_hi = npv(x_lo), npv(x_hi)
    changes = bool((flows > 0).any() and (flows < 0).any())
    bracketed = bool(changes and np.sign(f_lo) != np.sign(f_hi))
    steps = []
    lo, hi = x_lo, x_hi
    for _ in range(IRR_STEPS):
        mid = (lo + hi) / 2
        f_mid = npv(mid)
        steps.append((lo, hi, mid, f_lo, f_mid))
        if np.sign(f_mid) == np.sign(f_lo):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    header_rows = [
        ("x low", "irr_x_low", "=-MIN(50,600/out_horizon_months)", x_lo),
        ("x high", "irr_x_high", "=10", x_hi),
        (
            "Flows and NPV change sign across the bracket",
            "irr_bracketed",
            f'=AND(COUNTIF({cash},">0")>0,COUNTIF({cash},"<0")>0,'
            f"SIGN(SUMPRODUCT({cash},EXP(-irr_x_low*{months})))<>SIGN(SUMPRODUCT({cash},EXP(-irr_x_high*{months}))))",
            bracketed,
        ),
    ]
    for r, (label, name, formula, value) in enumerate(header_rows, start=4):
        ws.write_string(r, 0, label, fmt["bold"])
        ws.write_formula(r, 1, formula, fmt["flag" if name == "irr_bracketed" else "factor"], value)
        wb.define_name(name, f"=IRR!{xl_rowcol_to_cell(r, 1, True, True)}")
    top = 10
    # NPV at an extreme rate can run to hundreds of digits: scientific notation always fits the column.
    step_styles = [fmt["count"], fmt["factor"], fmt["factor"], fmt["factor"], fmt["sci"], fmt["sci"]]
    for i, h in enumerate(["step", "x low", "x high", "x mid", "NPV at x low", "NPV at x mid"]):
        ws.write_string(top, i, h, fmt["header"])
    for k, (lo, hi, mid, f_lo, f_mid) in enumerate(steps):
        r = top + 1 + k
        cell = {name: xl_rowcol_to_cell(r, c) for c, name in enumerate(["step", "lo", "hi", "mid", "f_lo", "f_mid"])}
        prev = {
            name: xl_rowcol_to_cell(r - 1, c) for c, name in enumerate(["step", "lo", "hi", "mid", "f_lo", "f_mid"])
        }
        same = f"SIGN({prev['f_mid']})=SIGN({prev['f_lo']})"
        formulas = {
            "step": "=1" if k == 0 else f"={prev['step']}+1",
            "lo": "=irr_x_low" if k == 0 else f"=IF({same},{prev['mid']},{prev['lo']})",
            "hi": "=irr_x_high" if k == 0 else f"=IF({same},{prev['hi']},{prev['mid']})",
            "mid": f"=({cell['lo']}+{cell['hi']})/2",
            "f_lo": f"=SUMPRODUCT({cash},EXP(-{cell['lo']}*{months}))"
            if k == 0
            else f"=IF({same},{prev['f_mid']},{prev['f_lo']})",
            "f_mid": f"=SUMPRODUCT({cash},EXP(-{cell['mid']}*{months}))",
        }
        for c, (key, value) in enumerate(zip(formulas, (k + 1, lo, hi, mid, f_lo, f_mid), strict=True)):
            ws.write_formula(r, c, formulas[key], step_styles[c], value)
    solved = top + IRR_STEPS
    wb.define_name("irr_x_solved", f"=IRR!{xl_rowcol_to_cell(solved, 3, True, True)}")
    ws.write_string(7, 0, "Monthly IRR (bisection)", fmt["bold"])
    monthly = float(np.expm1(steps[-1][2])) if bracketed else UNDEFINED
    ws.write_formula(7, 1, f'=IF(irr_bracketed,EXP(irr_x_solved)-1,"{UNDEFINED}")', fmt["rate"], monthly)
    ws.write_string(8, 0, "IRR() function, annual, for comparison", fmt["bold"])
    check = float(np.expm1(12 * steps[-1][2])) if bracketed else "did not converge"
    ws.write_formula(8, 1, f'=IFERROR((1+IRR({cash}))^12-1,"did not converge")', fmt["pct"], check)
    ws.write_string(
        9,
        0,
        "Spreadsheet IRR() searches from a guess and can give up on extreme rates; bisection cannot.",
        fmt["muted_note"],
    )
    note = f"The {IRR_STEPS} bisection steps (rows {top + 1} to {top + 1 + IRR_STEPS}) are not printed"
    return PrintSetup(9, 5, note=note)


def _write_checks(ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows) -> PrintSetup:
    first, last, rng, block = model.first, model.last, model.range, model.block
    months = last - first + 1

    def tol(*ranges: str) -> str:
        """A millionth of the magnitudes involved (at least a millionth of a dollar)."""
        return "MAX(1," + ",".join(f"SUMPRODUCT(ABS({r}))" for r in ranges) + ")/1000000"

    def payback_check(out: str, cumulative_key: str) -> str:
        """TRUE when the payback cell sits in the month after which the cumulative flow stays >= 0 (or none is).

        A payback p in (L, L + 1] follows the last month L with a negative cumulative flow: the cumulative flow at
        month ceil(p) - 1 is the last one below zero. A whole p may also be L itself, when the part of a month
        needed is too small to show in the 16 digits of a number (a negligible outlay paid back at once).
        The ceiling is -INT(-p): LibreOffice's ROUNDUP(p,0) returns #NUM! for p below about 1e-290 (a payback of
        2e-299 months, from a one-time cost of 3e-295 dollars, turned the master check into #NUM!).
        """
        cumulative = rng(cumulative_key)
        t = f"(-INT(-{out}))"

        def last_negative(row: str) -> str:
            """The cumulative flow in the 1-based `row` of the column is the last one below zero."""
            after = f"INDEX({cumulative},{row}):INDEX({cumulative},{months})"
            return f'AND(INDEX({cumulative},{row})<0,COUNTIF({after},"<0")=1)'

        crossing = f"OR({last_negative(f'MAX({t},1)')},AND({out}={t},{last_negative(f'MIN({t}+1,{months})')}))"
        never = f"INDEX({cumulative},{months})<0"
        return f'IF(ISNUMBER({out}),IF(COUNTIF({cumulative},"<0")=0,{out}=0,{crossing}),{never})'

    def by_area(term: Callable[[str], str]) -> str:
        return "+".join(_included(a, term(a)) for a in AREAS)

    net, benefit, costs = rng("net_flow_usd"), rng("benefit_usd"), block("one_time_usd", "recurring_usd")
    area_npvs = "+".join(f"ABS(out_area_{a}_npv_usd)" for a in AREAS)
    checks = [
        (
            "Net flows equal the benefit less one-time, staff and recurring costs",
            f"ABS(SUM({net})-SUM({benefit})-SUM({costs}))<={tol(net, costs)}",
        ),
        (
            "Benefit equals the sum of the four streams",
            f"ABS(SUM({benefit})-SUM({block('merges_usd', 'lead_time_usd')}))<={tol(benefit)}",
        ),
        (
            "Benefit equals the sum of the funded areas' benefits",
            f"ABS(SUM({benefit})-({by_area(lambda a: 'SUM(' + rng(a + '_benefit_usd') + ')')}))<={tol(benefit)}",
        ),
        (
            "Costs equal the sum of the funded areas' costs",
            f"ABS(SUM({costs})-({by_area(lambda a: 'SUM(' + block(a + '_one_time_usd', a + '_recurring_usd') + ')')}))"
            f"<={tol(costs)}",
        ),
        (
            "Last cumulative flow equals the sum of net flows",
            f"ABS(INDEX({rng('cumulative_usd')},{months})-SUM({net}))<={tol(net)}",
        ),
        (
            "NPV equals the sum of discounted flows",
            f"ABS(out_npv_usd-SUM({rng('discounted_flow_usd')}))<={tol(rng('discounted_flow_usd'))}",
        ),
        (
            "The plan's NPV equals the sum of its funded areas' NPVs alone",
            f"ABS(out_npv_usd-({_over_included('out_area_{a}_npv_usd')}))"
            f"<=MAX(1,SUMPRODUCT(ABS({rng('discounted_flow_usd')})),{area_npvs})/1000000",
        ),
        (
            "Payback agrees with the cumulative column",
            payback_check("out_payback_months", "cumulative_usd"),
        ),
        (
            "Discounted payback agrees with the cumulative discounted column",
            payback_check("out_discounted_payback_months", "cumulative_discounted_usd"),
        ),
        *(
            (
                f"{AREA_LABELS[a]} alone: payback agrees with its cumulative column",
                payback_check(f"out_area_{a}_payback_months", f"{a}_cumulative_usd"),
            )
            for a in AREAS
        ),
    ]
    _widths(ws, [70, 12])
    ws.write_string(0, 0, "Checks: each is TRUE when the model balances", fmt["title"])
    for r, (label, formula) in enumerate(checks, start=2):
        ws.write_string(r, 0, label)
        ws.write_formula(r, 1, "=" + formula, fmt["flag"], True)
    end = 2 + len(checks) - 1
    ws.write_string(end + 2, 0, "All checks pass (master check)", fmt["bold"])
    ws.write_formula(
        end + 2,
        1,
        f"=AND({xl_rowcol_to_cell(2, 1, True, True)}:{xl_rowcol_to_cell(end, 1, True, True)})",
        fmt["bold_flag"],
        True,
    )
    wb.define_name("checks_all_pass", f"=Checks!{xl_rowcol_to_cell(end + 2, 1, True, True)}")
    return PrintSetup(end + 2, 1)


FOOTER_NAME_CHARS = 60  # a scenario name longer than this is cut short in the page footer


def header_footer_text(text: str, limit: int = FOOTER_NAME_CHARS) -> str:
    """User text for a page header or footer: on one line, cut to `limit` characters, every '&' doubled.

    '&' starts a code in header and footer strings (&P page, &N pages, &F file, &"font"...), so a scenario named
    "R&D &P" must print as such, not as a page number.
    """
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line.replace("&", "&&")


@dataclass(frozen=True)
class PrintSetup:
    """How one sheet prints on A4: the cells printed, the orientation, the header rows repeated on every page."""

    last_row: int
    last_col: int
    landscape: bool = False
    repeat_rows: tuple[int, int] | None = None
    note: str = ""  # printed at the top right of every page, e.g. what the print area leaves out


def _print_setup(ws: Any, title: str, scenario_name: str, setup: PrintSetup) -> None:
    """A4, fit to the page width (as many pages down as needed), the scenario and page number in the footer."""
    ws.set_paper(9)  # A4
    if setup.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, setup.last_row, setup.last_col)
    if setup.repeat_rows is not None:
        ws.repeat_rows(*setup.repeat_rows)
    header = f"&L&B{title}&B"
    if setup.note:
        header += f"&R&I{setup.note.replace('&', '&&')}&I"
    ws.set_header(header)
    ws.set_footer(f"&L{header_footer_text(scenario_name)}&RPage &P of &N")


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (a little pessimistic: words wrap whole)."""
    per_line = max(1, int(width * 1.15))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _widths(ws: Any, widths: list[int]) -> None:
    for column, width in enumerate(widths):
        ws.set_column(column, column, width)


#: TRUE or FALSE for a truth value (TRUE for any number but 0), whether or not the formulas were recalculated.
_BOOLEAN = '"TRUE";"TRUE";"FALSE"'


def _formats(wb: Any) -> dict[str, Any]:
    add = wb.add_format
    input_style = {
        "bg_color": "#FFF2CC", "font_color": "#1F3A93", "border": 1, "border_color": "#BFBFBF", "valign": "top"
    }  # fmt: skip
    return {
        "title": add({"bold": True, "font_size": 14}),
        "bold": add({"bold": True}),
        "header": add({"bold": True, "bottom": 1, "bg_color": "#D9E1F2", "text_wrap": True, "valign": "top"}),
        # A formula's truth value. LibreOffice shows a cached TRUE as 1 (1.000 in a number format) until it
        # recalculates, so these cells say TRUE or FALSE in so many words, in any application.
        "flag": add({"align": "center", "num_format": _BOOLEAN}),
        "bold_flag": add({"bold": True, "num_format": _BOOLEAN}),
        "note": add({"text_wrap": True, "valign": "top"}),
        "bold_top": add({"bold": True, "valign": "top"}),
        "muted_note": add({"font_color": "#7F7F7F", "italic": True}),
        "sci": add({"num_format": "0.000E+00"}),
        "input": add({**input_style, "num_format": "#,##0.####"}),
        "input_pct": add({**input_style, "num_format": "0.0##%"}),
        "input_flag": add({**input_style, "num_format": _BOOLEAN}),
        "muted": add({"font_color": "#7F7F7F", "num_format": "#,##0.####", "valign": "top"}),
        "muted_pct": add({"font_color": "#7F7F7F", "num_format": "0.0##%", "valign": "top"}),
        "top": add({"valign": "top"}),
        # text right of a right-aligned number: one character's gap, so "150" and "USD/h" never read "150USD/h"
        "beside_number": add({"valign": "top", "align": "left", "indent": 1}),
        "note_beside_number": add({"text_wrap": True, "valign": "top", "align": "left", "indent": 1}),
        # right-aligned, so "not within the horizon" lines up with the numbers around it
        "usd": add({"num_format": "#,##0;[Red]-#,##0", "align": "right"}),
        "months": add({"num_format": "0.00", "align": "right"}),
        "pct": add({"num_format": "0.0%", "align": "right"}),
        "ratio": add({"num_format": '0.00" : 1"'}),
        "factor": add({"num_format": "0.000"}),
        "one_decimal": add({"num_format": "0.0"}),
        "count": add({"num_format": "0"}),
        "rate": add({"num_format": "0.0000%"}),
    }
