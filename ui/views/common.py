"""What several views share: drawing a chart (or saying why there is none), tables in a reader's words."""

from __future__ import annotations

from typing import Any

import streamlit as st

from roi.charts import ChartSpec
from roi.model import Result
from roi.scenario import AREA_LABELS, STREAM_LABELS
from ui import state

#: The Monte Carlo the page runs until the Uncertainty tab says otherwise: the headline's expected NPV reads the same
#: cached simulation as that tab.
DRAW_CHOICES = (1_000, 10_000, 50_000)
DEFAULT_DRAWS = 10_000

MONTHLY_LABELS = {
    "month": "Month",
    "growth_factor": "Volume growth factor",
    **{f"live_{a}": f"{label} live share" for a, label in AREA_LABELS.items()},
    **{f"{s}_usd": f"{label} benefit ($)" for s, label in STREAM_LABELS.items()},
    "benefit_usd": "Benefit ($)",
    "one_time_usd": "One-time cost ($)",
    "staff_usd": "Staff cost ($)",
    "recurring_usd": "Recurring cost ($)",
    "net_flow_usd": "Net cash flow ($)",
    "cumulative_usd": "Cumulative ($)",
    "discount_factor": "Discount factor",
    "discounted_flow_usd": "Discounted flow ($)",
    "cumulative_discounted_usd": "Cumulative discounted ($)",
    "baseline_waste_usd": "Cost of doing nothing ($)",
}


#: Plot width of a stacked chart (the plan's timeline): fits the main column beside the sidebar at 1280 px.
STACKED_PLOT_PX = 560
#: Room right of the plot for the last axis label, which Vega centres on the plot's edge ("$340K" half outside).
RIGHT_ROOM_PX = 28


def simulation_settings() -> tuple[int, int]:
    """The draws and seed the Uncertainty tab is set to (its defaults before it is opened)."""
    ss = st.session_state
    return int(ss.get(state.MC_DRAWS, DEFAULT_DRAWS)), int(ss.get(state.MC_SEED, 0))


def one_legend_per_series(spec: Any) -> Any:
    """A layer coloured and dashed by the same series draws one legend, not two (colour carries the series)."""
    if isinstance(spec, dict):
        encoding = spec.get("encoding")
        if isinstance(encoding, dict) and "color" in encoding and isinstance(encoding.get("strokeDash"), dict):
            spec = {**spec, "encoding": {**encoding, "strokeDash": {**encoding["strokeDash"], "legend": None}}}
        return {k: one_legend_per_series(v) for k, v in spec.items()}
    if isinstance(spec, list):
        return [one_legend_per_series(v) for v in spec]
    return spec


def chart(spec: ChartSpec) -> None:
    """A chart, or its one sentence as a note when there is nothing to draw."""
    if spec.message:
        st.info(spec.message)
        return
    draw(spec.to_dict())


def draw(vega_lite: dict[str, Any]) -> None:
    """A Vega-Lite spec as the page draws it: one legend per series, room for the last label, fitting the column."""
    data = one_legend_per_series(vega_lite)
    data.setdefault("padding", {"left": 5, "top": 5, "bottom": 5, "right": RIGHT_ROOM_PX})
    if "vconcat" in data:  # a fixed-width stack: give it a width that fits the column
        data["vconcat"] = [{**child, "width": STACKED_PLOT_PX} for child in data["vconcat"]]
        st.vega_lite_chart(spec=data, width="content")
    else:
        st.vega_lite_chart(spec=data, width="stretch")


def monthly_table(result: Result) -> None:
    table = result.monthly.rename(columns=MONTHLY_LABELS)
    config = {
        column: st.column_config.NumberColumn(format="dollar" if "$" in column else "%.3f")
        for column in table.columns
        if column != "Month"
    }
    st.dataframe(table, hide_index=True, column_config=config)
