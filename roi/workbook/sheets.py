"""The Inputs, Model, Summary and Plan sheets."""

from __future__ import annotations

from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from roi import finance
from roi import inputs as vk
from roi.fields import MAX_MONTHS
from roi.formatting import IRR_NOT_UNIQUE, NOTHING, ROI_NOT_MEANINGFUL
from roi.model import Result, likely_values
from roi.plan import Phasing
from roi.scenario import (
    AREA_LABELS,
    AREAS,
    STREAM_LABELS,
    STREAMS,
    Line,
    Scenario,
    likely,
)
from roi.vocabulary import COMBINATIONS
from roi.workbook.base import (
    NOT_REACHED,
    ModelRows,
    _Cached,
    _cached,
    _model_style,
    _shown,
    combination_label,
    input_rows,
    model_headers,
)
from roi.workbook.formulas import (
    _RAW_STREAMS,
    _area_cost_formulas,
    _area_formulas,
    _model_row,
    _plan_lines_cost,
    _plan_lines_pv,
    _risk_adjusted,
    _stream_hours,
    _stream_time,
    _summary_formulas,
)
from roi.workbook.layout import (
    PrintSetup,
    _lines,
    _shown_width,
    _widths,
)
from roi.workbook.phasing import _write_phasing


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
        if item.path == vk.HORIZON_MONTHS:
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
    header = [
        "Line",
        "Amount per month (USD)",
        "Benefit or cost",
        "Cash or time",
        "Area",
        "Risk adjustment",
        "Scenario key",
        *(("Initial (USD)" if n == 0 else f"Year {n} (USD)") for n in range(years)),
    ]
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


def _write_plan(
    ws: Any,
    wb: Any,
    fmt: dict[str, Any],
    model: ModelRows,
    result: Result,
    cached: _Cached,
    phasing: Phasing | None = None,
) -> PrintSetup:
    """Each area alone (its costs, from its own Model columns) and every combination of areas, by additivity."""
    summary, inputs, lines = result.summary, likely_values(result.scenario), list(result.scenario.lines)
    _widths(ws, [44, 12, 12, 12, 12, 14, 14, 14, 14, 14, 14, 14, 14, len(NOT_REACHED) + 1, 10])
    ws.write_string(0, 0, "Plan: each spend area alone, and every combination of areas", fmt["title"])
    ws.write_string(
        1,
        0,
        "Cash flows add up over areas, so a combination's investment, year-1 cost, PV of costs and NPV are the sums "
        "of its areas' figures alone, plus the lines of the plan as a whole (below the combinations).",
    )
    ws.write_string(2, 0, "Payback and IRR do not add up: the Summary sheet has them for the funded plan.")
    header = [
        "Area",
        "Funded in the plan",
        "Start month",
        "Months to go live",
        "Go-live month",
        "One-time cost, with cost risk (USD)",
        "Staff cost, counted or not (USD)",
        "Recurring cost per year (USD)",
        "Investment: one-time plus counted staff (USD)",
        "Benefit per month at full ramp (USD)",
        "Year-1 cost, months 0 to 12 (USD)",
        "PV of costs (USD)",
        "NPV alone (USD)",
        "Payback alone (months)",
        "ROI alone",
    ]
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
            (f"{p}_start_month", "count", inputs[vk.start_month(a)], None),
            (f"{p}_build_months", "count", inputs[vk.build_months(a)], None),
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
        "Areas funded",
        "The plan on the Inputs sheet",
        "Investment: one-time plus counted staff (USD)",
        "Year-1 cost, months 0 to 12 (USD)",
        "PV of costs (USD)",
        "NPV (USD)",
        "ROI",
    ]
    for i, h in enumerate(combo_header):
        ws.write_string(top, i, h, fmt["header"])
    funded = tuple(a for a in AREAS if summary.areas[a].included)
    plan_npv, plan_pv_costs, plan_year_one = _plan_lines_cached(cached, summary.lines)
    helpers = [
        ("plan_lines_npv_usd", "NPV of the lines of the plan as a whole (USD)", _plan_lines_pv(model, lines), plan_npv),
        ("plan_lines_pv_costs_usd", "PV of their costs (USD)", _plan_lines_cost(model, lines, False), plan_pv_costs),
        (
            "plan_lines_first_year_cost_usd",
            "Their year-1 cost (USD)",
            _plan_lines_cost(model, lines, True),
            plan_year_one,
        ),
    ]
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
    last = top + len(COMBINATIONS) + 4
    if phasing is not None:
        last = _write_phasing(ws, fmt, phasing, result, last + 2)
    return PrintSetup(last, len(header) - 1, landscape=True)


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
            row = cached.flows.line_rows_usd(0).get(j)
            year_one -= 0.0 if row is None else float(row[: min(13, cached.flows.horizon_months + 1)].sum())
    return npv, pv_costs, year_one
