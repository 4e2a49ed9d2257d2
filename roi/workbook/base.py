"""The workbook's structure: the texts for undefined figures, the inputs, where the Model sheet's months and
columns sit, the combinations of areas, and the model's values each cell caches."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from xlsxwriter.utility import xl_rowcol_to_cell

from roi.fields import MAX_MONTHS, FieldSpec, in_name
from roi.formatting import IRR_NOT_UNIQUE, NOTHING, ROI_NOT_MEANINGFUL
from roi.model import Flows, Metrics, cash_flows, likely_values, metrics, monthly_table, with_each_area_alone
from roi.scenario import (
    AREA_LABELS,
    AREAS,
    FIELDS,
    STREAMS,
    Line,
    Range,
    Scenario,
    field_label,
)

NOT_REACHED = "not within the horizon"
UNDEFINED = "n/a"
#: Every text a figure's cell may show instead of a number (the JSON's null).
NULL_TEXTS = (NOT_REACHED, UNDEFINED, NOTHING, ROI_NOT_MEANINGFUL, IRR_NOT_UNIQUE)


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


_STREAM_BENEFIT = {
    "merges": "Failed-merge benefit",
    "builds": "Build-waiting benefit",
    "incidents": "Incident benefit",
    "lead_time": "Lead-time benefit",
}


def combination_label(combo: tuple[str, ...]) -> str:
    """How the Plan sheet names a set of areas: "CI/CD pipeline + Automated testing"."""
    return " + ".join(AREA_LABELS[a] for a in combo)


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
            rows = f.line_rows_usd(i)
            none = np.zeros(months.size)
            benefit_lines = sum((rows.get(j, none) for j in own if lines[j].is_benefit), np.zeros(months.size))
            cost_lines = sum((rows.get(j, none) for j in own if not lines[j].is_benefit), np.zeros(months.size))
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
