"""The workbook's formulas of docs/method.md in spreadsheet form: the streams, the summary and each area's figures,
and each row of the Model sheet, in terms of the inputs' names."""

from __future__ import annotations

import functools

from xlsxwriter.utility import xl_col_to_name

from roi.formatting import IRR_NOT_UNIQUE, NOTHING, ROI_NOT_MEANINGFUL
from roi.scenario import (
    AREAS,
    STREAMS,
    Line,
)
from roi.workbook.base import (
    _AREA_COLUMNS,
    NOT_REACHED,
    UNDEFINED,
    ModelRows,
)

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


def upfront(one_time: str, staff: str) -> str:
    """The investment (roi.flows.Flows.upfront_investment_usd): the one-time cost, and staff when it is counted."""
    return f"{one_time}+IF(in_finance_include_staff_cost,{staff},0)"


def _nothing(rng: str) -> str:
    """TRUE when every flow of the range is 0: nothing is spent or earned within the horizon."""
    return f'COUNTIF({rng},"<>0")=0'


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
        "upfront_investment_usd": upfront("out_one_time_cost_usd", "out_staff_cost_usd"),
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
            f"SUMPRODUCT(1*(({rng('cumulative_usd', first + 1)}<0)"
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
        "investment_usd": upfront(f"area_{area}_one_time_usd", f"area_{area}_staff_cost_usd"),
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


@functools.cache
def _letters(columns: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each Model column's key and letter(s)."""
    return tuple((k, xl_col_to_name(i)) for i, k in enumerate(columns))


def _model_row(row: int, first: int, columns: tuple[str, ...], lines: list[Line]) -> dict[str, str]:
    """The formulas of one Model row, by column; `row` is 0-based, month = row - first."""
    letters = _letters(columns)
    c = {k: f"{letter}{row + 1}" for k, letter in letters}
    prev = None if row == first else {k: f"{letter}{row}" for k, letter in letters}
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
        formulas.update(
            {
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
                f"{a}_time_flow_usd": "+".join([f"{live}*{g}*area_{a}_time_benefit_usd", k["staff_usd"], *time_lines]),
                f"{a}_cash_flow_usd": f"{k['net_flow_usd']}-{k['time_flow_usd']}",
                f"{a}_cumulative_usd": _cumulative(c, prev, f"{a}_cumulative_usd", f"{a}_net_flow_usd"),
                f"{a}_cumulative_cash_usd": _cumulative(c, prev, f"{a}_cumulative_cash_usd", f"{a}_cash_flow_usd"),
                f"{a}_payback_candidate": _candidate(c, prev, f"{a}_cumulative_usd", f"{a}_net_flow_usd"),
                f"{a}_cash_payback_candidate": _candidate(c, prev, f"{a}_cumulative_cash_usd", f"{a}_cash_flow_usd"),
            }
        )
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
