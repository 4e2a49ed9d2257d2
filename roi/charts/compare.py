"""Several scenarios' cumulative cash flows overlaid, each payback a dot on the zero line."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from roi.charts.spec import ChartSpec
from roi.charts.theme import (
    ZERO,
    cumulative_tooltip,
    money_axis,
    month_axis,
    month_scale,
    named_data,
    themed_template,
    zero_rule,
)
from roi.model import Result


@lru_cache(maxsize=16)
def _compare_template(horizon: int) -> dict[str, Any]:
    colour = alt.Color(
        "scenario:N",
        title=None,
        sort=None,
        legend=alt.Legend(title=None, columns=1, labelLimit=600, symbolType="stroke"),
    )
    lines = (
        alt.Chart(named_data("compare"))
        .mark_line()
        .encode(
            x=alt.X("month:Q", axis=month_axis(horizon), scale=month_scale(horizon)),
            y=alt.Y("usd:Q", axis=money_axis("Cumulative flow (USD)")),
            color=colour,
            tooltip=cumulative_tooltip("scenario:N", "Scenario"),
        )
    )
    points = (
        alt.Chart(named_data("paybacks"))
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
    return themed_template(alt.layer(zero_rule(), lines, points).properties(height=320))


def compare_chart(results: Mapping[str, Result]) -> ChartSpec:
    """Cumulative cash flows of several scenarios overlaid, each payback a dot on the zero line."""
    frames = [
        pd.DataFrame(
            {"month": r.horizon_monthly["month"], "usd": r.horizon_monthly["cumulative_usd"], "scenario": name}
        )
        for name, r in results.items()
    ]
    paybacks = pd.DataFrame(
        [
            {"scenario": n, "month": r.summary.payback_months}
            for n, r in results.items()
            if r.summary.payback_months is not None
        ],
        columns=["scenario", "month"],
    )
    horizon = max((int(r.summary.horizon_months) for r in results.values()), default=36)
    compare = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["month", "usd", "scenario"])
    return ChartSpec(_compare_template(horizon), {"compare": compare, "zero": ZERO, "paybacks": paybacks})
