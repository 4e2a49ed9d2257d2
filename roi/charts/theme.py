"""The one look of every chart (`THEME` and its Vega-Lite config), how money and months read on an axis,
and the pieces every template is built from (named data, the themed and validated template, series colours,
the zero line)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

# ---------------------------------------------------------------- theme

#: Tooltips give money to the dollar.
USD = "$,.0f"

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


def money_axis(title: str, along: str = "height", **kwargs: Any) -> Any:
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


def month_axis(horizon: int, title: str | None = "Month", **kwargs: Any) -> Any:
    return alt.Axis(title=title, values=month_ticks(horizon), format="d", labelAngle=0, **kwargs)


def month_scale(horizon: int, pad: float = 0.0) -> Any:
    return alt.Scale(domain=[-pad, horizon + pad], nice=False, zero=False)


# ---------------------------------------------------------------- building templates


def named_data(name: str) -> Any:
    return alt.NamedData(name=name)


def themed_template(chart: Any, *, fit_width: bool = True) -> dict[str, Any]:
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


def series_colour(domain: Sequence[str], colours: Sequence[str], title: str | None = None, **legend: Any) -> Any:
    return alt.Color(
        "series:N",
        title=title,
        scale=alt.Scale(domain=list(domain), range=list(colours)),
        legend=alt.Legend(title=title, **legend),
        sort=list(domain),
    )


def cumulative_tooltip(line: str, title: str) -> list[Any]:
    """The tooltip of a line of cumulative flow by month: which line (`line`, a field, named `title`), month, amount."""
    return [
        alt.Tooltip(line, title=title),
        alt.Tooltip("month:Q", title="Month", format="d"),
        alt.Tooltip("usd:Q", title="Cumulative (USD)", format=USD),
    ]


def zero_rule() -> Any:
    return alt.Chart(named_data("zero")).mark_rule(color=THEME["zero_line"], strokeWidth=1.2).encode(y=alt.Y("usd:Q"))


ZERO = pd.DataFrame({"usd": [0.0]})
