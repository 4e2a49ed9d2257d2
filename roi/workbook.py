"""The CFO workbook: every computed figure a live formula of named inputs, with its value cached.

Sheets: Summary (outputs named out_<key>), Inputs (values named in_<section>_<field>), Model (the monthly
timeline, all formulas), Checks (a master check that the model balances). The formulas are docs/method.md's,
written once more in spreadsheet form; tests recalculate the file in LibreOffice and compare every
out_ name with `roi summary --json`. User text is only ever written as a string, never as a formula.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import xlsxwriter
from pydantic import BaseModel
from xlsxwriter.utility import xl_rowcol_to_cell

from roi import finance
from roi.model import Result
from roi.scenario import AREAS, STREAMS, Range, Scenario, format_number, section_model

NOT_REACHED = "not within the horizon"
UNDEFINED = "n/a"
SECTIONS = ("team", "ai_tools", "merges", "builds", "incidents", "lead_time", "growth")


@dataclass(frozen=True)
class InputRow:
    """One row of the Inputs sheet."""

    section: str
    field: str
    value: float | bool
    unit: str
    note: str
    low: float | None = None
    high: float | None = None

    @property
    def name(self) -> str:
        return f"in_{self.section.replace('.', '_')}_{self.field}"


def _rows_of(section: str, model_cls: type[BaseModel], instance: BaseModel | None, absent_note: str) -> list[InputRow]:
    rows = []
    for field, info in model_cls.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        value: Any = getattr(instance, field) if instance is not None else 0.0
        note = info.description or ""
        if instance is None:
            note = f"{note} ({absent_note})"
        low = high = None
        if isinstance(value, Range):
            low, high = value.low, value.high
            note = f"{note}; range {format_number(low)} to {format_number(high)}, likely used"
            value = value.likely
        rows.append(InputRow(section, field, value, str(extra.get("unit", "")), note, low, high))
    return rows


def input_rows(scenario: Scenario) -> list[InputRow]:
    """Every input of the scenario format, in file order; absent optional streams appear as zeros (off)."""
    rows: list[InputRow] = []
    for section in SECTIONS:
        model_cls = section_model([section])
        assert model_cls is not None
        rows += _rows_of(section, model_cls, getattr(scenario, section), "not in the scenario: 0 keeps this stream off")
    for area in AREAS:
        investment = getattr(scenario.investments, area)
        rows += _rows_of(f"investments.{area}", type(investment), investment, "")
    rows += _rows_of("finance", type(scenario.finance), scenario.finance, "")
    return rows


@dataclass(frozen=True)
class ModelRows:
    """Where the Model sheet's months sit: rows first..last (0-based), one column per key of _MODEL_COLUMNS."""

    first: int
    last: int

    def range(self, key: str, start: int | None = None, stop: int | None = None) -> str:
        """Absolute reference to a Model column from row `start` (default: month 0) to `stop` (the last month)."""
        c = _MODEL_COLUMNS.index(key)
        top = self.first if start is None else start
        bottom = self.last if stop is None else stop
        return f"Model!{xl_rowcol_to_cell(top, c, True, True)}:{xl_rowcol_to_cell(bottom, c, True, True)}"

    def cell(self, key: str, row: int) -> str:
        return f"Model!{xl_rowcol_to_cell(row, _MODEL_COLUMNS.index(key), True, True)}"


# Each stream before its risk adjustment, in terms of input names (docs/method.md, "Benefit streams").
_RAW_STREAMS = {
    "merges": (
        "in_merges_merges_per_month*(in_merges_success_rate_after-in_merges_success_rate_before)"
        "*in_merges_fix_hours*in_team_loaded_hourly_rate"
    ),
    "builds": (
        "in_builds_builds_per_month*(in_builds_build_minutes_before-in_builds_build_minutes_after)/60"
        "*in_builds_blocked_fraction*in_team_loaded_hourly_rate"
    ),
    "incidents": (
        "(in_incidents_deploys_per_month_before*in_incidents_change_failure_rate_before*in_incidents_mttr_hours_before"
        "-in_incidents_deploys_per_month_after*in_incidents_change_failure_rate_after*in_incidents_mttr_hours_after)"
        "*(in_incidents_responders_per_incident*in_team_loaded_hourly_rate+in_incidents_downtime_cost_per_hour)"
    ),
    "lead_time": (
        "in_lead_time_changes_per_month*(in_lead_time_lead_time_days_before-in_lead_time_lead_time_days_after)"
        "*in_lead_time_cost_of_delay_per_change_day"
    ),
}


def _risk_adjusted(name: str, raw: str) -> str:
    """x (1 - r) for a gain, x (1 + r) for a loss: the risk adjustment never improves a case."""
    return f"({raw})*(1-SIGN({raw})*in_{name}_risk_adjustment)"


# Formulas of the summary figures, by output key, in terms of input names (docs/method.md).
def _summary_formulas(model: ModelRows) -> dict[str, str]:
    first, rng, cell = model.first, model.range, model.cell
    one_time = "+".join(f"in_investments_{a}_one_time" for a in AREAS)
    recurring = "+".join(f"in_investments_{a}_annual_recurring" for a in AREAS)
    quarters = "+".join(f"in_investments_{a}_engineer_quarters" for a in AREAS)
    ratio = (
        'IFERROR(IF(in_ai_tools_annual_spend>0,({x})/in_ai_tools_annual_spend,"' + UNDEFINED + '"),"' + UNDEFINED + '")'
    )
    # Paid back after the last month the cumulative flow is below zero, if it stays >= 0 to the horizon; the
    # crossings are candidates in increasing months, so the last is their MAX.
    payback = 'IF(COUNTIF({cum},"<0")=0,0,IF({last}<0,"' + NOT_REACHED + '",MAX({cands})))'
    return {
        "horizon_months": f"MAX({rng('month')})",
        "failed_merges_per_month": "in_merges_merges_per_month*(1-in_merges_success_rate_before)",
        "monthly_waste_usd": "out_failed_merges_per_month*in_merges_fix_hours*in_team_loaded_hourly_rate",
        **{f"benefit_by_stream_usd_{name}": _risk_adjusted(name, raw) for name, raw in _RAW_STREAMS.items()},
        "monthly_benefit_usd": "+".join(f"out_benefit_by_stream_usd_{s}" for s in STREAMS),
        "one_time_cost_usd": one_time,
        "staff_cost_usd": f"({quarters})*in_team_hours_per_engineer_quarter*in_team_loaded_hourly_rate",
        "upfront_investment_usd": "out_one_time_cost_usd+IF(in_finance_include_staff_cost,out_staff_cost_usd,0)",
        "annual_recurring_cost_usd": recurring,
        "monthly_discount_rate": "(1+in_finance_annual_discount_rate)^(1/12)-1",
        "pv_costs_usd": f"out_upfront_investment_usd-SUMPRODUCT({rng('recurring_usd')},{rng('discount_factor')})",
        "delivery_to_ai_ratio": ratio.format(x="out_one_time_cost_usd+out_annual_recurring_cost_usd"),
        "delivery_to_ai_ratio_incl_staff": ratio.format(
            x="out_one_time_cost_usd+out_annual_recurring_cost_usd+out_staff_cost_usd"
        ),
        "payback_months": payback.format(
            cum=rng("cumulative_usd"), last=cell("cumulative_usd", model.last), cands=rng("payback_candidate")
        ),
        "discounted_payback_months": payback.format(
            cum=rng("cumulative_discounted_usd"),
            last=cell("cumulative_discounted_usd", model.last),
            cands=rng("discounted_payback_candidate"),
        ),
        "cumulative_zero_crossings": (
            f"SUMPRODUCT(--(({rng('cumulative_usd', first + 1)}<0)"
            f"<>({rng('cumulative_usd', first, model.last - 1)}<0)))"
        ),
        "npv_usd": f"{cell('net_flow_usd', first)}+NPV(out_monthly_discount_rate,{rng('net_flow_usd', first + 1)})",
        "irr_annual": f'IF(irr_bracketed,EXP(12*irr_x_solved)-1,"{UNDEFINED}")',
        "roi": f'IF(out_pv_costs_usd>0,out_npv_usd/out_pv_costs_usd,"{UNDEFINED}")',
        "include_staff_cost": "in_finance_include_staff_cost",
    }


_MODEL_COLUMNS = (
    "month", "growth_factor", "ramp_factor", "merges_usd", "builds_usd", "incidents_usd", "lead_time_usd",
    "benefit_usd", "upfront_usd", "recurring_usd", "net_flow_usd", "cumulative_usd", "discount_factor",
    "discounted_flow_usd", "cumulative_discounted_usd", "baseline_waste_usd", "payback_candidate",
    "discounted_payback_candidate",
)  # fmt: skip


def _model_row(row: int, first: int) -> dict[str, str]:
    """The formulas of one Model row, by column; `row` is 0-based, month = row - first."""
    c = {k: xl_rowcol_to_cell(row, i) for i, k in enumerate(_MODEL_COLUMNS)}
    prev = {k: xl_rowcol_to_cell(row - 1, i) for i, k in enumerate(_MODEL_COLUMNS)}
    m = c["month"]
    formulas = {
        "month": "0" if row == first else f"{prev['month']}+1",
        "growth_factor": f"(1+in_growth_volume_growth_per_year)^(({m}-1)/12)",
        "ramp_factor": f"IF({m}=0,0,IF(in_finance_ramp_months=0,1,MIN(1,{m}/in_finance_ramp_months)))",
        "benefit_usd": f"SUM({c['merges_usd']}:{c['lead_time_usd']})",
        "upfront_usd": f"IF({m}=0,-out_upfront_investment_usd,0)",
        "recurring_usd": f"IF({m}=0,0,-out_annual_recurring_cost_usd/12)",
        "net_flow_usd": f"{c['benefit_usd']}+{c['upfront_usd']}+{c['recurring_usd']}",
        "cumulative_usd": c["net_flow_usd"] if row == first else f"{prev['cumulative_usd']}+{c['net_flow_usd']}",
        "discount_factor": f"1/(1+out_monthly_discount_rate)^{m}",
        "discounted_flow_usd": f"{c['net_flow_usd']}*{c['discount_factor']}",
        "cumulative_discounted_usd": (
            c["discounted_flow_usd"]
            if row == first
            else f"{prev['cumulative_discounted_usd']}+{c['discounted_flow_usd']}"
        ),
        "baseline_waste_usd": f"IF({m}=0,0,{c['growth_factor']}*out_monthly_waste_usd)",
    }
    for name in STREAMS:
        formulas[f"{name}_usd"] = f"{c['ramp_factor']}*{c['growth_factor']}*out_benefit_by_stream_usd_{name}"
    for cand, cum, flow in (
        ("payback_candidate", "cumulative_usd", "net_flow_usd"),
        ("discounted_payback_candidate", "cumulative_discounted_usd", "discounted_flow_usd"),
    ):
        formulas[cand] = (
            '""' if row == first else f'IF(AND({prev[cum]}<0,{c[cum]}>=0),{prev["month"]}-{prev[cum]}/{c[flow]},"")'
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


def build_workbook(result: Result) -> bytes:
    """The workbook as .xlsx bytes: live formulas, their values cached, full recalculation on open."""
    scenario, summary, table = result.scenario, result.summary, result.monthly
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    wb.set_calc_mode("auto")
    wb.set_properties(
        {"title": f"Delivery ROI: {scenario.name}", "comments": "Generated by the delivery ROI calculator"}
    )
    fmt = _formats(wb)
    sheet_summary = wb.add_worksheet("Summary")
    sheet_inputs = wb.add_worksheet("Inputs")
    sheet_model = wb.add_worksheet("Model")
    sheet_irr = wb.add_worksheet("IRR")
    sheet_checks = wb.add_worksheet("Checks")

    # ---- Inputs
    ws = sheet_inputs
    _widths(ws, [26, 30, 14, 11, 11, 11, 80])
    ws.write_string(0, 0, "Inputs: change the yellow cells; every other figure follows.", fmt["title"])
    ws.write_string(1, 0, "Scenario", fmt["bold"])
    ws.write_string(1, 1, scenario.name)
    ws.write_string(2, 0, "Description", fmt["bold"])
    ws.write_string(2, 1, scenario.description)
    header = ["section", "field", "value", "unit", "low", "high", "note"]
    for i, h in enumerate(header):
        ws.write_string(4, i, h, fmt["header"])
    for r, item in enumerate(input_rows(scenario), start=5):
        ws.write_string(r, 0, item.section)
        ws.write_string(r, 1, item.field)
        if isinstance(item.value, bool):
            ws.write_boolean(r, 2, item.value, fmt["input"])
        else:
            ws.write_number(r, 2, float(item.value), fmt["input_pct" if item.unit.startswith("share") else "input"])
        ws.write_string(r, 3, item.unit)
        if item.low is not None and item.high is not None:
            ws.write_number(r, 4, item.low, fmt["muted"])
            ws.write_number(r, 5, item.high, fmt["muted"])
        note = item.note
        if item.section == "finance" and item.field == "horizon_months":
            note += "; the Model sheet has one row per month, so re-export to change the horizon"
        ws.write_string(r, 6, note)
        wb.define_name(item.name, f"=Inputs!{xl_rowcol_to_cell(r, 2, True, True)}")

    # ---- Model
    ws = sheet_model
    first, last = 1, 1 + summary.horizon_months
    model = ModelRows(first, last)
    ws.freeze_panes(1, 1)
    ws.set_column(0, 0, 7)
    ws.set_column(1, len(_MODEL_COLUMNS) - 1, 15)
    for i, key in enumerate(_MODEL_COLUMNS):
        ws.write_string(0, i, key, fmt["header"])
    cumulative = table["cumulative_usd"].to_numpy()
    cum_disc = table["cumulative_discounted_usd"].to_numpy()
    cached = {key: table[key].to_numpy().tolist() for key in table.columns}
    cached["payback_candidate"] = _candidates(cumulative, table["net_flow_usd"].to_numpy())
    cached["discounted_payback_candidate"] = _candidates(cum_disc, table["discounted_flow_usd"].to_numpy())
    for row in range(first, last + 1):
        formulas_of_row = _model_row(row, first)
        for i, key in enumerate(_MODEL_COLUMNS):
            style = fmt["factor"] if key in ("growth_factor", "ramp_factor", "discount_factor") else fmt["usd"]
            if key in ("month", "payback_candidate", "discounted_payback_candidate"):
                style = fmt["months"]
            value = _cached(cached[key][row - first])
            ws.write_formula(row, i, "=" + formulas_of_row[key], style, value)

    # ---- Summary
    ws = sheet_summary
    _widths(ws, [44, 22, 70])
    ws.write_string(0, 0, "Delivery ROI: the business case", fmt["title"])
    ws.write_string(1, 0, "Scenario", fmt["bold"])
    ws.write_string(1, 1, scenario.name)
    wb.define_name("out_scenario", f"=Summary!{xl_rowcol_to_cell(1, 1, True, True)}")
    ws.write_string(2, 0, "Change the yellow cells on the Inputs sheet; the figures here are formulas of them.")
    formulas = _summary_formulas(model)
    values = summary.to_dict()
    values.update({f"benefit_by_stream_usd_{k}": v for k, v in summary.benefit_by_stream_usd.items()})
    values["monthly_discount_rate"] = finance.monthly_rate(scenario.finance.annual_discount_rate)
    for r, (key, label, style) in enumerate(_SUMMARY_LAYOUT, start=4):
        ws.write_string(r, 0, label, fmt["bold"] if key in _HEADLINE else None)
        value = values.get(key)
        cached_value: Any = (NOT_REACHED if "payback" in key else UNDEFINED) if value is None else value
        ws.write_formula(r, 1, "=" + formulas[key], fmt[style], cached_value)
        wb.define_name(f"out_{key}", f"=Summary!{xl_rowcol_to_cell(r, 1, True, True)}")
    r = 4 + len(_SUMMARY_LAYOUT)
    ws.write_string(r, 0, "Model checks pass", fmt["bold"])
    ws.write_formula(r, 1, "=checks_all_pass", fmt["bold"], True)
    ws.write_string(r + 2, 0, "Formulas: docs/method.md of the delivery ROI calculator; cash out is negative.")

    # ---- Checks
    _write_irr(sheet_irr, wb, fmt, model, table["net_flow_usd"].to_numpy())
    _write_checks(sheet_checks, wb, fmt, model)
    buffer_value = _close(wb, buffer)
    return buffer_value


_HEADLINE = {"payback_months", "discounted_payback_months", "npv_usd", "irr_annual", "roi", "delivery_to_ai_ratio"}
_SUMMARY_LAYOUT = (
    ("payback_months", "Payback (months)", "months"),
    ("discounted_payback_months", "Discounted payback (months)", "months"),
    ("cumulative_zero_crossings", "Times the cumulative cash flow crosses zero", "count"),
    ("npv_usd", "NPV (USD)", "usd"),
    ("irr_annual", "IRR (annual)", "pct"),
    ("roi", "ROI (NPV / PV of costs)", "pct"),
    ("delivery_to_ai_ratio", "Delivery-to-AI spend ratio", "ratio"),
    ("delivery_to_ai_ratio_incl_staff", "Delivery-to-AI ratio incl. staff", "ratio"),
    ("horizon_months", "Horizon (months)", "months"),
    ("failed_merges_per_month", "Failed merges per month", "factor"),
    ("monthly_waste_usd", "Cost of doing nothing per month (USD)", "usd"),
    ("monthly_benefit_usd", "Benefit per month at full ramp (USD)", "usd"),
    ("benefit_by_stream_usd_merges", "  merges", "usd"),
    ("benefit_by_stream_usd_builds", "  builds", "usd"),
    ("benefit_by_stream_usd_incidents", "  incidents", "usd"),
    ("benefit_by_stream_usd_lead_time", "  lead time", "usd"),
    ("one_time_cost_usd", "One-time cost (USD)", "usd"),
    ("staff_cost_usd", "Staff cost of engineer-quarters (USD)", "usd"),
    ("upfront_investment_usd", "Upfront investment at month 0 (USD)", "usd"),
    ("annual_recurring_cost_usd", "Recurring cost per year (USD)", "usd"),
    ("pv_costs_usd", "Present value of costs (USD)", "usd"),
    ("monthly_discount_rate", "Monthly discount rate", "rate"),
    ("include_staff_cost", "Staff cost counted in the investment", "bold"),
)


IRR_STEPS = 80  # bisection halvings: the bracket (at most 60 wide) shrinks below float precision


def _irr_bracket(horizon_months: int) -> tuple[float, float]:
    """The bracket in x = ln(1 + monthly rate) that finance.irr searches, so the sheet finds the same root."""
    return -min(50.0, 600.0 / max(horizon_months, 1)), 10.0


def _write_irr(ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows, flows: np.ndarray) -> None:
    """IRR by bisection in plain formulas, robust where the IRR() function's Newton search gives up."""
    rng = model.range
    cash, months = rng("net_flow_usd"), rng("month")
    m = np.arange(flows.size, dtype=np.float64)

    def npv(x: float) -> float:
        return float(np.sum(flows * np.exp(-x * m)))

    _widths(ws, [44, 16, 22, 22, 22, 22])
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
        ws.write_formula(r, 1, formula, fmt["factor"], value)
        wb.define_name(name, f"=IRR!{xl_rowcol_to_cell(r, 1, True, True)}")
    top = 10
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
            ws.write_formula(r, c, formulas[key], fmt["factor"] if c < 4 else fmt["usd"], value)
    solved = top + IRR_STEPS
    wb.define_name("irr_x_solved", f"=IRR!{xl_rowcol_to_cell(solved, 3, True, True)}")
    ws.write_string(7, 0, "Monthly IRR (bisection)", fmt["bold"])
    monthly = float(np.expm1(steps[-1][2])) if bracketed else UNDEFINED
    ws.write_formula(7, 1, f'=IF(irr_bracketed,EXP(irr_x_solved)-1,"{UNDEFINED}")', fmt["rate"], monthly)
    ws.write_string(8, 0, "IRR() function, annual, for comparison", fmt["bold"])
    check = float(np.expm1(12 * steps[-1][2])) if bracketed else "did not converge"
    ws.write_formula(8, 1, f'=IFERROR((1+IRR({cash}))^12-1,"did not converge")', fmt["pct"], check)
    ws.write_string(8, 2, "Spreadsheet IRR() searches from a guess and can give up on extreme rates; bisection cannot.")


def _write_checks(ws: Any, wb: Any, fmt: dict[str, Any], model: ModelRows) -> None:
    first, last, rng = model.first, model.last, model.range

    def at(key: str, month_expr: str) -> str:
        return f"INDEX({rng(key)},{month_expr}+1)"

    tol = "MAX(1,SUMPRODUCT(ABS({r})))/1000000"
    cum = rng("cumulative_usd")

    def payback_check(out: str, cumulative_key: str) -> str:
        """TRUE when the payback cell sits in the month after which the cumulative flow stays >= 0 (or none is)."""
        cumulative = rng(cumulative_key)
        t = f"ROUNDUP({out},0)"
        stays = f'COUNTIF(INDEX({cumulative},{t}+1):INDEX({cumulative},{last - first + 1}),"<0")=0'
        crossing = f"AND({at(cumulative_key, t + '-1')}<0,{stays})"
        never = f"INDEX({cumulative},{last - first + 1})<0"
        return f'IF(ISNUMBER({out}),IF({out}=0,COUNTIF({cumulative},"<0")=0,{crossing}),{never})'

    checks = [
        (
            "Sum of net flows equals benefits less upfront and recurring costs",
            f"ABS(SUM({rng('net_flow_usd')})-SUM({rng('benefit_usd')})-SUM({rng('upfront_usd')})-SUM({rng('recurring_usd')}))"
            f"<={tol.format(r=rng('net_flow_usd'))}",
        ),
        (
            "Benefit equals the sum of the four streams",
            f"ABS(SUM({rng('benefit_usd')})-SUM({rng('merges_usd')}:{rng('lead_time_usd').split(':')[1]}))"
            f"<={tol.format(r=rng('benefit_usd'))}",
        ),
        (
            "Last cumulative flow equals the sum of net flows",
            f"ABS(INDEX({cum},{last - first + 1})-SUM({rng('net_flow_usd')}))<={tol.format(r=rng('net_flow_usd'))}",
        ),
        (
            "NPV equals the sum of discounted flows",
            f"ABS(out_npv_usd-SUM({rng('discounted_flow_usd')}))<={tol.format(r=rng('discounted_flow_usd'))}",
        ),
        (
            "Payback agrees with the cumulative column",
            payback_check("out_payback_months", "cumulative_usd"),
        ),
        (
            "Discounted payback agrees with the cumulative discounted column",
            payback_check("out_discounted_payback_months", "cumulative_discounted_usd"),
        ),
    ]
    _widths(ws, [70, 12])
    ws.write_string(0, 0, "Checks: each is TRUE when the model balances", fmt["title"])
    for r, (label, formula) in enumerate(checks, start=2):
        ws.write_string(r, 0, label)
        ws.write_formula(r, 1, "=" + formula, None, True)
    end = 2 + len(checks) - 1
    ws.write_string(end + 2, 0, "All checks pass (master check)", fmt["bold"])
    ws.write_formula(
        end + 2,
        1,
        f"=AND({xl_rowcol_to_cell(2, 1, True, True)}:{xl_rowcol_to_cell(end, 1, True, True)})",
        fmt["bold"],
        True,
    )
    wb.define_name("checks_all_pass", f"=Checks!{xl_rowcol_to_cell(end + 2, 1, True, True)}")


def _widths(ws: Any, widths: list[int]) -> None:
    for column, width in enumerate(widths):
        ws.set_column(column, column, width)


def _formats(wb: Any) -> dict[str, Any]:
    add = wb.add_format
    input_style = {"bg_color": "#FFF2CC", "font_color": "#1F3A93", "border": 1, "border_color": "#BFBFBF"}
    return {
        "title": add({"bold": True, "font_size": 14}),
        "bold": add({"bold": True}),
        "header": add({"bold": True, "bottom": 1, "bg_color": "#D9E1F2"}),
        "input": add({**input_style, "num_format": "#,##0.####"}),
        "input_pct": add({**input_style, "num_format": "0.0##%"}),
        "muted": add({"font_color": "#7F7F7F", "num_format": "#,##0.####"}),
        "usd": add({"num_format": "#,##0;[Red]-#,##0"}),
        "months": add({"num_format": "0.00"}),
        "pct": add({"num_format": "0.0%"}),
        "ratio": add({"num_format": '0.00" : 1"'}),
        "factor": add({"num_format": "0.000"}),
        "count": add({"num_format": "0"}),
        "rate": add({"num_format": "0.0000%"}),
    }


def _close(wb: Any, buffer: io.BytesIO) -> bytes:
    wb.close()
    return buffer.getvalue()
