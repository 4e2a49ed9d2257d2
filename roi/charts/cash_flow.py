"""The charts of one case's monthly flows: the cumulative (and discounted) cash flow with its paybacks, the
benefit by stream, and the cost of doing nothing beside the cost of the plan."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from roi.charts.labels import room_for_labels, rule_labels, rules_and_labels
from roi.charts.spec import ChartSpec
from roi.charts.theme import (
    THEME,
    USD,
    ZERO,
    cumulative_tooltip,
    money_axis,
    month_axis,
    month_scale,
    month_step,
    named_data,
    series_colour,
    themed_template,
    zero_rule,
)
from roi.model import Result
from roi.scenario import STREAM_LABELS, STREAMS

CUMULATIVE = "Cumulative flow (cash and engineer time)"
DISCOUNTED = "Discounted cumulative flow"
CASH_ONLY = "Cash only (engineer time left out)"


@lru_cache(maxsize=16)
def _cumulative_template(horizon: int, with_cash: bool = True) -> dict[str, Any]:
    series = [CUMULATIVE, DISCOUNTED, *([CASH_ONLY] if with_cash else [])]
    colours = [THEME["cash"], THEME["discounted"], THEME["cash_only"]][: len(series)]
    dashes = [[1, 0], [7, 4], [2, 3]][: len(series)]
    lines = (
        alt.Chart(named_data("flows"))
        .mark_line(point=False)
        .encode(
            x=alt.X("month:Q", axis=month_axis(horizon), scale=month_scale(horizon)),
            y=alt.Y("usd:Q", scale=room_for_labels("flows", "usd"), axis=money_axis("Cumulative (USD)")),
            color=series_colour(series, colours, symbolType="stroke"),
            strokeDash=alt.StrokeDash(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=dashes),
                legend=alt.Legend(title=None, symbolType="stroke"),
                sort=series,
            ),
            tooltip=cumulative_tooltip("series:N", "Series"),
        )
    )
    points = (
        alt.Chart(named_data("marks"))
        .transform_filter("datum.rule")
        .mark_point(filled=True, size=70, opacity=1)
        .encode(x=alt.X("at:Q"), y=alt.datum(0), color=alt.Color("colour:N", scale=None))
    )
    return themed_template(alt.layer(zero_rule(), lines, *rules_and_labels(), points).properties(height=320))


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
        rows.append(
            {
                "at": summary.payback_months,
                "text": f"Payback {summary.payback_months:.1f} months",
                "colour": THEME["cash"],
            }
        )
    if summary.discounted_payback_months is not None:
        rows.append(
            {
                "at": summary.discounted_payback_months,
                "text": f"Discounted payback {summary.discounted_payback_months:.1f} months",
                "colour": THEME["discounted"],
            }
        )
    missing = [
        name
        for name, at in (("Payback", summary.payback_months), ("Discounted payback", summary.discounted_payback_months))
        if at is None
    ]
    if missing and not summary.nothing_within_horizon:
        text = " and ".join(missing).lower().capitalize() + f": not within the {horizon}-month horizon"
        rows.append({"at": horizon, "text": text, "colour": THEME["muted"], "rule": False})
    marks = rule_labels(rows, 0, horizon)
    return ChartSpec(
        _cumulative_template(horizon, with_cash),
        {"flows": flows, "zero": ZERO, "marks": marks},
    )


@lru_cache(maxsize=32)
def _streams_template(horizon: int, present: tuple[str, ...]) -> dict[str, Any]:
    labels = [STREAM_LABELS[s] for s in present]
    step = month_step(horizon)
    return themed_template(
        alt.Chart(named_data("streams"))
        .mark_bar()
        .encode(
            x=alt.X(
                "month:O",
                axis=alt.Axis(title="Month", values=[m for m in range(1, horizon + 1) if m % step == 0], labelAngle=0),
            ),
            y=alt.Y("usd:Q", stack="zero", axis=money_axis("Benefit per month (USD)")),
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


DOING_NOTHING = "Cost of doing nothing (all failed-merge rework)"
AVOIDABLE = "Avoidable part (the rework the plan removes)"
PLAN_COST = "Cost of the plan"
PLAN_COST_NO_STAFF = "Cost of the plan (staff not counted)"


@lru_cache(maxsize=16)
def _waste_template(horizon: int, staff_counted: bool) -> dict[str, Any]:
    series = [DOING_NOTHING, AVOIDABLE, PLAN_COST if staff_counted else PLAN_COST_NO_STAFF]
    return themed_template(
        alt.Chart(named_data("costs"))
        .mark_line()
        .encode(
            x=alt.X("month:Q", axis=month_axis(horizon), scale=month_scale(horizon)),
            y=alt.Y("usd:Q", axis=money_axis("Cumulative cost (USD)")),
            color=series_colour(
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
            tooltip=cumulative_tooltip("series:N", "Series"),
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
