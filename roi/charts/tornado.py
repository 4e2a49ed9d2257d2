"""Sensitivity: NPV with each ranged input at its low and at its high, and an input named as a reader names it."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from roi.charts.labels import LABEL_MARK
from roi.charts.spec import ChartSpec, message_chart
from roi.charts.theme import THEME, USD, money_axis, money_short, named_data, themed_template
from roi.scenario import FIELDS, field_label

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
        alt.Chart(named_data("bars"))
        .mark_bar(height={"band": 0.72})
        .encode(
            y=alt.Y(
                "input:N",
                sort=None,
                title=None,
                scale=alt.Scale(paddingOuter=0.7),
                axis=alt.Axis(labelLimit=380, labelOverlap=False, ticks=False),
            ),
            x=alt.X("base:Q", axis=money_axis("NPV (USD)", along="width")),
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
    base = alt.Chart(named_data("base"))
    rule = base.mark_rule(color=THEME["zero_line"], strokeWidth=1.5).encode(x=alt.X("npv:Q"))
    label = base.mark_text(**LABEL_MARK).encode(x=alt.X("npv:Q"), y=alt.value(3), text=alt.Text("text:N"))
    return themed_template(alt.layer(bars, rule, label).properties(height=alt.Step(30)))


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
