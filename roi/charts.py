"""The pictures: altair charts whose structure is built (and schema-validated) once per shape, then fed data.

Building an altair chart costs tens of milliseconds, too much for a page that reruns on every slider move.
So each chart is a template with named datasets, made once by an `lru_cache`d builder, and each call only
supplies fresh DataFrames. `ChartSpec.to_dict()` is a Vega-Lite spec that `st.vega_lite_chart` displays;
`to_png` and `to_svg` render the same spec (data inlined) for the memo and the slides, so the page and the
documents show one picture. No streamlit here.

Every template carries one theme (`THEME`: font, sizes, grid, the colours of the four streams and the four
areas) and reads money the same way: axis ticks through `MONEY_LABEL_EXPR`, whose Python twin is
`money_label` ($250K, $1.5M, $12M, -$450K, $0). Every label a reader sees is in words: streams by
`STREAM_LABELS`, areas by `AREA_LABELS`, inputs by `field_label`.

A chart with nothing to draw (no draw of a simulation pays back, no ranged input for a tornado) is still a
`ChartSpec`, whose picture is one plain sentence and whose `message` holds that sentence, so a caller can test
`spec.message` and say it in its own words instead.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import vl_convert as vlc
from numpy.typing import NDArray

from roi import finance
from roi import formatting as fmt
from roi.model import Result, flow_chunks, likely_values
from roi.scenario import AREA_LABELS, AREAS, FIELDS, STREAM_LABELS, STREAMS, Scenario, field_label, likely
from roi.uncertainty import Simulation

Array = NDArray[np.float64]

#: Tooltips give money to the dollar.
USD = "$,.0f"

# ---------------------------------------------------------------- theme

#: The one chart theme of the page, the memo and the slides.
THEME: dict[str, Any] = {
    "font": "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif",
    "font_size": 12,
    "title_size": 13,
    "note_size": 11.5,
    "ink": "#2b2b2b",
    "muted": "#8a8a8a",
    "grid": "#e6e6e6",
    "axis_line": "#9a9a9a",
    "zero_line": "#555555",
    "streams": {"merges": "#4e79a7", "builds": "#f28e2b", "incidents": "#59a14f", "lead_time": "#b07aa1"},
    "areas": {"ci_cd": "#3f6f9f", "testing": "#4e9a47", "deployment": "#d08a1f", "observability": "#8b5fa8"},
    "cash": "#1f4e79",  # the cumulative cash flow and what is read from it (payback)
    "discounted": "#d9730d",  # the discounted cumulative and its payback
    "cash_only": "#2e8b57",  # the cumulative cash flow alone, engineer time left out
    "waste": "#c0392b",  # the cost of doing nothing
    "avoidable": "#e8a33d",  # the part of it the plan removes
    "band": "#a9c6e3",  # P10 to P90
    "bars": "#5b84b1",
    "one_time": "#3f6f9f",
    "recurring": "#7fb3d5",
    "staff": "#e08a2c",
    "staff_not_counted": "#d4d4d4",  # muted: priced, but not in the flows
    "category": ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948", "#9c755f"],
}


def vega_lite_config(theme: Mapping[str, Any] = THEME) -> dict[str, Any]:
    """The Vega-Lite `config` every template carries, from the theme."""
    size, ink = theme["font_size"], theme["ink"]
    return {
        "font": theme["font"],
        "background": "white",
        "padding": 8,
        "view": {"stroke": None, "continuousWidth": 640, "continuousHeight": 300},
        "axis": {
            "labelFontSize": size,
            "titleFontSize": size,
            "titleFontWeight": "normal",
            "labelColor": ink,
            "titleColor": ink,
            "gridColor": theme["grid"],
            "domainColor": theme["axis_line"],
            "tickColor": theme["axis_line"],
            "labelLimit": 400,
            "titlePadding": 8,
        },
        "legend": {
            "orient": "bottom",
            "direction": "horizontal",
            "labelFontSize": size,
            "titleFontSize": size,
            "labelColor": ink,
            "labelLimit": 420,
            "symbolSize": 160,
            "symbolStrokeWidth": 2.5,
            "columnPadding": 18,
        },
        "title": {"fontSize": theme["title_size"], "fontWeight": "bold", "color": ink, "anchor": "start"},
        "text": {"fontSize": theme["note_size"], "color": ink},
        "line": {"strokeWidth": 2.5},
        "range": {"category": list(theme["category"])},
    }


# ---------------------------------------------------------------- how money and months read on an axis

#: Units of a money tick, largest first; below the smallest, plain dollars.
MONEY_UNITS: tuple[tuple[float, str], ...] = ((1e9, "B"), (1e6, "M"), (1e3, "K"))
#: Significant digits a money tick keeps (trailing zeros dropped): enough that two ticks never read alike.
MONEY_DIGITS = 6


def _significant(x: float, digits: int) -> str:
    """x >= 0 to `digits` significant digits, trailing zeros dropped: d3-format's '.{digits}~r'."""
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(x)))
    text = f"{x:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money_label(x: float, digits: int = MONEY_DIGITS) -> str:
    """Money as an axis tick reads it: $250K, $1.5M, $12M, -$450K, $0 (the twin of `money_label_expr`)."""
    sign = "-" if x < 0 else ""
    size = abs(float(x))
    for unit, suffix in MONEY_UNITS:
        if size >= unit:
            return f"{sign}${_significant(size / unit, digits)}{suffix}"
    return f"{sign}${_significant(size, digits)}"


def money_label_expr(value: str = "datum.value", digits: int = MONEY_DIGITS) -> str:
    """The Vega expression of `money_label`, for an axis `labelExpr`."""
    size = f"abs({value})"
    body = f"format({size}, '.{digits}~r')"
    for unit, suffix in reversed(MONEY_UNITS):
        body = f"{size} >= {unit:.0e} ? format({size} / {unit:.0e}, '.{digits}~r') + '{suffix}' : {body}"
    return f"({value} < 0 ? '-' : '') + '$' + ({body})"


MONEY_LABEL_EXPR = money_label_expr()
#: A share on an axis as every other percentage reads: 10 %, 2.5 %.
PERCENT_LABEL_EXPR = "format(datum.value * 100, '~r') + ' %'"


def money_short(x: float) -> str:
    """Money in a sentence on a chart: three significant digits ($42.6K, $1.07M)."""
    return money_label(x, digits=3)


def _money_axis(title: str, along: str = "height", **kwargs: Any) -> Any:
    """A money axis: ticks at least a dollar apart and about 45 pixels apart along the plot's `along` (height for
    a y axis, width for an x axis, whatever size the chart is drawn at), read by `MONEY_LABEL_EXPR`."""
    return alt.Axis(
        title=title,
        labelExpr=MONEY_LABEL_EXPR,
        tickCount=alt.ExprRef(expr=f"max(2, ceil({along} / 45))"),
        tickMinStep=1,
        **kwargs,
    )


def month_step(horizon: int) -> int:
    """The spacing of month ticks: a round number of months, at most eight steps over the horizon."""
    for step in (1, 2, 3, 6, 12, 24, 60):
        if horizon / step <= 8:
            return step
    return 120


def month_ticks(horizon: int) -> list[int]:
    return list(range(0, horizon + 1, month_step(horizon)))


def _month_axis(horizon: int, title: str | None = "Month", **kwargs: Any) -> Any:
    return alt.Axis(title=title, values=month_ticks(horizon), format="d", labelAngle=0, **kwargs)


def _month_scale(horizon: int, pad: float = 0.0) -> Any:
    return alt.Scale(domain=[-pad, horizon + pad], nice=False, zero=False)


# ---------------------------------------------------------------- the spec and its rendering


@dataclass(frozen=True)
class ChartSpec:
    """A Vega-Lite template and the DataFrames for its named datasets.

    `message` is set when there is nothing to draw: the picture is then that sentence alone.
    """

    template: dict[str, Any]
    datasets: dict[str, pd.DataFrame]
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The spec with its data: DataFrames for streamlit, which sends them as Arrow."""
        return {**self.template, "datasets": dict(self.datasets)}

    def to_json_dict(self) -> dict[str, Any]:
        """The spec with its data as plain records (for a standalone Vega-Lite renderer, or a test)."""
        return {**self.template, "datasets": {k: _records(v) for k, v in self.datasets.items()}}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe records: numpy scalars to Python, NaN and infinity to null."""
    clean = frame.replace([np.inf, -np.inf], np.nan).astype(object)
    clean = clean.where(pd.notna(clean), None)
    return [
        {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in clean.to_dict("records")
    ]


#: Room the timeline leaves left of its plots for the area names and the axis titles.
TIMELINE_LABEL_WIDTH = 170


def _sized(spec: ChartSpec, width: int) -> dict[str, Any]:
    """The spec with inlined data, `width` pixels wide overall."""
    out = spec.to_json_dict()
    if "vconcat" in out:
        plot = max(200, width - TIMELINE_LABEL_WIDTH - 40)
        out["vconcat"] = [{**child, "width": plot} for child in out["vconcat"]]
        out["autosize"] = {"type": "pad", "contains": "padding"}
    else:
        out["width"] = width
    return out


def to_svg(spec: ChartSpec, width: int = 720) -> str:
    """The chart as SVG, `width` pixels wide, rendered by vl-convert with the data inlined."""
    return str(vlc.vegalite_to_svg(json.dumps(_sized(spec, width)), vl_version=_vl_version(), allowed_base_urls=[]))


def to_png(spec: ChartSpec, width: int = 720, scale: float = 2) -> bytes:
    """The chart as PNG, `width` CSS pixels wide at `scale` device pixels each."""
    png = vlc.vegalite_to_png(
        json.dumps(_sized(spec, width)), vl_version=_vl_version(), scale=scale, allowed_base_urls=[]
    )
    return bytes(png)


def _vl_version() -> str:
    """The Vega-Lite version altair validated the templates against, as vl-convert names it (e.g. 6.4)."""
    major, minor = str(alt.SCHEMA_VERSION).lstrip("v").split(".")[:2]
    return f"{major}.{minor}"


# ---------------------------------------------------------------- building templates


def _data(name: str) -> Any:
    return alt.NamedData(name=name)


def _template(chart: Any, *, fit_width: bool = True) -> dict[str, Any]:
    """The chart with the theme, validated against the Vega-Lite schema once per shape, its data left out.

    Charts fit the container's width and keep their own height (the height is the plot's, axes and legend
    come on top), so no legend squashes a plot.
    """
    chart = chart.configure(**vega_lite_config())
    if fit_width:
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    spec: dict[str, Any] = chart.to_dict()
    spec.pop("datasets", None)
    return spec


def _series_colour(domain: Sequence[str], colours: Sequence[str], title: str | None = None, **legend: Any) -> Any:
    return alt.Color(
        "series:N",
        title=title,
        scale=alt.Scale(domain=list(domain), range=list(colours)),
        legend=alt.Legend(title=title, **legend),
        sort=list(domain),
    )


def _zero_rule() -> Any:
    return alt.Chart(_data("zero")).mark_rule(color=THEME["zero_line"], strokeWidth=1.2).encode(y=alt.Y("usd:Q"))


ZERO = pd.DataFrame({"usd": [0.0]})

#: A label beside a vertical rule, right of it or left of it as `_rule_labels` decided.
LABEL_MARK: dict[str, Any] = {
    "align": alt.ExprRef(expr="datum.align"),
    "dx": alt.ExprRef(expr="datum.align == 'left' ? 5 : -5"),
    "baseline": "top",
    "fontWeight": "bold",
}
LABEL_TOP_PX = 6
LABEL_ROW_PX = 18
#: What the label layout assumes of a bold label and of the plot (generous, so real labels fit the room reserved).
LABEL_CHAR_PX = 7.5
ASSUMED_PLOT_PX = 540
MARK_COLUMNS = ["at", "text", "colour", "rule", "align", "row", "y", "top"]


def _rule_labels(rows: list[dict[str, Any]], first: float, last: float, right_from: float = 0.55) -> pd.DataFrame:
    """Labelled vertical rules (`at`, `text`, `colour`) laid out inside a plot whose x runs from `first` to `last`.

    A row with `rule` False is a note: a label at `at` with no rule (at `last`, it reads from the right edge).

    Each label sits at the top of the plot beside its rule: right of it, or left of it when the rule stands right
    of `right_from` of the way across (or when the label would leave the plot). Labels take rows from the top, and
    each rule starts at its own label's row and runs down to the bottom: a label that spans another rule is put
    in a row above where that rule starts, and labels sharing a row never overlap, so no text crosses a line.
    """
    span = (last - first) or 1.0
    per_px = span / ASSUMED_PLOT_PX
    items = []
    for row in rows:
        at = float(row["at"])
        width = (len(str(row["text"])) * LABEL_CHAR_PX + 10) * per_px
        left_of_rule = at > first + right_from * span
        if not _fits(at, width, left_of_rule, first, last) and _fits(at, width, not left_of_rule, first, last):
            left_of_rule = not left_of_rule
        rule = bool(row.get("rule", True))
        items.append({**row, "at": at, "rule": rule, "width": width, **_extent(at, width, left_of_rule)})
    n = len(items)
    spans = _spanned(items)
    # two labels facing each other, each across the other's rule: turn one round where it still fits
    for _ in range(n):
        facing = [(i, j) for i in range(n) for j in spans[i] if i in spans[j]]
        if not facing:
            break
        for k in facing[0][::-1]:
            item = items[k]
            turned = item["align"] == "left"
            if _fits(item["at"], item["width"], turned, first, last):
                item.update(_extent(item["at"], item["width"], turned))
                break
        else:
            break
        spans = _spanned(items)
    waiting = [sum(i in spans[k] for k in range(n)) for i in range(n)]
    order: list[int] = []
    ready = [i for i in range(n) if waiting[i] == 0]
    while ready:
        i = ready.pop(0)
        order.append(i)
        for j in spans[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                ready.append(j)
    order += [i for i in range(n) if i not in order]  # labels still facing (no room to turn): keep their order
    placed: dict[int, int] = {}
    for i in order:
        r = 1 + max((placed[k] for k in placed if i in spans[k]), default=-1)
        while any(
            placed[k] == r and items[k]["lo"] < items[i]["hi"] and items[i]["lo"] < items[k]["hi"] for k in placed
        ):
            r += 1
        placed[i] = r
    out = [
        {**item, "row": placed[i], "y": LABEL_TOP_PX + LABEL_ROW_PX * placed[i],
         "top": LABEL_TOP_PX + LABEL_ROW_PX * placed[i] - 3}
        for i, item in enumerate(items)
    ]  # fmt: skip
    return pd.DataFrame(out, columns=MARK_COLUMNS)


def _extent(at: float, width: float, left_of_rule: bool) -> dict[str, Any]:
    """Where a label beside the rule at `at` reaches, in x units."""
    if left_of_rule:
        return {"align": "right", "lo": at - width, "hi": at}
    return {"align": "left", "lo": at, "hi": at + width}


def _fits(at: float, width: float, left_of_rule: bool, first: float, last: float) -> bool:
    return at - width >= first if left_of_rule else at + width <= last


def _spanned(items: list[dict[str, Any]]) -> list[list[int]]:
    """For each label, the other rules its text runs across (a rule at its own x runs beside it, not across)."""
    return [
        [
            j
            for j, other in enumerate(items)
            if j != i and other["rule"] and other["at"] != item["at"] and item["lo"] <= other["at"] <= item["hi"]
        ]
        for i, item in enumerate(items)
    ]


def _room_for_labels(dataset: str, field: str, floor: float | None = None) -> Any:
    """A y scale whose domain runs over the data and lifts its top so the rule labels' rows stay clear of it.

    The rows are pixels and the data dollars or shares, so the room is a Vega expression of the plot's height:
    the same spec drawn 160 or 320 pixels high (the memo, the page) keeps its labels off the lines.
    """
    values = f"pluck(data('{dataset}'), '{field}')"
    hi = f"max(0, extent({values})[1])"
    lo = f"min(0, extent({values})[0])" if floor is None else repr(floor)
    rows = "(length(data('marks')) ? extent(pluck(data('marks'), 'row'))[1] + 1 : 0)"
    share = f"min(0.6, ({LABEL_TOP_PX + 6} + {LABEL_ROW_PX} * {rows}) / height)"
    pad = 0.04
    top = f"{hi} + ({hi} - {lo}) * ({pad} + {share} / (1 - {share}))"
    bottom = f"{lo} - ({hi} - {lo}) * {pad}" if floor is None else repr(floor)
    return alt.Scale(domainMin=alt.ExprRef(expr=bottom), domainMax=alt.ExprRef(expr=top))


def _rules_and_labels(dash: list[float] | None = None) -> list[Any]:
    """Vertical rules at `at` from their label's row to the bottom, labels inside the plot, coloured by `colour`."""
    base = alt.Chart(_data("marks"))
    rule = (
        base.transform_filter("datum.rule")
        .mark_rule(strokeWidth=1.6, strokeDash=dash or [5, 3])
        .encode(
            x=alt.X("at:Q"),
            y=alt.Y("top:Q", scale=None),
            y2=alt.value(alt.ExprRef(expr="height")),
            color=alt.Color("colour:N", scale=None),
        )
    )
    text = base.mark_text(**LABEL_MARK).encode(
        x=alt.X("at:Q"), y=alt.Y("y:Q", scale=None), text=alt.Text("text:N"), color=alt.Color("colour:N", scale=None)
    )
    return [rule, text]


# ---------------------------------------------------------------- a sentence instead of a chart


@lru_cache(maxsize=1)
def _message_template() -> dict[str, Any]:
    return _template(
        alt.Chart(_data("message"))
        .mark_text(fontSize=THEME["title_size"], color=THEME["muted"], align="center", baseline="middle")
        .encode(text=alt.Text("text:N"))
        .properties(height=60)
    )


def message_chart(text: str) -> ChartSpec:
    """A chart that is one plain sentence: what a view says when there is nothing to draw."""
    return ChartSpec(_message_template(), {"message": pd.DataFrame({"text": [text]})}, message=text)


# ---------------------------------------------------------------- cumulative cash flow

CUMULATIVE = "Cumulative flow (cash and engineer time)"
DISCOUNTED = "Discounted cumulative flow"
CASH_ONLY = "Cash only (engineer time left out)"


@lru_cache(maxsize=16)
def _cumulative_template(horizon: int, with_cash: bool = True) -> dict[str, Any]:
    series = [CUMULATIVE, DISCOUNTED, *([CASH_ONLY] if with_cash else [])]
    colours = [THEME["cash"], THEME["discounted"], THEME["cash_only"]][: len(series)]
    dashes = [[1, 0], [7, 4], [2, 3]][: len(series)]
    lines = (
        alt.Chart(_data("flows"))
        .mark_line(point=False)
        .encode(
            x=alt.X("month:Q", axis=_month_axis(horizon), scale=_month_scale(horizon)),
            y=alt.Y("usd:Q", scale=_room_for_labels("flows", "usd"), axis=_money_axis("Cumulative (USD)")),
            color=_series_colour(series, colours, symbolType="stroke"),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=dashes),
                legend=alt.Legend(title=None, symbolType="stroke"),
                sort=series,
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("month:Q", title="Month", format="d"),
                alt.Tooltip("usd:Q", title="Cumulative (USD)", format=USD),
            ],
        )
    )
    points = (
        alt.Chart(_data("marks"))
        .transform_filter("datum.rule")
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=alt.X("at:Q"), y=alt.datum(0), color=alt.Color("colour:N", scale=None))
    )
    return _template(alt.layer(_zero_rule(), lines, *_rules_and_labels(), points).properties(height=320))


def has_cash_line(result: Result) -> bool:
    """Whether the cash-only line differs from the whole flow: not when the case has no engineer time at all (the
    line would lie hidden under the other)."""
    table = result.horizon_monthly
    return bool(np.any(np.abs(table["cumulative_cash_usd"].to_numpy() - table["cumulative_usd"].to_numpy()) > 0.5))


def cumulative_chart(result: Result) -> ChartSpec:
    """Cumulative and discounted cumulative flow by month over the horizon, both paybacks marked by labelled rules;
    and the cumulative cash flow alone (engineer time left out) when it differs from the whole flow."""
    table = result.horizon_monthly
    summary = result.summary
    horizon = int(summary.horizon_months)
    with_cash = has_cash_line(result)
    columns = ["cumulative_usd", "cumulative_discounted_usd", *(["cumulative_cash_usd"] if with_cash else [])]
    names = [CUMULATIVE, DISCOUNTED, CASH_ONLY][: len(columns)]
    flows = pd.DataFrame(
        {
            "month": np.tile(table["month"].to_numpy(), len(columns)),
            "usd": np.concatenate([table[c].to_numpy() for c in columns]),
            "series": [name for name in names for _ in range(len(table))],
        }
    )
    rows = []
    if summary.payback_months is not None:
        rows.append({"at": summary.payback_months, "text": f"Payback {summary.payback_months:.1f} months",
                     "colour": THEME["cash"]})  # fmt: skip
    if summary.discounted_payback_months is not None:
        rows.append({"at": summary.discounted_payback_months,
                     "text": f"Discounted payback {summary.discounted_payback_months:.1f} months",
                     "colour": THEME["discounted"]})  # fmt: skip
    missing = [
        name
        for name, at in (("Payback", summary.payback_months), ("Discounted payback", summary.discounted_payback_months))
        if at is None
    ]
    if missing and not summary.nothing_within_horizon:
        text = " and ".join(missing).lower().capitalize() + f": not within the {horizon}-month horizon"
        rows.append({"at": horizon, "text": text, "colour": THEME["muted"], "rule": False})
    marks = _rule_labels(rows, 0, horizon)
    return ChartSpec(
        _cumulative_template(horizon, with_cash),
        {"flows": flows, "zero": ZERO, "marks": marks},
    )


# ---------------------------------------------------------------- benefit by stream


@lru_cache(maxsize=32)
def _streams_template(horizon: int, present: tuple[str, ...]) -> dict[str, Any]:
    labels = [STREAM_LABELS[s] for s in present]
    step = month_step(horizon)
    return _template(
        alt.Chart(_data("streams"))
        .mark_bar()
        .encode(
            x=alt.X(
                "month:O",
                axis=alt.Axis(title="Month", values=[m for m in range(1, horizon + 1) if m % step == 0], labelAngle=0),
            ),
            y=alt.Y("usd:Q", stack="zero", axis=_money_axis("Benefit per month (USD)")),
            color=alt.Color(
                "stream:N",
                title="Benefit stream",
                scale=alt.Scale(domain=labels, range=[THEME["streams"][s] for s in present]),
                legend=alt.Legend(title="Benefit stream"),
                sort=labels,
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("stream:N", title="Stream"),
                alt.Tooltip("usd:Q", title="Benefit (USD)", format=USD),
            ],
        )
        .properties(height=280)
    )


def benefit_by_stream_chart(result: Result) -> ChartSpec:
    """Monthly benefit by stream, stacked (negative streams stack below zero); streams worth nothing left out."""
    table = result.horizon_monthly[result.horizon_monthly["month"] >= 1]
    present = tuple(s for s in STREAMS if bool((table[f"{s}_usd"] != 0).any())) or STREAMS[:1]
    long = table.melt(id_vars="month", value_vars=[f"{s}_usd" for s in present], var_name="code", value_name="usd")
    code = long.pop("code").str.removesuffix("_usd")
    long["stream"] = code.map(STREAM_LABELS)
    long["order"] = code.map({s: i for i, s in enumerate(STREAMS)})
    return ChartSpec(_streams_template(int(result.summary.horizon_months), present), {"streams": long})


# ---------------------------------------------------------------- the cost of doing nothing

DOING_NOTHING = "Cost of doing nothing (all failed-merge rework)"
AVOIDABLE = "Avoidable part (the rework the plan removes)"
PLAN_COST = "Cost of the plan"
PLAN_COST_NO_STAFF = "Cost of the plan (staff not counted)"


@lru_cache(maxsize=16)
def _waste_template(horizon: int, staff_counted: bool) -> dict[str, Any]:
    series = [DOING_NOTHING, AVOIDABLE, PLAN_COST if staff_counted else PLAN_COST_NO_STAFF]
    return _template(
        alt.Chart(_data("costs"))
        .mark_line()
        .encode(
            x=alt.X("month:Q", axis=_month_axis(horizon), scale=_month_scale(horizon)),
            y=alt.Y("usd:Q", axis=_money_axis("Cumulative cost (USD)")),
            color=_series_colour(
                series, [THEME["waste"], THEME["avoidable"], THEME["cash"]], columns=1, symbolType="stroke"
            ),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[[1, 0], [6, 3], [1, 0]]),
                legend=alt.Legend(title=None, columns=1, symbolType="stroke"),
                sort=series,
            ),
            # the total drawn wider, so where the plan removes all of it the avoidable line still shows on top
            strokeWidth=alt.StrokeWidth("series:N", scale=alt.Scale(domain=series, range=[4.5, 2.5, 2.5]), legend=None),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("month:Q", title="Month", format="d"),
                alt.Tooltip("usd:Q", title="Cumulative (USD)", format=USD),
            ],
        )
        .properties(height=280)
    )


def waste_vs_investment_chart(result: Result) -> ChartSpec:
    """Cumulative cost of doing nothing, the part of it the plan removes, and the cumulative cost of the plan."""
    table = result.horizon_monthly
    costs = -(table["one_time_usd"] + table["staff_usd"] + table["recurring_usd"])
    staff_counted = result.scenario.finance.include_staff_cost
    plan = PLAN_COST if staff_counted else PLAN_COST_NO_STAFF
    n = len(table)
    long = pd.DataFrame(
        {
            "month": np.tile(table["month"].to_numpy(), 3),
            "usd": np.concatenate([table["baseline_waste_usd"].cumsum(), table["merges_usd"].cumsum(), costs.cumsum()]),
            "series": [DOING_NOTHING] * n + [AVOIDABLE] * n + [plan] * n,
        }
    )
    return ChartSpec(_waste_template(int(result.summary.horizon_months), staff_counted), {"costs": long})


# ---------------------------------------------------------------- where the money goes

ONE_TIME = "One-time"
PER_YEAR = "Per year (recurring)"
STAFF = "Staff (engineer-quarters)"
STAFF_NOT_COUNTED = "Staff (not counted)"
AI_TOOLS = "AI coding tools"


def spend_kinds(staff_counted: bool) -> list[str]:
    return [ONE_TIME, PER_YEAR, STAFF if staff_counted else STAFF_NOT_COUNTED]


def spend_split_frame(scenario: Scenario, staff_cost_usd: float) -> pd.DataFrame:
    """AI tools and the four delivery areas, by kind of spend: one-time, per year, and the staff time priced."""
    staff_kind = STAFF if scenario.finance.include_staff_cost else STAFF_NOT_COUNTED
    rows = [{"area": AI_TOOLS, "kind": PER_YEAR, "usd": likely(scenario.ai_tools.annual_spend)}]
    quarters = {a: likely(getattr(scenario.investments, a).engineer_quarters) for a in AREAS}
    total_quarters = sum(quarters.values())
    for a in AREAS:
        inv = getattr(scenario.investments, a)
        rows.append({"area": AREA_LABELS[a], "kind": ONE_TIME, "usd": likely(inv.one_time)})
        rows.append({"area": AREA_LABELS[a], "kind": PER_YEAR, "usd": likely(inv.annual_recurring)})
        share = quarters[a] / total_quarters if total_quarters else 0.0
        rows.append({"area": AREA_LABELS[a], "kind": staff_kind, "usd": staff_cost_usd * share})
    frame = pd.DataFrame(rows, columns=["area", "kind", "usd"])
    frame["order"] = frame["kind"].map({k: i for i, k in enumerate([ONE_TIME, PER_YEAR, staff_kind])})
    return frame


@lru_cache(maxsize=2)
def _split_template(staff_counted: bool) -> dict[str, Any]:
    kinds = spend_kinds(staff_counted)
    staff_colour = THEME["staff"] if staff_counted else THEME["staff_not_counted"]
    rows = [AI_TOOLS, *(AREA_LABELS[a] for a in AREAS)]
    return _template(
        alt.Chart(_data("split"))
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            y=alt.Y("area:N", title=None, sort=rows, axis=alt.Axis(labelOverlap=False, labelLimit=260, ticks=False)),
            x=alt.X("usd:Q", stack="zero", axis=_money_axis("Spend (USD)", along="width")),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=kinds, range=[THEME["one_time"], THEME["recurring"], staff_colour]),
                legend=alt.Legend(title=None),
                sort=kinds,
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("area:N", title="Spend on"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("usd:Q", title="Amount (USD)", format=USD),
            ],
        )
        .properties(height=alt.Step(36))
    )


def spend_split_chart(scenario: Scenario, staff_cost_usd: float) -> ChartSpec:
    """The spend split between AI tools and the four delivery areas; staff not counted in the flows drawn muted."""
    frame = spend_split_frame(scenario, staff_cost_usd)
    return ChartSpec(_split_template(scenario.finance.include_staff_cost), {"split": frame})


# ---------------------------------------------------------------- scenarios compared


@lru_cache(maxsize=16)
def _compare_template(horizon: int) -> dict[str, Any]:
    colour = alt.Color(
        "scenario:N",
        title=None,
        sort=None,
        legend=alt.Legend(title=None, columns=1, labelLimit=600, symbolType="stroke"),
    )
    lines = (
        alt.Chart(_data("compare"))
        .mark_line()
        .encode(
            x=alt.X("month:Q", axis=_month_axis(horizon), scale=_month_scale(horizon)),
            y=alt.Y("usd:Q", axis=_money_axis("Cumulative flow (USD)")),
            color=colour,
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("month:Q", title="Month", format="d"),
                alt.Tooltip("usd:Q", title="Cumulative (USD)", format=USD),
            ],
        )
    )
    points = (
        alt.Chart(_data("paybacks"))
        .mark_point(filled=True, size=80)
        .encode(
            x=alt.X("month:Q"),
            y=alt.datum(0),
            color=colour,
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("month:Q", title="Payback (months)", format=".1f"),
            ],
        )
    )
    return _template(alt.layer(_zero_rule(), lines, points).properties(height=320))


def compare_chart(results: Mapping[str, Result]) -> ChartSpec:
    """Cumulative cash flows of several scenarios overlaid, each payback a dot on the zero line."""
    frames = [
        pd.DataFrame(
            {"month": r.horizon_monthly["month"], "usd": r.horizon_monthly["cumulative_usd"], "scenario": name}
        )
        for name, r in results.items()
    ]
    paybacks = pd.DataFrame(
        [{"scenario": n, "month": r.summary.payback_months} for n, r in results.items()
         if r.summary.payback_months is not None],
        columns=["scenario", "month"],
    )  # fmt: skip
    horizon = max((int(r.summary.horizon_months) for r in results.values()), default=36)
    compare = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["month", "usd", "scenario"])
    return ChartSpec(_compare_template(horizon), {"compare": compare, "zero": ZERO, "paybacks": paybacks})


# ---------------------------------------------------------------- payback across the draws


def _bin_step(span: float, bins: int = 30) -> float:
    """A round bin width in months giving about `bins` bins over `span` months."""
    for step in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0):
        if span / step <= bins:
            return step
    return 24.0


@lru_cache(maxsize=1)
def _histogram_template() -> dict[str, Any]:
    bars = (
        alt.Chart(_data("bins"))
        .mark_bar(color=THEME["bars"], stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "start:Q",
                title="Payback (months)",
                scale=alt.Scale(zero=False, nice=False),
                axis=alt.Axis(format="~g", tickMinStep=0.1, tickCount=10, labelFlush=False, labelAngle=0),
            ),
            x2=alt.X2("end:Q"),
            y=alt.Y(
                "share:Q",
                scale=_room_for_labels("bins", "share", floor=0.0),
                axis=alt.Axis(
                    title="Share of draws",
                    tickCount=alt.ExprRef(expr="max(2, ceil(height / 50))"),
                    labelExpr=PERCENT_LABEL_EXPR,
                ),
            ),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("start:Q", title="From (months)", format=".1f"),
                alt.Tooltip("end:Q", title="To (months)", format=".1f"),
                alt.Tooltip("draws:Q", title="Draws", format=","),
                alt.Tooltip("share:Q", title="Share of draws", format=".1%"),
            ],
        )
    )
    return _template(alt.layer(bars, *_rules_and_labels(dash=[4, 3])).properties(height=280))


def payback_distribution_chart(simulation: Simulation) -> ChartSpec:
    """Histogram of payback months across draws (bars: share of all draws), P10 / P50 / P90 marked in the plot.

    Draws that never pay back are not in the bars; a sentence in the plot says how many there are. When no draw
    pays back within the horizon the result is `message_chart("No draw pays back within the horizon ...")`: a
    ChartSpec whose `message` is set and whose picture is that sentence.
    """
    payback = np.asarray(simulation.metrics.payback_months, dtype=np.float64)
    horizon = simulation.scenario.finance.horizon_months
    finite = payback[np.isfinite(payback)]
    if finite.size == 0:
        return message_chart(f"No draw pays back within the horizon ({horizon} months).")
    low, high = float(finite.min()), float(finite.max())
    step = _bin_step(high - low)
    first = math.floor(low / step) * step
    count = max(1, math.ceil((high - first) / step + 1e-9))
    if first + count * step <= high:
        count += 1
    edges = first + step * np.arange(count + 1)
    counts, _ = np.histogram(finite, bins=edges)
    share = counts / payback.size
    bins = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "draws": counts, "share": share})
    q = simulation.percentiles()["payback_months"]
    rows = [
        {"at": v, "text": f"{k.upper()} {v:.1f} months", "colour": THEME["ink"]}
        for k, v in q.items()
        if k in ("p10", "p50", "p90") and v is not None
    ]
    never = int(payback.size - finite.size)
    if never:
        unreached = ", ".join(k.upper() for k in ("p10", "p50", "p90") if q[k] is None)
        text = f"{fmt.whole_pct(never / payback.size)} of draws never pay back" + (
            f" ({unreached}: never)" if unreached else ""
        )
        rows.append({"at": float(edges[-1]), "text": text, "colour": THEME["muted"], "rule": False})
    marks = _rule_labels(rows, float(edges[0]), float(edges[-1]), right_from=0.6)
    return ChartSpec(_histogram_template(), {"bins": bins, "marks": marks})


# ---------------------------------------------------------------- the fan of cumulative cash flows

FAN_BAND = "P10 to P90"
FAN_MEDIAN = "Median"


def cumulative_draws(simulation: Simulation, *, discounted: bool = False) -> NDArray[np.float32]:
    """The cumulative cash flow of every draw by month, (draws, months 0..H), computed a chunk of draws at a time.

    Kept as float32 (a cent's precision up to $100K, a dollar's to $100M): 10,000 draws over 36 months is 1.5 MB.
    """
    scenario = simulation.scenario
    months = scenario.finance.horizon_months + 1
    out = np.empty((simulation.draws, months), dtype=np.float32)
    for rows, flows in flow_chunks(scenario, simulation.inputs, simulation.draws):
        net = flows.horizon(flows.net_flow_usd)
        if discounted:  # each draw at its own discount rate, where the rate is ranged
            net = net * finance.discount_factors(finance.monthly_rate(flows.annual_discount_rate), months)
        out[rows] = np.cumsum(net, axis=1)
    return out


@lru_cache(maxsize=16)
def _fan_template(horizon: int, title: str) -> dict[str, Any]:
    series = [FAN_BAND, FAN_MEDIAN]
    colour = _series_colour(series, [THEME["band"], THEME["cash"]])
    x = alt.X("month:Q", axis=_month_axis(horizon), scale=_month_scale(horizon))
    band = (
        alt.Chart(_data("bands"))
        .mark_area(opacity=0.75)
        .encode(
            x=x,
            y=alt.Y("low:Q", axis=_money_axis(title)),
            y2=alt.Y2("high:Q"),
            color=colour,
            tooltip=[
                alt.Tooltip("month:Q", title="Month", format="d"),
                alt.Tooltip("low:Q", title="P10 (USD)", format=USD),
                alt.Tooltip("high:Q", title="P90 (USD)", format=USD),
            ],
        )
    )
    median = (
        alt.Chart(_data("median"))
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("usd:Q"),
            color=colour,
            tooltip=[
                alt.Tooltip("month:Q", title="Month", format="d"),
                alt.Tooltip("usd:Q", title="Median (USD)", format=USD),
            ],
        )
    )
    return _template(alt.layer(band, _zero_rule(), median).properties(height=320))


def fan_chart(
    simulation: Simulation, cumulative: NDArray[np.floating[Any]] | None = None, *, discounted: bool = False
) -> ChartSpec:
    """Cumulative cash flow across the draws by month: the P10 to P90 band and the median.

    `cumulative` is the draws' cumulative flows, (draws, months 0..H); by default they are computed from the
    simulation's inputs with `cumulative_draws`. Percentiles pick actual draws (inverted CDF), as the
    simulation's own percentiles do.
    """
    flows = cumulative_draws(simulation, discounted=discounted) if cumulative is None else np.asarray(cumulative)
    horizon = simulation.scenario.finance.horizon_months
    if flows.ndim != 2 or flows.shape[1] != horizon + 1:
        raise ValueError(f"cumulative must be shaped (draws, {horizon + 1}), got {flows.shape}")
    p10, p50, p90 = np.quantile(flows, [0.1, 0.5, 0.9], axis=0, method="inverted_cdf").astype(np.float64)
    months = np.arange(horizon + 1)
    bands = pd.DataFrame({"month": months, "low": p10, "high": p90, "series": FAN_BAND})
    median = pd.DataFrame({"month": months, "usd": p50, "series": FAN_MEDIAN})
    title = "Discounted cumulative flow (USD)" if discounted else "Cumulative flow (USD)"
    return ChartSpec(_fan_template(horizon, title), {"bands": bands, "median": median, "zero": ZERO})


# ---------------------------------------------------------------- the plan's schedule

BUILD = "Build (start to go-live)"
RAMP = "Ramp-up to full benefit"
FULL = "Full benefit"
NOT_FUNDED = "Not funded"
COST_ONE_TIME = "One-time"
COST_STAFF = "Staff"
COST_RECURRING = "Recurring"


def plan_phases(result: Result) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each funded area's build, ramp-up and full-benefit periods within the horizon, and the areas not funded."""
    scenario = result.scenario
    values = likely_values(scenario)
    horizon = float(scenario.finance.horizon_months)
    ramp = likely(scenario.finance.ramp_months)
    rows, unfunded = [], []
    for area in AREAS:
        key = f"investments.{area}"
        label = AREA_LABELS[area]
        if not values[f"{key}.include"]:
            unfunded.append({"area": label, "x": 0.0, "text": NOT_FUNDED})
            continue
        start = float(values[f"{key}.start_month"])
        live = start + float(values[f"{key}.build_months"])
        for phase, a, b in ((BUILD, start, live), (RAMP, live, live + ramp), (FULL, live + ramp, horizon)):
            a, b = min(a, horizon), min(b, horizon)
            if b > a:
                rows.append({"area": label, "phase": phase, "start": a, "end": b, "go_live": live})
    return (
        pd.DataFrame(rows, columns=["area", "phase", "start", "end", "go_live"]),
        pd.DataFrame(unfunded, columns=["area", "x", "text"]),
    )


@lru_cache(maxsize=16)
def _timeline_template(horizon: int, staff_counted: bool) -> dict[str, Any]:
    areas = [AREA_LABELS[a] for a in AREAS]
    phases = [BUILD, RAMP, FULL]
    x_scale = _month_scale(horizon, pad=0.5)
    gantt_x = alt.X("start:Q", scale=x_scale, axis=_month_axis(horizon, title=None))
    area_axis = alt.Axis(title="Spend area", labelOverlap=False, ticks=False, minExtent=TIMELINE_LABEL_WIDTH)
    y = alt.Y("area:N", sort=areas, scale=alt.Scale(domain=areas), axis=area_axis)
    bars = (
        alt.Chart(_data("phases"))
        .mark_bar(cornerRadius=2, height={"band": 0.7})
        .encode(
            x=gantt_x,
            x2=alt.X2("end:Q"),
            y=y,
            color=alt.Color(
                "area:N", scale=alt.Scale(domain=areas, range=[THEME["areas"][a] for a in AREAS]), legend=None
            ),
            opacity=alt.Opacity(
                "phase:N",
                title=None,
                scale=alt.Scale(domain=phases, range=[0.3, 0.6, 1.0]),
                legend=alt.Legend(title=None, symbolFillColor=THEME["ink"], symbolType="square"),
                sort=phases,
            ),
            tooltip=[
                alt.Tooltip("area:N", title="Area"),
                alt.Tooltip("phase:N", title="Phase"),
                alt.Tooltip("start:Q", title="From month", format=".3~g"),
                alt.Tooltip("end:Q", title="To month", format=".3~g"),
            ],
        )
    )
    unfunded = (
        alt.Chart(_data("unfunded"))
        .mark_text(align="left", dx=4, color=THEME["muted"], fontStyle="italic")
        .encode(x=alt.X("x:Q"), y=y, text=alt.Text("text:N"))
    )
    gantt = alt.layer(bars, unfunded).properties(height=alt.Step(30), title="Build and go-live by area")
    kinds = [COST_ONE_TIME, COST_STAFF, COST_RECURRING] if staff_counted else [COST_ONE_TIME, COST_RECURRING]
    colours = {COST_ONE_TIME: THEME["one_time"], COST_STAFF: THEME["staff"], COST_RECURRING: THEME["recurring"]}
    cost = (
        alt.Chart(_data("costs"))
        .mark_bar()
        .encode(
            x=alt.X("left:Q", scale=x_scale, axis=_month_axis(horizon)),
            x2=alt.X2("right:Q"),
            y=alt.Y(
                "top:Q",
                scale=alt.Scale(zero=True, nice=True),
                axis=_money_axis("Cost by month (USD)", minExtent=TIMELINE_LABEL_WIDTH),
            ),
            y2=alt.Y2("bottom:Q"),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=kinds, range=[colours[k] for k in kinds]),
                legend=alt.Legend(title=None),
                sort=kinds,
            ),
            tooltip=[
                alt.Tooltip("month:Q", title="Month", format="d"),
                alt.Tooltip("kind:N", title="Cost"),
                alt.Tooltip("usd:Q", title="Amount (USD)", format=USD),
            ],
        )
        .properties(height=150, title="Cost by month")
    )
    chart = alt.vconcat(gantt, cost, spacing=18).resolve_scale(x="shared", color="independent")
    return _template(chart.resolve_legend(color="independent", opacity="independent"), fit_width=False)


def plan_timeline_chart(result: Result) -> ChartSpec:
    """Each area's build (start to go-live), ramp-up and full benefit within the horizon, and the cost by month.

    Areas the plan does not fund keep their row, marked "Not funded". Costs are positive amounts by month:
    one-time at each start, staff spread over the build months (when counted), recurring from the month after.
    """
    phases, unfunded = plan_phases(result)
    table = result.horizon_monthly
    staff_counted = result.scenario.finance.include_staff_cost
    parts = [(COST_ONE_TIME, "one_time_usd"), (COST_STAFF, "staff_usd"), (COST_RECURRING, "recurring_usd")]
    costs = pd.concat(
        [
            pd.DataFrame({"month": table["month"], "kind": kind, "usd": -table[column], "order": i})
            for i, (kind, column) in enumerate(parts)
        ],
        ignore_index=True,
    )
    costs = costs[costs["usd"] > 0].sort_values(["month", "order"], kind="stable").reset_index(drop=True)
    costs["top"] = costs.groupby("month")["usd"].cumsum()
    costs["bottom"] = costs["top"] - costs["usd"]
    costs["left"] = costs["month"] - 0.4
    costs["right"] = costs["month"] + 0.4
    horizon = int(result.summary.horizon_months)
    return ChartSpec(
        _timeline_template(horizon, staff_counted), {"phases": phases, "unfunded": unfunded, "costs": costs}
    )


# ---------------------------------------------------------------- tornado

AT_LOW = "NPV with the input at its low"
AT_HIGH = "NPV with the input at its high"


def input_label(path: str, low: float | None = None, high: float | None = None) -> str:
    """An input as a reader names it, with its range: "Hours to fix one failed merge (2 h to 4 h)"."""
    spec = FIELDS.get(path)
    label = field_label(path) if spec is not None else path.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    if spec is None or low is None or high is None:
        return label
    return f"{label} ({spec.show(low)} to {spec.show(high)})"


@lru_cache(maxsize=1)
def _tornado_template() -> dict[str, Any]:
    ends = [AT_LOW, AT_HIGH]
    bars = (
        alt.Chart(_data("bars"))
        .mark_bar(height={"band": 0.72})
        .encode(
            y=alt.Y(
                "input:N",
                sort=None,
                title=None,
                scale=alt.Scale(paddingOuter=0.7),
                axis=alt.Axis(labelLimit=380, labelOverlap=False, ticks=False),
            ),
            x=alt.X("base:Q", axis=_money_axis("NPV (USD)", along="width")),
            x2=alt.X2("npv:Q"),
            color=alt.Color(
                "end:N",
                title=None,
                scale=alt.Scale(domain=ends, range=[THEME["recurring"], THEME["cash"]]),
                legend=alt.Legend(title=None),
                sort=ends,
            ),
            tooltip=[
                alt.Tooltip("input:N", title="Input"),
                alt.Tooltip("end:N", title="Case"),
                alt.Tooltip("value:N", title="Input value"),
                alt.Tooltip("npv:Q", title="NPV (USD)", format=USD),
            ],
        )
    )
    base = alt.Chart(_data("base"))
    rule = base.mark_rule(color=THEME["zero_line"], strokeWidth=1.5).encode(x=alt.X("npv:Q"))
    label = base.mark_text(**LABEL_MARK).encode(x=alt.X("npv:Q"), y=alt.value(3), text=alt.Text("text:N"))
    return _template(alt.layer(bars, rule, label).properties(height=alt.Step(30)))


def tornado_chart(table: pd.DataFrame, base_npv_usd: float) -> ChartSpec:
    """NPV with each ranged input at its low and at its high (others at likely), widest swing on top.

    An empty table (no ranged input) gives `message_chart(...)`.
    """
    if table.empty:
        return message_chart("No input has a range, so nothing moves NPV.")
    rows = []
    for r in table.to_dict("records"):
        label = input_label(str(r["input"]), float(r["low"]), float(r["high"]))
        spec = FIELDS.get(str(r["input"]))
        ends = [
            (AT_LOW, float(r["npv_low_usd"]), float(r["low"])),
            (AT_HIGH, float(r["npv_high_usd"]), float(r["high"])),
        ]
        # the bar reaching further from the base first, so the nearer one stays visible on top of it
        ends.sort(key=lambda e: -abs(e[1] - base_npv_usd))
        for end, npv, value in ends:
            shown = spec.show(value) if spec is not None else f"{value:,.4g}"
            rows.append({"input": label, "end": end, "base": base_npv_usd, "npv": npv, "value": shown})
    bars = pd.DataFrame(rows, columns=["input", "end", "base", "npv", "value"])
    text = f"Likely case: NPV {money_short(base_npv_usd)}"
    low, high = min(bars["npv"].min(), base_npv_usd), max(bars["npv"].max(), base_npv_usd)
    side = "right" if base_npv_usd > low + 0.6 * (high - low) else "left"
    base = pd.DataFrame({"npv": [base_npv_usd], "text": [text], "align": [side]})
    return ChartSpec(_tornado_template(), {"bars": bars, "base": base})
