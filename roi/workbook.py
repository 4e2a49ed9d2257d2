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
from typing import Any

import numpy as np
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from roi import finance
from roi.fields import MAX_MONTHS, FieldSpec, in_name
from roi.formatting import IRR_NOT_UNIQUE, NOTHING, ROI_NOT_MEANINGFUL
from roi.model import Flows, Metrics, Result, cash_flows, likely_values, metrics, monthly_table, with_each_area_alone
from roi.scenario import (
    AREA_LABELS,
    AREAS,
    FIELDS,
    STREAM_LABELS,
    STREAMS,
    Line,
    Range,
    Scenario,
    field_label,
    likely,
)

NOT_REACHED = "not within the horizon"
UNDEFINED = "n/a"
#: Every text a figure's cell may show instead of a number (the JSON's null).
NULL_TEXTS = (NOT_REACHED, UNDEFINED, NOTHING, ROI_NOT_MEANINGFUL, IRR_NOT_UNIQUE)
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
    """Where the Model sheet's months sit: rows first..last (0-based) are months 0..H, the horizon; rows after it,
    to `end`, run on through the longest continuing months the format allows. One column per key of `columns`."""

    first: int
    last: int
    end: int
    columns: tuple[str, ...]

    def index(self, key: str) -> int:
        return self.columns.index(key)

    def range(self, key: str, start: int | None = None, stop: int | None = None) -> str:
        """Absolute reference to a Model column from row `start` (default: month 0) to `stop` (default: month H)."""
        return self.block(key, key, start, stop)

    def range_all(self, key: str) -> str:
        """Absolute reference to a Model column over every month, the continuing ones too."""
        return self.block(key, key, self.first, self.end)

    def block(self, left: str, right: str, start: int | None = None, stop: int | None = None) -> str:
        """Absolute reference to the Model columns `left` to `right` (adjacent), rows `start` to `stop`."""
        top = self.first if start is None else start
        bottom = self.last if stop is None else stop
        a = xl_rowcol_to_cell(top, self.index(left), True, True)
        b = xl_rowcol_to_cell(bottom, self.index(right), True, True)
        return f"Model!{a}:{b}"

    def cell(self, key: str, row: int) -> str:
        return f"Model!{xl_rowcol_to_cell(row, self.index(key), True, True)}"

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


def _risk_factor(name: str, whole: str) -> str:
    """The risk factor a stream's parts take, from the sign of the whole: 1 - r for a gain (or 0), 1 + r a loss."""
    r = f"in_{name}_risk_adjustment"
    return f"IF(({whole})>=0,1-{r},1+{r})"


# Each stream's engineer hours a month at full ramp and growth 1, before recapture and risk (docs/method.md, "Time
# and cash"); lead time is cash alone.
_RAW_HOURS = {
    "merges": (
        "in_merges_merges_per_month*(in_merges_success_rate_after-in_merges_success_rate_before)*in_merges_fix_hours"
    ),
    "builds": (
        "in_builds_builds_per_month*(in_builds_build_minutes_before-in_builds_build_minutes_after)/60"
        "*in_builds_blocked_fraction"
    ),
    "incidents": (
        "(in_incidents_deploys_per_month_before*in_incidents_change_failure_rate_before*in_incidents_mttr_hours_before"
        "-in_incidents_deploys_per_month_after*in_incidents_change_failure_rate_after*in_incidents_mttr_hours_after)"
        "*in_incidents_responders_per_incident"
    ),
}


def _stream_time(s: str) -> str:
    """The engineer-time part of a stream (risk-adjusted with the sign of the whole stream)."""
    if s not in _RAW_HOURS:
        return "0"
    return f"({_RAW_HOURS[s]})*{_HOUR}*{_risk_factor(s, _RAW_STREAMS[s])}"


def _stream_hours(s: str) -> str:
    """A stream's engineer hours freed a month, risk-adjusted, before recapture (the sign: every hour counted)."""
    if s not in _RAW_HOURS:
        return "0"
    at_full_value = _RAW_STREAMS[s].replace(_HOUR, "in_team_loaded_hourly_rate")
    return f"({_RAW_HOURS[s]})*{_risk_factor(s, at_full_value)}"


def _included(area: str, then: str) -> str:
    """`then` when the area is in the plan, else 0."""
    return f"IF(in_investments_{area}_include,{then},0)"


def _over_included(template: str) -> str:
    """The sum over the four areas of `template` (with {a} the area) for the areas in the plan."""
    return "+".join(_included(a, template.format(a=a)) for a in AREAS)


def _nothing(rng: str) -> str:
    """TRUE when every flow of the range is 0: nothing is spent or earned within the horizon."""
    return f"SUMPRODUCT(--({rng}<>0))=0"


# Paid back after the last month the cumulative flow is below zero, if it stays >= 0 to the horizon; the crossings
# are candidates in increasing months, so the last is their MAX. Nothing spent or earned: no payback at all.
_PAYBACK = 'IF({nothing},"' + NOTHING + '",IF(COUNTIF({cum},"<0")=0,0,IF({last}<0,"' + NOT_REACHED + '",MAX({cands}))))'
_RATIO = 'IFERROR(IF(in_ai_tools_annual_spend>0,({x})/in_ai_tools_annual_spend,"{u}"),"{u}")'


def _payback(model: ModelRows, flow: str, cumulative: str, candidates: str) -> str:
    return _PAYBACK.format(
        nothing=_nothing(model.range(flow)),
        cum=model.range(cumulative),
        last=model.cell(cumulative, model.last),
        cands=model.range(candidates),
    )


def _roi(nothing: str, npv: str, pv_costs: str) -> str:
    """NPV per dollar of PV of costs; not meaningful under $1 of costs; none when nothing happens."""
    return f'IF({nothing},"{NOTHING}",IF({pv_costs}<1,"{ROI_NOT_MEANINGFUL}",{npv}/{pv_costs}))'


def _pv(model: ModelRows, key: str) -> str:
    return f"SUMPRODUCT({model.range(key)},{model.range('discount_factor')})"


def _pv_with_continuing(model: ModelRows, key: str) -> str:
    """Present value over the horizon and the continuing months (the rows past them count 0)."""
    return f"SUMPRODUCT({model.range_all(key)},{model.range_all('discount_factor')},{model.range_all('in_analysis')})"


def _pv_costs(model: ModelRows, prefix: str = "") -> str:
    """The present value of the four (negative) cost columns, as a positive amount."""
    keys = ("one_time_usd", "staff_usd", "recurring_usd", "line_costs_usd")
    return "-(" + "+".join(_pv(model, prefix + k) for k in keys) + ")"


def _first_year_cost(model: ModelRows, prefix: str = "") -> str:
    return f"-SUM({model.block(prefix + 'one_time_usd', prefix + 'line_costs_usd', stop=model.year_one_last)})"


def _plan_lines(lines: list[Line]) -> list[int]:
    """The 1-based numbers of the lines of the plan as a whole (no area)."""
    return [i for i, line in enumerate(lines, start=1) if not line.area]


def _plan_lines_pv(model: ModelRows, lines: list[Line]) -> str:
    """The net present value of the lines of the plan as a whole (they count in every combination of areas)."""
    return "+".join(_pv(model, f"line_{i}_usd") for i in _plan_lines(lines)) or "0"


def _plan_lines_cost(model: ModelRows, lines: list[Line], year_one: bool) -> str:
    """PV (or year-1 sum) of the cost lines of the plan as a whole, positive."""
    terms = []
    for i in _plan_lines(lines):
        if lines[i - 1].is_benefit:
            continue
        key = f"line_{i}_usd"
        terms.append(f"SUM({model.range(key, stop=model.year_one_last)})" if year_one else _pv(model, key))
    return "-(" + "+".join(terms) + ")" if terms else "0"


# Formulas of the summary figures, by output key, in terms of input names (docs/method.md).
def _summary_formulas(model: ModelRows, lines: list[Line]) -> dict[str, str]:
    first, rng = model.first, model.range
    costs = model.block("one_time_usd", "line_costs_usd")
    hours_by_stream = {s: f"stream_{s}_hours*({_over_included('in_investments_{a}_delivers_' + s)})" for s in STREAMS}
    out = {
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
        "discount_rate": "in_finance_annual_discount_rate",
        "pv_costs_usd": _pv_costs(model),
        "pv_benefits_usd": "out_npv_usd+out_pv_costs_usd",
        "delivery_to_ai_ratio": _RATIO.format(x="out_one_time_cost_usd+out_annual_recurring_cost_usd", u=UNDEFINED),
        "delivery_to_ai_ratio_incl_staff": _RATIO.format(
            x="out_one_time_cost_usd+out_annual_recurring_cost_usd+out_staff_cost_usd", u=UNDEFINED
        ),
        "annual_delivery_to_ai_ratio": _RATIO.format(x=f"-SUM({costs})*12/MAX(out_horizon_months,12)", u=UNDEFINED),
        "nothing_within_horizon": _nothing(rng("net_flow_usd")),
        "payback_months": _payback(model, "net_flow_usd", "cumulative_usd", "payback_candidate"),
        "discounted_payback_months": _payback(
            model, "net_flow_usd", "cumulative_discounted_usd", "discounted_payback_candidate"
        ),
        "cumulative_zero_crossings": (
            f"SUMPRODUCT(--(({rng('cumulative_usd', first + 1)}<0)"
            f"<>({rng('cumulative_usd', first, model.last - 1)}<0)))"
        ),
        "npv_usd": _pv(model, "net_flow_usd"),
        "irr_not_unique": "AND(NOT(out_nothing_within_horizon),irr_roots>1)",
        "irr_annual": (
            f'IF(out_nothing_within_horizon,"{NOTHING}",IF(irr_found,EXP(12*irr_x_solved)-1,'
            f'IF(out_irr_not_unique,"{IRR_NOT_UNIQUE}","{UNDEFINED}")))'
        ),
        "roi": _roi("out_nothing_within_horizon", "out_npv_usd", "out_pv_costs_usd"),
        "peak_funding_usd": f"MAX(0,-MIN({rng('cumulative_usd')}))",
        "first_year_cost_usd": _first_year_cost(model),
        "cash_npv_usd": _pv(model, "cash_flow_usd"),
        "cash_payback_months": _payback(model, "cash_flow_usd", "cumulative_cash_usd", "cash_payback_candidate"),
        "engineer_hours_freed_per_month": "+".join(hours_by_stream.values()),
        "engineers_freed": (
            "IF(in_team_hours_per_engineer_quarter>0,"
            "out_engineer_hours_freed_per_month/(in_team_hours_per_engineer_quarter/3),0)"
        ),
        "share_of_team_freed": (
            f'IF(ISNUMBER(in_team_engineers),IF(in_team_engineers>0,out_engineers_freed/in_team_engineers,"{UNDEFINED}"),'
            f'"{UNDEFINED}")'
        ),
        "continuing_months": "in_finance_continuing_months",
        "npv_with_continuing_value_usd": _pv_with_continuing(model, "net_flow_usd"),
        "continuing_value_usd": "out_npv_with_continuing_value_usd-out_npv_usd",
        "include_staff_cost": "in_finance_include_staff_cost",
    }
    for i in range(1, len(lines) + 1):
        out[f"line_{i}_pv_usd"] = _pv(model, f"line_{i}_usd")
    return out


def _area_formulas(model: ModelRows, area: str) -> dict[str, str]:
    """Formulas of one area's figures alone (as if it were the only one funded), by key of the summary's areas."""
    p, out = f"in_investments_{area}", f"out_area_{area}"
    nothing = _nothing(model.range(f"{area}_net_flow_usd"))
    return {
        "included": f"{p}_include",
        "go_live_month": f"{p}_start_month+{p}_build_months",
        "investment_usd": f"area_{area}_one_time_usd+IF(in_finance_include_staff_cost,area_{area}_staff_cost_usd,0)",
        "npv_usd": _pv(model, f"{area}_net_flow_usd"),
        "payback_months": _payback(
            model, f"{area}_net_flow_usd", f"{area}_cumulative_usd", f"{area}_payback_candidate"
        ),
        "roi": _roi(nothing, f"{out}_npv_usd", f"{out}_pv_costs_usd"),
        "monthly_benefit_usd": "+".join(f"stream_{s}_full_usd*{p}_delivers_{s}" for s in STREAMS),
        "pv_benefits_usd": f"{out}_npv_usd+{out}_pv_costs_usd",
        "pv_costs_usd": f"area_{area}_pv_costs_usd",
        "cash_npv_usd": _pv(model, f"{area}_cash_flow_usd"),
        "cash_payback_months": _payback(
            model, f"{area}_cash_flow_usd", f"{area}_cumulative_cash_usd", f"{area}_cash_payback_candidate"
        ),
        "engineer_hours_freed_per_month": "+".join(f"stream_{s}_hours*{p}_delivers_{s}" for s in STREAMS),
        "npv_with_continuing_value_usd": _pv_with_continuing(model, f"{area}_net_flow_usd"),
        "continuing_value_usd": f"{out}_npv_with_continuing_value_usd-{out}_npv_usd",
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
        "first_year_cost_usd": _first_year_cost(model, f"{area}_"),
        "pv_costs_usd": _pv_costs(model, f"{area}_"),
    }


#: The Model sheet's columns before the lines of the user's own: key (as in `roi export` CSV) and header.
_PLAN_HEAD: tuple[tuple[str, str], ...] = (
    ("month", "Month"),
    ("within_horizon", "Within the horizon (1) or a continuing month (0)"),
    ("in_analysis", "Counted: within the horizon or its continuing months"),
    ("growth_factor", "Volume growth factor"),
    *((f"live_{a}", f"{AREA_LABELS[a]} live share in the plan") for a in AREAS),
    *((f"{s}_usd", f"{_STREAM_BENEFIT[s]} (USD)") for s in STREAMS),
)
#: ... and after them.
_PLAN_TAIL: tuple[tuple[str, str], ...] = (
    ("benefit_usd", "Benefit, all streams and benefit lines (USD)"),
    ("one_time_usd", "One-time costs (USD)"),
    ("staff_usd", "Staff cost (USD)"),
    ("recurring_usd", "Recurring costs (USD)"),
    ("line_costs_usd", "Cost lines (USD)"),
    ("net_flow_usd", "Net cash flow (USD)"),
    ("time_flow_usd", "Engineer-time part of the flow (USD)"),
    ("cash_flow_usd", "Cash part of the flow (USD)"),
    ("cumulative_usd", "Cumulative cash flow (USD)"),
    ("discount_factor", "Discount factor"),
    ("discounted_flow_usd", "Discounted cash flow (USD)"),
    ("cumulative_discounted_usd", "Cumulative discounted cash flow (USD)"),
    ("cumulative_cash_usd", "Cumulative cash part (USD)"),
    ("baseline_waste_usd", "Cost of doing nothing: failed merges (USD)"),
    ("payback_candidate", "Payback if the cumulative flow turns here (months)"),
    ("discounted_payback_candidate", "Discounted payback if the cumulative discounted flow turns here (months)"),
    ("cash_payback_candidate", "Cash payback if the cumulative cash part turns here (months)"),
)
#: Each area alone, as if it were the only one funded (whether or not the plan includes it).
_AREA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("live_if_funded", "live share if funded"),
    ("benefit_usd", "benefit (USD)"),
    ("lines_benefit_usd", "its benefit lines (USD)"),
    ("one_time_usd", "one-time cost (USD)"),
    ("staff_usd", "staff cost (USD)"),
    ("recurring_usd", "recurring cost (USD)"),
    ("line_costs_usd", "its cost lines (USD)"),
    ("net_flow_usd", "net cash flow (USD)"),
    ("time_flow_usd", "engineer-time part (USD)"),
    ("cash_flow_usd", "cash part (USD)"),
    ("cumulative_usd", "cumulative cash flow (USD)"),
    ("cumulative_cash_usd", "cumulative cash part (USD)"),
    ("payback_candidate", "payback if the cumulative flow turns here (months)"),
    ("cash_payback_candidate", "cash payback if the cumulative cash part turns here (months)"),
)


def line_label(line: Line) -> str:
    return f"{'Benefit' if line.is_benefit else 'Cost'} line ({line.nature})"


def model_headers(lines: list[Line]) -> dict[str, str]:
    """The Model sheet's columns, by key, with the header a CFO reads; the plan's first, then each area alone."""
    return {
        **dict(_PLAN_HEAD),
        **{f"line_{i}_usd": f"{line_label(line)}: {line.name} (USD)" for i, line in enumerate(lines, start=1)},
        **dict(_PLAN_TAIL),
        **{f"{a}_{k}": f"{AREA_LABELS[a]} alone: {label}" for a in AREAS for k, label in _AREA_COLUMNS},
    }


def _model_style(key: str) -> str:
    if key in ("month", "within_horizon", "in_analysis"):
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


def _line_value(i: int, line: Line, c: dict[str, str]) -> str:
    """Line i in the row of `c`, as if its area were funded: a benefit positive, a cost negative."""
    n = f"in_line_{i}"
    m = c["month"]
    if line.per_month is not None:
        pattern = c[f"{line.area}_live_if_funded"] if line.area else f"IF({m}>=1,1,0)"
        amount = f"{n}_per_month*{pattern}"
    else:
        years = ",".join(f"{n}_year_{y}" for y in range(len(line.by_year or [])))
        amount = f"IF(MOD({m},12)=0,IFERROR(CHOOSE({m}/12+1,{years}),0),0)"
    if line.is_benefit:
        return f"{amount}*(1-{n}_risk_adjustment)"
    return f"-{amount}*(1+{n}_risk_adjustment)*{_COST_FACTOR}"


def _model_row(row: int, first: int, columns: tuple[str, ...], lines: list[Line]) -> dict[str, str]:
    """The formulas of one Model row, by column; `row` is 0-based, month = row - first."""
    c = {k: xl_rowcol_to_cell(row, i) for i, k in enumerate(columns)}
    prev = None if row == first else {k: xl_rowcol_to_cell(row - 1, i) for i, k in enumerate(columns)}
    m, g = c["month"], c["growth_factor"]
    numbered = list(enumerate(lines, start=1))
    formulas = {
        "month": "0" if prev is None else f"{prev['month']}+1",
        "within_horizon": f"IF({m}<=out_horizon_months,1,0)",
        "in_analysis": f"IF({m}<=out_horizon_months+in_finance_continuing_months,1,0)",
        "growth_factor": f"(1+in_growth_volume_growth_per_year)^(({m}-1)/12)",
    }
    for i, line in numbered:
        value = _line_value(i, line, c)
        formulas[f"line_{i}_usd"] = _included(line.area, value) if line.area else value

    def lines_of(area: str, benefit: bool, time: bool = False) -> list[str]:
        return [
            _line_value(i, line, c)
            for i, line in numbered
            if line.area == area and line.is_benefit == benefit and (not time or line.nature == "time")
        ]

    for a in AREAS:
        p, go_live = f"in_investments_{a}", f"out_area_{a}_go_live_month"
        start, build = f"{p}_start_month", f"{p}_build_months"
        k = {key: c[f"{a}_{key}"] for key, _ in _AREA_COLUMNS}
        live = k["live_if_funded"]
        formulas[f"live_{a}"] = _included(a, live)
        time_lines = lines_of(a, True, True) + lines_of(a, False, True)
        formulas.update({
            f"{a}_live_if_funded": (
                f"IF({m}<={go_live},0,IF(in_finance_ramp_months=0,1,MIN(1,({m}-{go_live})/in_finance_ramp_months)))"
            ),
            f"{a}_benefit_usd": f"{live}*{g}*out_area_{a}_monthly_benefit_usd",
            f"{a}_lines_benefit_usd": "+".join(lines_of(a, True)) or "0",
            f"{a}_one_time_usd": f"IF({m}={start},-area_{a}_one_time_usd,0)",
            f"{a}_staff_usd": (
                f"IF(in_finance_include_staff_cost,IF({build}=0,IF({m}={start},-area_{a}_staff_cost_usd,0),"
                f"IF(AND({m}>{start},{m}<={start}+{build}),-area_{a}_staff_cost_usd/{build},0)),0)"
            ),
            f"{a}_recurring_usd": f"IF({m}>={start}+1,-area_{a}_annual_recurring_usd/12,0)",
            f"{a}_line_costs_usd": "+".join(lines_of(a, False)) or "0",
            f"{a}_net_flow_usd": f"SUM({k['benefit_usd']}:{k['line_costs_usd']})",
            f"{a}_time_flow_usd": "+".join(
                [f"{live}*{g}*area_{a}_time_benefit_usd", k["staff_usd"], *time_lines]
            ),
            f"{a}_cash_flow_usd": f"{k['net_flow_usd']}-{k['time_flow_usd']}",
            f"{a}_cumulative_usd": _cumulative(c, prev, f"{a}_cumulative_usd", f"{a}_net_flow_usd"),
            f"{a}_cumulative_cash_usd": _cumulative(c, prev, f"{a}_cumulative_cash_usd", f"{a}_cash_flow_usd"),
            f"{a}_payback_candidate": _candidate(c, prev, f"{a}_cumulative_usd", f"{a}_net_flow_usd"),
            f"{a}_cash_payback_candidate": _candidate(c, prev, f"{a}_cumulative_cash_usd", f"{a}_cash_flow_usd"),
        })  # fmt: skip
    for s in STREAMS:
        shares = "+".join(f"{c[f'live_{a}']}*in_investments_{a}_delivers_{s}" for a in AREAS)
        formulas[f"{s}_usd"] = f"stream_{s}_full_usd*{g}*({shares})"
    for cost in ("one_time_usd", "staff_usd", "recurring_usd"):
        formulas[cost] = "+".join(_included(a, c[f"{a}_{cost}"]) for a in AREAS)
    benefit_lines = [c[f"line_{i}_usd"] for i, line in numbered if line.is_benefit]
    cost_lines = [c[f"line_{i}_usd"] for i, line in numbered if not line.is_benefit]
    time_lines = [c[f"line_{i}_usd"] for i, line in numbered if line.nature == "time"]
    time_benefit = "+".join(f"{c[f'live_{a}']}*area_{a}_time_benefit_usd" for a in AREAS)
    formulas.update(
        benefit_usd="+".join([f"SUM({c['merges_usd']}:{c['lead_time_usd']})", *benefit_lines]),
        line_costs_usd="+".join(cost_lines) or "0",
        net_flow_usd=f"SUM({c['benefit_usd']}:{c['line_costs_usd']})",
        time_flow_usd="+".join([f"{g}*({time_benefit})", c["staff_usd"], *time_lines]),
        cash_flow_usd=f"{c['net_flow_usd']}-{c['time_flow_usd']}",
        cumulative_usd=_cumulative(c, prev, "cumulative_usd", "net_flow_usd"),
        discount_factor=f"1/(1+out_monthly_discount_rate)^{m}",
        discounted_flow_usd=f"{c['net_flow_usd']}*{c['discount_factor']}",
        cumulative_discounted_usd=_cumulative(c, prev, "cumulative_discounted_usd", "discounted_flow_usd"),
        cumulative_cash_usd=_cumulative(c, prev, "cumulative_cash_usd", "cash_flow_usd"),
        baseline_waste_usd=f"IF({m}=0,0,{g}*out_monthly_waste_usd)",
        payback_candidate=_candidate(c, prev, "cumulative_usd", "net_flow_usd"),
        discounted_payback_candidate=_candidate(c, prev, "cumulative_discounted_usd", "discounted_flow_usd"),
        cash_payback_candidate=_candidate(c, prev, "cumulative_cash_usd", "cash_flow_usd"),
    )
    return formulas


def _candidates(cumulative: np.ndarray, flows: np.ndarray) -> list[float | None]:
    out: list[float | None] = [None]
    for m in range(1, len(flows)):
        crossed = cumulative[m - 1] < 0 <= cumulative[m]
        out.append(float(m - 1 - cumulative[m - 1] / flows[m]) if crossed else None)
    return out


def _cached(value: Any) -> Any:
    """A value as a cell caches it: "" for none, text for an undefined number, and never -0."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if not math.isfinite(value):
            return UNDEFINED
        return value + 0.0  # -0.0 + 0.0 is 0.0
    return value


def _shown(key: str, value: Any, nothing: bool = False) -> Any:
    """A summary value as its cell caches it: text where the figure is undefined."""
    if value is None:
        if nothing and ("payback" in key or key in ("irr_annual", "roi")):
            return NOTHING
        if "payback" in key:
            return NOT_REACHED
        if key == "roi":
            return ROI_NOT_MEANINGFUL
        return UNDEFINED
    return _cached(value)


def _extended(scenario: Scenario) -> Scenario:
    """The scenario run on through the longest continuing months: the Model sheet's rows past the horizon."""
    finance_ = scenario.finance.model_copy(update={"continuing_months": MAX_MONTHS})
    return scenario.model_copy(update={"finance": finance_})


@dataclass(frozen=True)
class _Cached:
    """The model's flows of the plan and of each area alone over every Model row, for the cells' cached values."""

    scenario: Scenario  # run on through the longest continuing months
    flows: Flows  # five rows: the plan, then each area alone (AREAS order)
    metrics: Metrics  # of months 0..H, as every figure but the continuing value
    continuing: int  # the case's own continuing months

    @classmethod
    def of(cls, scenario: Scenario) -> _Cached:
        ext = _extended(scenario)
        flows = cash_flows(ext, with_each_area_alone(likely_values(ext)))
        return cls(ext, flows, metrics(flows, with_irr=False), scenario.finance.continuing_months)

    def model_columns(self) -> dict[str, list[Any]]:
        f = self.flows
        table = monthly_table(self.scenario, f)
        out: dict[str, list[Any]] = {key: table[key].to_numpy().tolist() for key in table.columns}
        horizon = f.horizon_months
        months = f.months
        out["within_horizon"] = (months <= horizon).astype(float).tolist()
        out["in_analysis"] = (months <= horizon + self.continuing).astype(float).tolist()
        out["payback_candidate"] = _candidates(table["cumulative_usd"].to_numpy(), table["net_flow_usd"].to_numpy())
        out["discounted_payback_candidate"] = _candidates(
            table["cumulative_discounted_usd"].to_numpy(), table["discounted_flow_usd"].to_numpy()
        )
        out["cash_payback_candidate"] = _candidates(
            table["cumulative_cash_usd"].to_numpy(), table["cash_flow_usd"].to_numpy()
        )
        lines = self.scenario.lines
        for i, a in enumerate(AREAS, start=1):
            net, cash = f.net_flow_usd[i], f.cash_flow_usd[i]
            live = np.broadcast_to(f.live_share[a][min(i, f.live_share[a].shape[0] - 1)], months.shape)
            own = [j for j, line in enumerate(lines) if line.area == a]
            benefit_lines = sum((f.line_row_usd(j, i) for j in own if lines[j].is_benefit), np.zeros(months.size))
            cost_lines = sum((f.line_row_usd(j, i) for j in own if not lines[j].is_benefit), np.zeros(months.size))
            out[f"{a}_live_if_funded"] = live.tolist()
            out[f"{a}_benefit_usd"] = (live * f.growth_row(i) * f.area_benefit_usd[a][i]).tolist()
            out[f"{a}_lines_benefit_usd"] = benefit_lines.tolist()
            out[f"{a}_one_time_usd"] = (-f.one_time_flow_usd[i]).tolist()
            out[f"{a}_staff_usd"] = (-f.staff_flow_usd[i]).tolist()
            out[f"{a}_recurring_usd"] = (-f.recurring_flow_usd[i]).tolist()
            out[f"{a}_line_costs_usd"] = cost_lines.tolist()
            out[f"{a}_net_flow_usd"] = net.tolist()
            out[f"{a}_time_flow_usd"] = f.time_flow_usd[i].tolist()
            out[f"{a}_cash_flow_usd"] = cash.tolist()
            out[f"{a}_cumulative_usd"] = np.cumsum(net).tolist()
            out[f"{a}_cumulative_cash_usd"] = np.cumsum(cash).tolist()
            out[f"{a}_payback_candidate"] = _candidates(np.cumsum(net), net)
            out[f"{a}_cash_payback_candidate"] = _candidates(np.cumsum(cash), cash)
        return out

    def costs(self, area: str) -> dict[str, float]:
        i = AREAS.index(area) + 1
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
    "IRR": "Delivery ROI: IRR by the method's search",
    "TEI": "Delivery ROI: Total Economic Impact table",
    "Checks": "Delivery ROI: model checks",
}


def build_workbook(result: Result) -> bytes:
    """The workbook as .xlsx bytes: live formulas, their values cached, full recalculation on open."""
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
    sheets = {name: wb.add_worksheet(name, worksheet_class=_Worksheet) for name in _SHEET_TITLES}
    cached = _Cached.of(scenario)
    lines = list(scenario.lines)
    horizon = summary.horizon_months
    model = ModelRows(1, 1 + horizon, 1 + horizon + MAX_MONTHS, tuple(model_headers(lines)))
    net = result.horizon_monthly["net_flow_usd"].to_numpy()
    values = cached.model_columns()
    included = {a: summary.areas[a].included for a in AREAS}
    setups = {
        "Inputs": _write_inputs(sheets["Inputs"], wb, fmt, scenario),
        "Model": _write_model(sheets["Model"], fmt, model, cached, values, lines),
        "Summary": _write_summary(sheets["Summary"], wb, fmt, model, result, cached),
        "Plan": _write_plan(sheets["Plan"], wb, fmt, model, result, cached),
        "IRR": _write_irr(sheets["IRR"], wb, fmt, model, net),
        "TEI": _write_tei(sheets["TEI"], wb, fmt, model, values, lines, included),
        "Checks": _write_checks(sheets["Checks"], wb, fmt, model, lines),
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
    last, last_col = 4 + len(rows), 5
    if scenario.lines:
        last, last_col = _write_line_inputs(ws, wb, fmt, scenario.lines, last + 2)
    return PrintSetup(
        last, last_col, landscape=True, repeat_rows=(4, 4), note="Scenario keys (column G) are not printed"
    )


def _write_line_inputs(ws: Any, wb: Any, fmt: dict[str, Any], lines: list[Line], top: int) -> tuple[int, int]:
    """The Lines block: one row per line of the user's own; its amounts and risk adjustment are inputs (yellow),
    its name, type, nature and area plain text. Returns the last row and column it uses."""
    years = max((len(line.by_year or []) for line in lines), default=0)
    ws.write_string(top, 0, "Lines of your own: amounts and risk adjustments are inputs", fmt["bold"])
    header = ["Line", "Amount per month (USD)", "Benefit or cost", "Cash or time", "Area", "Risk adjustment",
              "Scenario key", *(("Initial (USD)" if n == 0 else f"Year {n} (USD)") for n in range(years))]  # fmt: skip
    for c, h in enumerate(header):
        ws.write_string(top + 1, c, h, fmt["header"])
    ws.set_row(top + 1, 30)
    for i, line in enumerate(lines, start=1):
        r = top + 1 + i
        name = f"in_line_{i}"
        ws.write_string(r, 0, line.name, fmt["note"])
        if line.per_month is not None:
            ws.write_number(r, 1, float(likely(line.per_month)), fmt["input"])
            wb.define_name(f"{name}_per_month", f"=Inputs!{xl_rowcol_to_cell(r, 1, True, True)}")
        else:
            ws.write_string(r, 1, "by plan year", fmt["beside_number"])
        ws.write_string(r, 2, line.type, fmt["beside_number"])
        ws.write_string(r, 3, line.nature, fmt["beside_number"])
        ws.write_string(r, 4, AREA_LABELS[line.area] if line.area else "the plan as a whole", fmt["beside_number"])
        ws.write_number(r, 5, float(line.risk_adjustment), fmt["input_pct"])
        wb.define_name(f"{name}_risk_adjustment", f"=Inputs!{xl_rowcol_to_cell(r, 5, True, True)}")
        ws.write_string(r, 6, f"lines.{i - 1}", fmt["muted"])
        for n, amount in enumerate(line.by_year or []):
            ws.write_number(r, 7 + n, float(amount), fmt["input"])
            wb.define_name(f"{name}_year_{n}", f"=Inputs!{xl_rowcol_to_cell(r, 7 + n, True, True)}")
    if years:
        ws.set_column(7, 6 + years, 13)
    note_row = top + 2 + len(lines)
    ws.write_string(
        note_row,
        0,
        "A line's type, nature and area are fixed when the workbook is written: change them in the scenario file "
        "and export again. A range's likely value is used.",
        fmt["muted_note"],
    )
    return note_row, (6 + years if years else 5)


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


def _write_model(
    ws: Any, fmt: dict[str, Any], model: ModelRows, cached: _Cached, values: dict[str, list[Any]], lines: list[Line]
) -> PrintSetup:
    first, end, keys = model.first, model.end, model.columns
    headers = model_headers(lines)
    ws.freeze_panes(1, 1)
    ws.set_row(0, 105)
    for i, key in enumerate(keys):
        ws.write_string(0, i, headers[key], fmt["header"])
    styles = [fmt[_model_style(key)] for key in keys]
    columns = [values[key] for key in keys]
    for i, key in enumerate(keys):
        # wide enough for the largest value, the wrapped header in at most five lines, and its longest word
        longest_word = max(len(word) for word in headers[key].split()) + 2
        shown = _shown_width(columns[i][: model.last - first + 1 + cached.continuing], _model_style(key))
        ws.set_column(i, i, max(6 if i == 0 else 11, longest_word, shown + 1))
    for row in range(first, end + 1):
        formulas_of_row = _model_row(row, first, keys, lines)
        for i, key in enumerate(keys):
            ws.write_formula(row, i, "=" + formulas_of_row[key], styles[i], _cached(columns[i][row - first]))
    printed = keys.index("cash_payback_candidate")
    leftout = f"{xl_rowcol_to_cell(0, printed + 1)[:-1]} to {xl_rowcol_to_cell(0, len(keys) - 1)[:-1]}"
    note = f"Each area alone (columns {leftout}) is not printed"
    if cached.continuing < MAX_MONTHS:
        note += f"; nor months past {model.last - first + cached.continuing}"
    return PrintSetup(model.last + cached.continuing, printed, landscape=True, repeat_rows=(0, 0), note=note)


def _write_summary(
    ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows, result: Result, cached: _Cached
) -> PrintSetup:
    scenario, summary = result.scenario, result.summary
    _widths(ws, [52, 22, 22, 22, 22])
    ws.write_string(0, 0, "Delivery ROI: the business case", fmt["title"])
    ws.write_string(1, 0, "Scenario", fmt["bold"])
    ws.write_string(1, 1, scenario.name)
    wb.define_name("out_scenario", f"=Summary!{xl_rowcol_to_cell(1, 1, True, True)}")
    ws.write_string(2, 0, "Change the yellow cells on the Inputs sheet; the figures here are formulas of them.")
    lines = list(scenario.lines)
    formulas = _summary_formulas(model, lines)
    values = summary.to_dict()
    values.update({f"benefit_by_stream_usd_{k}": v for k, v in summary.benefit_by_stream_usd.items()})
    values["monthly_discount_rate"] = float(finance.monthly_rate(likely(scenario.finance.annual_discount_rate)))
    nothing = summary.nothing_within_horizon
    r = 4
    for key, label, style in _SUMMARY_LAYOUT:
        ws.write_string(r, 0, label, fmt["bold"] if key in _HEADLINE else None)
        shown = _shown(key, values.get(key), nothing)
        if key == "cash_payback_months" and values.get(key) is None and not cached.flows.cash_flow_usd[0].any():
            shown = NOTHING
        if key == "irr_annual" and summary.irr_not_unique:
            shown = IRR_NOT_UNIQUE
        ws.write_formula(r, 1, "=" + formulas[key], fmt[style], shown)
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
    horizon = slice(0, summary.horizon_months + 1)
    for key, label, style in _AREA_LAYOUT:
        r += 1
        ws.write_string(r, 0, label)
        for i, a in enumerate(AREAS):
            row = AREAS.index(a) + 1
            net = cached.flows.net_flow_usd[row][horizon]
            flows = cached.flows.cash_flow_usd[row][horizon] if key == "cash_payback_months" else net
            value = _shown(key, getattr(summary.areas[a], key), not flows.any())
            ws.write_formula(r, 1 + i, "=" + area_formulas[a][key], fmt[style], value)
            wb.define_name(f"out_area_{a}_{key}", f"=Summary!{xl_rowcol_to_cell(r, 1 + i, True, True)}")

    if lines:
        r += 2
        ws.write_string(r, 0, "Lines of your own: present value over the horizon (USD)", fmt["bold"])
        r += 1
        for c, h in enumerate(["Line", "Benefit or cost", "Cash or time", "PV (USD)"]):
            ws.write_string(r, c, h, fmt["header"])
        for i, (line, shown_line) in enumerate(zip(lines, summary.lines, strict=True), start=1):
            r += 1
            for c, key in enumerate(("name", "type", "nature")):
                ws.write_string(r, c, str(shown_line[key]), fmt["note"] if c == 0 else None)
                wb.define_name(f"out_line_{i}_{key}", f"=Summary!{xl_rowcol_to_cell(r, c, True, True)}")
            ws.write_formula(r, 3, "=" + formulas[f"line_{i}_pv_usd"], fmt["usd"], _cached(shown_line["pv_usd"]))
            wb.define_name(f"out_line_{i}_pv_usd", f"=Summary!{xl_rowcol_to_cell(r, 3, True, True)}")
            ws.set_row(r, 15 * _lines(line.name, 52))

    r += 2
    ws.write_string(r, 0, "Each stream in month 1 at full ramp, every area that delivers it funded", fmt["bold"])
    r += 1
    for c, h in enumerate(["Stream (risk-adjusted)", "Value (USD)", "Engineer-time part (USD)", "Engineer hours"]):
        ws.write_string(r, c, h, fmt["header"])
    f = cached.flows
    for s in STREAMS:
        r += 1
        ws.write_string(r, 0, f"  {STREAM_LABELS[s]}")
        helpers = (
            (f"stream_{s}_full_usd", _risk_adjusted(s, _RAW_STREAMS[s]), f.full_stream_usd[s][0], "usd"),
            (f"stream_{s}_time_usd", _stream_time(s), f.full_stream_time_usd[s][0], "usd"),
            (f"stream_{s}_hours", _stream_hours(s), f.hours_freed[s][0], "one_decimal"),
        )
        for c, (name, formula, value, style) in enumerate(helpers, start=1):
            ws.write_formula(r, c, "=" + formula, fmt[style], _cached(value))
            wb.define_name(name, f"=Summary!{xl_rowcol_to_cell(r, c, True, True)}")
    r += 1
    ws.write_string(r, 0, "Engineer-time part of each area's monthly benefit (USD)")
    for i, a in enumerate(AREAS):
        formula = "+".join(f"stream_{s}_time_usd*in_investments_{a}_delivers_{s}" for s in STREAMS)
        ws.write_formula(r, 1 + i, "=" + formula, fmt["usd"], _cached(f.area_time_benefit_usd[a][0]))
        wb.define_name(f"area_{a}_time_benefit_usd", f"=Summary!{xl_rowcol_to_cell(r, 1 + i, True, True)}")

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
    "cash_npv_usd",
    "npv_with_continuing_value_usd",
}
_SUMMARY_LAYOUT = (
    ("payback_months", "Payback (months)", "months"),
    ("discounted_payback_months", "Discounted payback (months)", "months"),
    ("cash_payback_months", "Cash payback: the cash part alone (months)", "months"),
    ("cumulative_zero_crossings", "Times the cumulative cash flow crosses zero", "count"),
    ("nothing_within_horizon", "Nothing is spent or earned within the horizon", "flag"),
    ("npv_usd", "NPV (USD)", "usd"),
    ("cash_npv_usd", "Cash NPV: money out of and back into the bank (USD)", "usd"),
    ("pv_benefits_usd", "Present value of benefits (USD)", "usd"),
    ("pv_costs_usd", "Present value of costs (USD)", "usd"),
    ("irr_annual", "IRR (annual)", "pct"),
    ("irr_not_unique", "More than one rate zeroes NPV (IRR not unique)", "flag"),
    ("roi", "ROI (NPV / PV of costs)", "pct"),
    ("continuing_months", "Months the plan runs on after the horizon", "count"),
    ("continuing_value_usd", "Continuing value: PV of those months (USD)", "usd"),
    ("npv_with_continuing_value_usd", "NPV with continuing value (USD)", "usd"),
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
    ("engineer_hours_freed_per_month", "Engineer hours freed per month, before recapture", "one_decimal"),
    ("engineers_freed", "Engineers' worth of time freed", "one_decimal"),
    ("share_of_team_freed", "Share of the team's time freed", "pct"),
    ("one_time_cost_usd", "One-time cost of the funded areas, with cost risk (USD)", "usd"),
    ("staff_cost_usd", "Staff cost of engineer-quarters, counted or not (USD)", "usd"),
    ("upfront_investment_usd", "Investment: one-time plus counted staff (USD)", "usd"),
    ("annual_recurring_cost_usd", "Recurring cost per year (USD)", "usd"),
    ("discount_rate", "Annual discount rate", "pct"),
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
    ("pv_benefits_usd", "PV of benefits alone (USD)", "usd"),
    ("pv_costs_usd", "PV of costs alone (USD)", "usd"),
    ("cash_npv_usd", "Cash NPV alone (USD)", "usd"),
    ("cash_payback_months", "Cash payback alone (months)", "months"),
    ("engineer_hours_freed_per_month", "Engineer hours freed per month", "one_decimal"),
    ("npv_with_continuing_value_usd", "NPV with continuing value alone (USD)", "usd"),
    ("continuing_value_usd", "Continuing value alone (USD)", "usd"),
)


def _write_plan(ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows, result: Result, cached: _Cached) -> PrintSetup:
    """Each area alone (its costs, from its own Model columns) and every combination of areas, by additivity."""
    summary, inputs, lines = result.summary, likely_values(result.scenario), list(result.scenario.lines)
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
        area, costs, formulas = summary.areas[a], cached.costs(a), _area_cost_formulas(model, a)
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
    plan_npv, plan_pv_costs, plan_year_one = _plan_lines_cached(cached, summary.lines)
    helpers = [
        ("plan_lines_npv_usd", "NPV of the lines of the plan as a whole (USD)", _plan_lines_pv(model, lines), plan_npv),
        ("plan_lines_pv_costs_usd", "PV of their costs (USD)", _plan_lines_cost(model, lines, False), plan_pv_costs),
        ("plan_lines_first_year_cost_usd", "Their year-1 cost (USD)", _plan_lines_cost(model, lines, True),
         plan_year_one),
    ]  # fmt: skip
    for k, (name, label, formula, value) in enumerate(helpers):
        r = top + 2 + len(COMBINATIONS) + k
        ws.write_string(r, 0, label)
        ws.write_formula(r, 1, "=" + formula, fmt["usd"], _cached(value))
        wb.define_name(name, f"=Plan!{xl_rowcol_to_cell(r, 1, True, True)}")
    for k, combo in enumerate(COMBINATIONS):
        r = top + 1 + k
        rows = [AREAS.index(a) for a in combo]
        year_one = sum(cached.costs(AREAS[i])["first_year_cost_usd"] for i in rows) + plan_year_one
        pv = sum(cached.costs(AREAS[i])["pv_costs_usd"] for i in rows) + plan_pv_costs
        npv = sum(summary.areas[a].npv_usd for a in combo) + plan_npv
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
            (
                "+".join([*(f"area_{a}_first_year_cost_usd" for a in combo), "plan_lines_first_year_cost_usd"]),
                "usd",
                year_one,
            ),
            ("+".join([*(f"area_{a}_pv_costs_usd" for a in combo), "plan_lines_pv_costs_usd"]), "usd", pv),
            ("+".join([*(f"out_area_{a}_npv_usd" for a in combo), "plan_lines_npv_usd"]), "usd", npv),
            (
                f'IF({pv_cell}<1,"{ROI_NOT_MEANINGFUL}",{npv_cell}/{pv_cell})',
                "pct",
                npv / pv if pv >= 1 else ROI_NOT_MEANINGFUL,
            ),
        ]
        ws.write_string(r, 0, combination_label(combo), fmt["note"])
        ws.set_row(r, 15 * _lines(combination_label(combo), 44))
        for c, (formula, style, value) in enumerate(row_cells, start=1):
            ws.write_formula(r, c, "=" + formula, fmt[style], value)
    return PrintSetup(top + len(COMBINATIONS) + 4, len(header) - 1, landscape=True)


def _plan_lines_cached(cached: _Cached, shown: list[dict[str, Any]]) -> tuple[float, float, float]:
    """The lines of the plan as a whole: their NPV, PV of costs and year-1 cost, as the model has them."""
    lines = cached.scenario.lines
    npv = pv_costs = year_one = 0.0
    for j, line in enumerate(lines):
        if line.area:
            continue
        npv += float(shown[j]["pv_usd"])
        if not line.is_benefit:
            pv_costs -= float(shown[j]["pv_usd"])
            year_one -= float(cached.flows.line_row_usd(j, 0)[: min(13, cached.flows.horizon_months + 1)].sum())
    return npv, pv_costs, year_one


IRR_STEPS = 80  # bisection halvings: a grid interval (at most a few units of x wide) shrinks below float precision
IRR_GRID = finance.IRR_GRID_POINTS


def _irr_cached(flows: np.ndarray) -> dict[str, Any]:
    """The IRR sheet's values as the model's search has them: the grid, its sign changes and the bisection."""
    horizon = flows.size - 1
    m = np.arange(flows.size, dtype=np.float64)
    grid = finance.irr_grid(horizon)

    def npv(x: float) -> float:
        return float(np.sum(flows * np.exp(-x * m + horizon * min(x, 0.0))))

    f = np.array([npv(x) for x in grid])
    s = np.sign(f)
    cross = (s[:-1] * s[1:] < 0).astype(float)
    zeros = (s == 0).astype(float)
    k = int(np.argmax(cross)) if cross.any() else 0
    lo, hi = float(grid[k]), float(grid[k + 1])
    f_lo = npv(lo)
    steps = []
    for _ in range(IRR_STEPS):
        mid = (lo + hi) / 2
        f_mid = npv(mid)
        steps.append((lo, hi, mid, f_lo, f_mid))
        if np.sign(f_mid) == np.sign(f_lo):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return {"grid": grid, "f": f, "cross": [*cross, 0.0], "zeros": zeros, "k": k, "steps": steps}


def _write_irr(ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows, flows: np.ndarray) -> PrintSetup:
    """IRR by the method's search in plain formulas: NPV at 200 points evenly spaced in x = ln(1 + monthly rate);
    one sign change: bisection inside it; none: no IRR; more: not unique."""
    net, months = model.range("net_flow_usd"), model.range("month")
    c = _irr_cached(flows)
    lo_x, hi_x = finance.irr_bracket(flows.size - 1)
    log_tiny, log_max = math.log(np.finfo(np.float64).tiny), math.log(np.finfo(np.float64).max)
    _widths(ws, [50, 16, 16, 16, 16, 16, 4, 8, 16, 16, 10, 10])
    ws.write_string(0, 0, "IRR: the monthly rate at which NPV is zero, found by the method's search", fmt["title"])
    ws.write_string(1, 0, "With x = ln(1 + monthly rate), NPV(x) = SUMPRODUCT(flows, EXP(-x * month)), here each")
    ws.write_string(2, 0, "point scaled by EXP(H * MIN(x, 0)) > 0 so nothing overflows; its sign is NPV's.")
    ws.write_string(3, 0, "NPV is looked at on a grid of 200 points (columns H to L); one sign change: bisection.")
    scaled = "SUMPRODUCT({net},EXP(out_horizon_months*MIN({x},0)-{x}*{months}))"
    grid_top = 1
    gx = f"$I${grid_top + 1}:$I${grid_top + IRR_GRID}"
    gcross = f"$K${grid_top + 1}:$K${grid_top + IRR_GRID}"
    gzero = f"$L${grid_top + 1}:$L${grid_top + IRR_GRID}"
    crossings, zeros = float(sum(c["cross"])), float(c["zeros"].sum())
    found = (crossings == 1 and zeros == 0) or (crossings == 0 and zeros == 1)
    solved = c["steps"][-1][2] if crossings == 1 else (float(c["grid"][int(np.argmax(c["zeros"]))]) if zeros else 0.0)
    header_rows = [
        ("x low: ln(smallest normal number) / (H + 1)", "irr_x_low", f"={log_tiny!r}/(out_horizon_months+1)", lo_x,
         "factor"),
        ("x high: the lower of ln(1001) and ln(largest number) / (H + 1)", "irr_x_high",
         f"=MIN(LN(1001),{log_max!r}/(out_horizon_months+1))", hi_x, "factor"),
        ("Grid intervals where NPV changes sign", "irr_crossings", f"=SUM({gcross})", crossings, "count"),
        ("Grid points where NPV is exactly 0", "irr_zeros", f"=SUM({gzero})", zeros, "count"),
        ("Rates that zero NPV on the grid", "irr_roots", "=irr_crossings+irr_zeros", crossings + zeros, "count"),
        ("Exactly one rate zeroes NPV on the grid", "irr_found",
         "=OR(AND(irr_crossings=1,irr_zeros=0),AND(irr_crossings=0,irr_zeros=1))", found, "flag"),
        ("x of the IRR", "irr_x_solved",
         f"=IF(irr_crossings=1,D{13 + IRR_STEPS},IFERROR(INDEX({gx},MATCH(1,{gzero},0)),0))", solved, "factor"),
    ]  # fmt: skip
    for r, (label, name, formula, value, style) in enumerate(header_rows, start=4):
        ws.write_string(r, 0, label, fmt["bold"])
        ws.write_formula(r, 1, formula, fmt[style], _cached(value))
        wb.define_name(name, f"=IRR!{xl_rowcol_to_cell(r, 1, True, True)}")
    r = 4 + len(header_rows)
    ws.write_string(r, 0, "IRR, annual", fmt["bold"])
    ws.write_formula(r, 1, "=out_irr_annual", fmt["pct"], _cached(np.expm1(12 * solved)) if found else UNDEFINED)
    # the grid
    for i, h in enumerate(["point", "x", "scaled NPV", "sign changes to next", "NPV is 0"]):
        ws.write_string(grid_top - 1, 7 + i, h, fmt["header"])
    for j in range(IRR_GRID):
        row = grid_top + j
        x, f_cell = f"I{row + 1}", f"J{row + 1}"
        nxt = f"J{row + 2}"
        ws.write_formula(row, 7, f"={j}", fmt["count"], j)
        ws.write_formula(row, 8, f"=irr_x_low+{j}*(irr_x_high-irr_x_low)/{IRR_GRID - 1}", fmt["factor"],
                         float(c["grid"][j]))  # fmt: skip
        ws.write_formula(row, 9, "=" + scaled.format(net=net, months=months, x=x), fmt["sci"], float(c["f"][j]))
        cross = f"=IF(SIGN({f_cell})*SIGN({nxt})<0,1,0)" if j < IRR_GRID - 1 else "=0"
        ws.write_formula(row, 10, cross, fmt["count"], c["cross"][j])
        ws.write_formula(row, 11, f"=IF({f_cell}=0,1,0)", fmt["count"], float(c["zeros"][j]))
    # the bisection inside the grid interval where NPV changes sign
    top = 12
    step_styles = [fmt["count"], fmt["factor"], fmt["factor"], fmt["factor"], fmt["sci"], fmt["sci"]]
    for i, h in enumerate(["step", "x low", "x high", "x mid", "NPV at x low", "NPV at x mid"]):
        ws.write_string(top, i, h, fmt["header"])
    start_lo = f"IFERROR(INDEX({gx},MATCH(1,{gcross},0)),irr_x_low)"
    start_hi = f"IFERROR(INDEX({gx},MATCH(1,{gcross},0)+1),irr_x_high)"
    for k, (lo, hi, mid, f_lo, f_mid) in enumerate(c["steps"]):
        row = top + 1 + k
        cell = {n: xl_rowcol_to_cell(row, i) for i, n in enumerate(["step", "lo", "hi", "mid", "f_lo", "f_mid"])}
        prev = {n: xl_rowcol_to_cell(row - 1, i) for i, n in enumerate(["step", "lo", "hi", "mid", "f_lo", "f_mid"])}
        same = f"SIGN({prev['f_mid']})=SIGN({prev['f_lo']})"
        formulas = {
            "step": "=1" if k == 0 else f"={prev['step']}+1",
            "lo": f"={start_lo}" if k == 0 else f"=IF({same},{prev['mid']},{prev['lo']})",
            "hi": f"={start_hi}" if k == 0 else f"=IF({same},{prev['hi']},{prev['mid']})",
            "mid": f"=({cell['lo']}+{cell['hi']})/2",
            "f_lo": "=" + scaled.format(net=net, months=months, x=cell["lo"])
            if k == 0
            else f"=IF({same},{prev['f_mid']},{prev['f_lo']})",
            "f_mid": "=" + scaled.format(net=net, months=months, x=cell["mid"]),
        }
        for i, (key, value) in enumerate(zip(formulas, (k + 1, lo, hi, mid, f_lo, f_mid), strict=True)):
            ws.write_formula(row, i, formulas[key], step_styles[i], _cached(value))
    note = f"The grid (columns H to L) and the {IRR_STEPS} bisection steps (rows {top + 1} on) are not printed"
    return PrintSetup(r, 1, note=note)


def _tei_years(horizon: int) -> list[tuple[str, int, int]]:
    """The TEI table's columns: Initial (month 0), then Year n (months 12(n-1)+1 .. 12n, cut at the horizon)."""
    out = [("Initial", 0, 0)]
    for n in range(1, math.ceil(horizon / 12) + 1):
        out.append((f"Year {n}", 12 * (n - 1) + 1, min(12 * n, horizon)))
    return out


def _write_tei(
    ws: Any,
    wb: Any,
    fmt: dict[str, Any],
    model: ModelRows,
    values: dict[str, list[Any]],
    lines: list[Line],
    included: dict[str, bool],
) -> PrintSetup:
    """The plan as a Forrester Total Economic Impact table: flows by year, risk-adjusted as in the model, each row's
    present value, totals, NPV and ROI; every cell a formula over the Model sheet."""
    horizon = model.last - model.first
    years = _tei_years(horizon)
    factors = np.asarray(values["discount_factor"][: horizon + 1], dtype=float)
    numbered = list(enumerate(lines, start=1))
    Row = tuple[str, str, str | None]  # label, Model column, the area whose inclusion gates it
    benefits: list[Row] = [(f"{STREAM_LABELS[s]} (risk-adjusted)", f"{s}_usd", None) for s in STREAMS]
    benefits += [(f"Line: {ln.name} ({ln.nature})", f"line_{i}_usd", None) for i, ln in numbered if ln.is_benefit]
    kinds = (("one_time_usd", "one-time"), ("staff_usd", "staff"), ("recurring_usd", "recurring"))
    costs: list[Row] = [(f"{AREA_LABELS[a]}: {label}", f"{a}_{key}", a) for a in AREAS for key, label in kinds]
    costs += [(f"Line: {ln.name} ({ln.nature})", f"line_{i}_usd", None) for i, ln in numbered if not ln.is_benefit]
    width = len(years) + 2  # the years, Total, Present value
    _widths(ws, [46, *([14] * width)])
    ws.write_string(0, 0, "Total Economic Impact: the plan's flows by year (USD)", fmt["title"])
    ws.write_string(1, 0, "Initial is month 0; Year n is months 12(n-1)+1 to 12n, to the horizon. Risk-adjusted as")
    ws.write_string(2, 0, "in the model; costs negative. Present value discounts each month at the case's rate.")
    header_row = 4
    for c, h in enumerate(["", *(y for y, _, _ in years), "Total", "Present value"]):
        ws.write_string(header_row, c, h, fmt["header"])
    r = header_row

    def row_cells(key: str, gate: str | None) -> list[tuple[str, float]]:
        on = gate is None or included[gate]
        month_values = np.asarray(values[key][: horizon + 1], dtype=float) * (1.0 if on else 0.0)
        cells = []
        for _, lo, hi in years:
            formula = f"SUM({model.range(key, model.first + lo, model.first + hi)})"
            cells.append((formula, float(month_values[lo : hi + 1].sum())))
        cells.append(("SUM({years})", float(month_values.sum())))
        cells.append((_pv(model, key), float(month_values @ factors)))
        return [(_included(gate, f) if gate and i != len(years) else f, v) for i, (f, v) in enumerate(cells)]

    def section(title: str, rows: list[Row]) -> tuple[int, list[float]]:
        nonlocal r
        r += 1
        ws.write_string(r, 0, title, fmt["bold"])
        top = r + 1
        totals = [0.0] * width
        for label, key, gate in rows:
            r += 1
            ws.write_string(r, 0, f"  {label}", fmt["note"])
            span = xl_rowcol_to_cell(r, 1) + ":" + xl_rowcol_to_cell(r, len(years))
            for c, (formula, value) in enumerate(row_cells(key, gate), start=1):
                ws.write_formula(r, c, "=" + formula.replace("{years}", span), fmt["usd"], _cached(value))
                totals[c - 1] += value
        r += 1
        ws.write_string(r, 0, f"Total {title.lower()}", fmt["bold"])
        for c in range(1, width + 1):
            column = xl_rowcol_to_cell(top, c) + ":" + xl_rowcol_to_cell(r - 1, c)
            ws.write_formula(r, c, f"=SUM({column})", fmt["usd"], _cached(totals[c - 1]))
        return r, totals

    benefit_row, benefit_totals = section("Benefits", benefits)
    wb.define_name("tei_pv_benefits_usd", f"=TEI!{xl_rowcol_to_cell(benefit_row, width, True, True)}")
    r += 1
    cost_row, cost_totals = section("Costs", costs)
    wb.define_name("tei_pv_costs_usd", f"=TEI!{xl_rowcol_to_cell(cost_row, width, True, True)}")
    r += 2
    ws.write_string(r, 0, "Net cash flow", fmt["bold"])
    for c in range(1, width + 1):
        b, k = xl_rowcol_to_cell(benefit_row, c), xl_rowcol_to_cell(cost_row, c)
        ws.write_formula(r, c, f"={b}+{k}", fmt["usd"], _cached(benefit_totals[c - 1] + cost_totals[c - 1]))
    wb.define_name("tei_npv_usd", f"=TEI!{xl_rowcol_to_cell(r, width, True, True)}")
    npv, pv_costs = benefit_totals[-1] + cost_totals[-1], -cost_totals[-1]
    r += 2
    results = [
        ("PV of benefits (USD)", "=tei_pv_benefits_usd", "usd", benefit_totals[-1]),
        ("PV of costs (USD)", "=-tei_pv_costs_usd", "usd", pv_costs),
        ("NPV (USD)", "=tei_npv_usd", "usd", npv),
        (
            "ROI (NPV / PV of costs)",
            f'=IF(-tei_pv_costs_usd<1,"{ROI_NOT_MEANINGFUL}",tei_npv_usd/-tei_pv_costs_usd)',
            "pct",
            npv / pv_costs if pv_costs >= 1 else ROI_NOT_MEANINGFUL,
        ),
    ]
    for label, formula, style, value in results:
        ws.write_string(r, 0, label, fmt["bold"])
        ws.write_formula(r, 1, formula, fmt[style], _cached(value))
        r += 1
    return PrintSetup(r - 1, width, landscape=len(years) > 5, repeat_rows=(header_row, header_row))


def _write_checks(ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows, lines: list[Line]) -> PrintSetup:
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
        never = f"OR(INDEX({cumulative},{months})<0,SUMPRODUCT(--({cumulative}<>0))=0)"
        return f'IF(ISNUMBER({out}),IF(COUNTIF({cumulative},"<0")=0,{out}=0,{crossing}),{never})'

    def by_area(term: Callable[[str], str]) -> str:
        return "+".join(_included(a, term(a)) for a in AREAS)

    net, benefit, costs = rng("net_flow_usd"), rng("benefit_usd"), block("one_time_usd", "line_costs_usd")
    streams_ = block("merges_usd", "lead_time_usd")
    benefit_lines = "".join(f"-SUM({rng(f'line_{i}_usd')})" for i, line in enumerate(lines, start=1) if line.is_benefit)
    area_npvs = "+".join(f"ABS(out_area_{a}_npv_usd)" for a in AREAS)
    time, cash = rng("time_flow_usd"), rng("cash_flow_usd")
    checks = [
        (
            "Net flows equal the benefit less one-time, staff, recurring costs and cost lines",
            f"ABS(SUM({net})-SUM({benefit})-SUM({costs}))<={tol(net, costs)}",
        ),
        (
            "Benefit equals the sum of the four streams and the benefit lines",
            f"ABS(SUM({benefit})-SUM({streams_}){benefit_lines})<={tol(benefit)}",
        ),
        (
            "The streams equal the sum of the funded areas' benefits",
            f"ABS(SUM({streams_})-({by_area(lambda a: 'SUM(' + rng(a + '_benefit_usd') + ')')}))<={tol(benefit)}",
        ),
        (
            "Costs equal the sum of the funded areas' costs",
            f"ABS(SUM({block('one_time_usd', 'recurring_usd')})"
            f"-({by_area(lambda a: 'SUM(' + block(a + '_one_time_usd', a + '_recurring_usd') + ')')}))"
            f"<={tol(costs)}",
        ),
        (
            "The cash and engineer-time parts add up to the net flow",
            f"ABS(SUM({time})+SUM({cash})-SUM({net}))<={tol(net, time)}",
        ),
        (
            "The TEI table's NPV equals the NPV",
            f"ABS(tei_npv_usd-out_npv_usd)<={tol(rng('discounted_flow_usd'))}",
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
            "The plan's NPV equals the sum of its funded areas' NPVs alone and its own lines",
            f"ABS(out_npv_usd-({_over_included('out_area_{a}_npv_usd')})-plan_lines_npv_usd)"
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


def _no_minus_zero(pattern: str, half: str, red: bool = False) -> str:
    """A number format that never shows -0: a number that rounds to zero in `pattern` (|x| under `half` of its last
    digit) shows a plain zero, whatever its sign. A zero section alone is not enough: -0.0001 is negative and
    shows "-0" in the negative section. A conditional section shows no minus sign of its own, so the negative one
    writes it."""
    zero = pattern.replace("#,##", "").replace("#", "")
    return f'[>={half}]{pattern};{"[Red]" if red else ""}[<=-{half}]-{pattern};"{zero}"'


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
        "usd": add({"num_format": _no_minus_zero("#,##0", "0.5", red=True), "align": "right"}),
        "months": add({"num_format": _no_minus_zero("0.00", "0.005"), "align": "right"}),
        "pct": add({"num_format": _no_minus_zero("0.0%", "0.0005"), "align": "right"}),
        "ratio": add({"num_format": '0.00" : 1"'}),
        "factor": add({"num_format": "0.000"}),
        "one_decimal": add({"num_format": _no_minus_zero("0.0", "0.05")}),
        "count": add({"num_format": "0"}),
        "rate": add({"num_format": "0.0000%"}),
    }
