"""The plan's schedule: each area's build, ramp-up and full benefit within the horizon, above the cost by month."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from roi import inputs as vk
from roi.charts.spec import TIMELINE_LABEL_WIDTH, ChartSpec
from roi.charts.theme import THEME, USD, money_axis, month_axis, month_scale, named_data, themed_template
from roi.model import Result, likely_values
from roi.scenario import AREA_LABELS, AREAS, likely

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
        label = AREA_LABELS[area]
        if not values[vk.include(area)]:
            unfunded.append({"area": label, "x": 0.0, "text": NOT_FUNDED})
            continue
        start = float(values[vk.start_month(area)])
        live = start + float(values[vk.build_months(area)])
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
    x_scale = month_scale(horizon, pad=0.5)
    gantt_x = alt.X("start:Q", scale=x_scale, axis=month_axis(horizon, title=None))
    area_axis = alt.Axis(title="Spend area", labelOverlap=False, ticks=False, minExtent=TIMELINE_LABEL_WIDTH)
    y = alt.Y("area:N", sort=areas, scale=alt.Scale(domain=areas), axis=area_axis)
    bars = (
        alt.Chart(named_data("phases"))
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
        alt.Chart(named_data("unfunded"))
        .mark_text(align="left", dx=4, color=THEME["muted"], fontStyle="italic")
        .encode(x=alt.X("x:Q"), y=y, text=alt.Text("text:N"))
    )
    gantt = alt.layer(bars, unfunded).properties(height=alt.Step(30), title="Build and go-live by area")
    kinds = [COST_ONE_TIME, COST_STAFF, COST_RECURRING] if staff_counted else [COST_ONE_TIME, COST_RECURRING]
    colours = {COST_ONE_TIME: THEME["one_time"], COST_STAFF: THEME["staff"], COST_RECURRING: THEME["recurring"]}
    cost = (
        alt.Chart(named_data("costs"))
        .mark_bar()
        .encode(
            x=alt.X("left:Q", scale=x_scale, axis=month_axis(horizon)),
            x2=alt.X2("right:Q"),
            y=alt.Y(
                "top:Q",
                scale=alt.Scale(zero=True, nice=True),
                axis=money_axis("Cost by month (USD)", minExtent=TIMELINE_LABEL_WIDTH),
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
    return themed_template(chart.resolve_legend(color="independent", opacity="independent"), fit_width=False)


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
