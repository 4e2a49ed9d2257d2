"""The IRR sheet (the method's grid search and bisection), the TEI table and the Checks sheet."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from xlsxwriter.utility import xl_rowcol_to_cell

from roi import finance
from roi.formatting import ROI_NOT_MEANINGFUL
from roi.scenario import (
    AREA_LABELS,
    AREAS,
    STREAM_LABELS,
    STREAMS,
    Line,
)
from roi.workbook.base import (
    UNDEFINED,
    ModelRows,
    _cached,
)
from roi.workbook.formulas import (
    _included,
    _over_included,
    _pv,
)
from roi.workbook.layout import (
    PrintSetup,
    _widths,
)

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
        (
            "x low: ln(smallest normal number) / (H + 1)",
            "irr_x_low",
            f"={log_tiny!r}/(out_horizon_months+1)",
            lo_x,
            "factor",
        ),
        (
            "x high: the lower of ln(1001) and ln(largest number) / (H + 1)",
            "irr_x_high",
            f"=MIN(LN(1001),{log_max!r}/(out_horizon_months+1))",
            hi_x,
            "factor",
        ),
        ("Grid intervals where NPV changes sign", "irr_crossings", f"=SUM({gcross})", crossings, "count"),
        ("Grid points where NPV is exactly 0", "irr_zeros", f"=SUM({gzero})", zeros, "count"),
        ("Rates that zero NPV on the grid", "irr_roots", "=irr_crossings+irr_zeros", crossings + zeros, "count"),
        (
            "Exactly one rate zeroes NPV on the grid",
            "irr_found",
            "=OR(AND(irr_crossings=1,irr_zeros=0),AND(irr_crossings=0,irr_zeros=1))",
            found,
            "flag",
        ),
        (
            "x of the IRR",
            "irr_x_solved",
            f"=IF(irr_crossings=1,D{13 + IRR_STEPS},IFERROR(INDEX({gx},MATCH(1,{gzero},0)),0))",
            solved,
            "factor",
        ),
    ]
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
        ws.write_formula(
            row, 8, f"=irr_x_low+{j}*(irr_x_high-irr_x_low)/{IRR_GRID - 1}", fmt["factor"], float(c["grid"][j])
        )
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
        never = f'OR(INDEX({cumulative},{months})<0,COUNTIF({cumulative},"<>0")=0)'
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
